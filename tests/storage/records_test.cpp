// Records: what is encoded decodes to the same fields, records of version 1 (written by older
// builds) still decode, and truncated records are refused.
#include "storage/internal/records.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "storage/internal/key_codec.hpp"

namespace ixdb::storage::internal {
namespace {

TEST_CASE("Records: series metadata, targets and loads round-trip", "[storage]") {
  SeriesMeta m;
  m.code = "pm25";
  m.name_zh = "细颗粒物平均浓度";
  m.name_en = "PM2.5";
  m.unit = "微克/立方米";
  m.measure = MeasureKind::kLevel;
  m.frequency = Frequency::kMonthly;
  m.cumulative = true;
  m.better = Better::kLower;
  m.updated = DateFromYmd(2024, 1, 20);
  std::string enc;
  EncodeMeta(m, &enc);
  SeriesMeta back;
  REQUIRE(DecodeMeta(enc, &back));
  CHECK(back == m);
  uint32_t id;
  REQUIRE(DecodeCodeRecord(CodeRecord(7, m), &id, &back));
  CHECK(id == 7);

  TargetRecord t;
  t.comparator = Comparator::kBetween;
  t.value = 5.5;
  t.value_high = 6;
  t.on = TargetOn::kYoy;
  t.about = true;
  t.unit = "%";
  t.source = "增长5.5%-6%";
  t.load_id = 3;
  EncodeTarget(t, &enc);
  TargetRecord tb;
  REQUIRE(DecodeTarget(enc, &tb));
  CHECK(tb.comparator == Comparator::kBetween);
  CHECK(tb.value_high == 6);
  CHECK(tb.on == TargetOn::kYoy);
  CHECK(tb.about);
  CHECK(std::isnan(tb.tolerance));
  CHECK(tb.source == "增长5.5%-6%");

  LoadRecord l;
  l.id = 4;
  l.info.command = "load a.csv";
  l.info.files = {"a.csv"};
  l.summary.corrections = 2;
  l.summary.retracted = 5;
  l.summary.min_vintage = DateFromYmd(2024, 1, 20);
  l.summary.max_vintage = DateFromYmd(2025, 3, 31);
  l.reverted_by = 9;
  EncodeLoad(l, &enc);
  LoadRecord lb;
  REQUIRE(DecodeLoad(enc, &lb));
  CHECK(lb.summary.corrections == 2);
  CHECK(lb.summary.retracted == 5);
  CHECK(lb.summary.max_vintage == l.summary.max_vintage);
  CHECK(lb.reverted_by == 9);

  uint8_t flags;
  uint64_t seq;
  REQUIRE(DecodeTouch(TouchValue(5, 1234), &flags, &seq));
  CHECK(flags == 5);
  CHECK(seq == 1234);
}

TEST_CASE("Records: version 1 records still decode, with the new fields at their defaults",
          "[storage]") {
  // A v1 metadata record is a v2 one without the trailing better byte, and version 1.
  SeriesMeta m;
  m.code = "gdp";
  m.better = Better::kLower;
  std::string enc;
  EncodeMeta(m, &enc);
  std::string v1 = enc.substr(0, enc.size() - 1);
  v1[0] = 1;
  SeriesMeta back;
  REQUIRE(DecodeMeta(v1, &back));
  CHECK(back.better == Better::kHigher);
  TargetRecord t;
  t.value = 6;
  EncodeTarget(t, &enc);
  std::string t1 = enc.substr(0, enc.size() - 10);  // about, on, value_high
  t1[0] = 1;
  TargetRecord tb;
  REQUIRE(DecodeTarget(t1, &tb));
  CHECK(tb.value == 6);
  CHECK(tb.on == TargetOn::kLevel);
  CHECK(std::isnan(tb.value_high));
}

TEST_CASE("Records: a formula's metadata is v3, a stored series' stays v2 (older builds read it)",
          "[storage]") {
  SeriesMeta m;
  m.code = "gdp";
  m.unit = "亿元";
  std::string data;
  EncodeMeta(m, &data);
  CHECK(data[0] == 2);
  SeriesMeta f = m;
  f.code = "gdp_pc";
  f.formula = "gdp / pop";
  f.formula_uses = {"gdp", "pop"};
  std::string enc;
  EncodeMeta(f, &enc);
  CHECK(enc[0] == 3);
  SeriesMeta back;
  REQUIRE(DecodeMeta(enc, &back));
  CHECK(back == f);
  REQUIRE(DecodeMeta(data, &back));
  CHECK(back == m);
  CHECK_FALSE(back.IsFormula());
  for (size_t n = data.size(); n + 1 < enc.size(); ++n)
    CHECK_FALSE(DecodeMeta(enc.substr(0, n), &back));
}

TEST_CASE("Records: truncated and unknown values are refused", "[storage]") {
  SeriesMeta m;
  m.code = "gdp";
  std::string enc;
  EncodeMeta(m, &enc);
  SeriesMeta back;
  for (size_t n = 0; n + 1 < enc.size(); ++n) CHECK_FALSE(DecodeMeta(enc.substr(0, n), &back));
  TargetRecord t;
  EncodeTarget(t, &enc);
  enc[1] = 42;  // no comparator 42
  TargetRecord tb;
  CHECK_FALSE(DecodeTarget(enc, &tb));
}

}  // namespace
}  // namespace ixdb::storage::internal
