#pragma once
// Helpers shared by the storage tests: a fresh temporary directory per test and small builders.

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "storage/store.hpp"
#include "tests/common/test_util.hpp"

namespace ixdb::storage::testing {

using TempDir = ixdb::test::TempDir;

inline std::unique_ptr<Store> OpenStore(const std::string& path, Options options = {}) {
  std::unique_ptr<Store> store;
  Status s = Store::Open(options, path, &store);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return store;
}

inline SeriesMeta Meta(std::string code, Frequency f = Frequency::kAnnual) {
  SeriesMeta m;
  m.code = std::move(code);
  m.name_zh = "地区生产总值";
  m.name_en = "GDP";
  m.unit = "亿元";
  m.frequency = f;
  return m;
}

inline Observation Obs(std::string series, Period p, Date v, double value,
                       ObsStatus status = ObsStatus::kUnspecified) {
  Observation o;
  o.series = std::move(series);
  o.period = p;
  o.vintage = v;
  o.value = value;
  o.status = status;
  return o;
}

inline Date D(int y, unsigned m, unsigned d) { return DateFromYmd(y, m, d); }

inline WriteSummary MustWrite(Store& store, const WriteBatch& batch, const std::string& cmd = "") {
  LoadInfo info;
  info.command = cmd;
  auto r = store.Write(batch, info);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

}  // namespace ixdb::storage::testing
