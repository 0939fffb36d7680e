// The server over a real store: HandleRequest with StoreBackend (no sockets), and Serve() over
// loopback, checked against query::RunQuery on the same store. The store is filled by this file
// (load::LoadText of a generated CSV), independent of the demo data.

#include "server/server.hpp"

#include <stdlib.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "load/loader.hpp"
#include "query/query.hpp"
#include "server/client.hpp"
#include "server/handler.hpp"
#include "server/store_backend.hpp"
#include "tests/common/test_util.hpp"
#include "tests/server/server_test_util.hpp"

namespace ixdb::server {
namespace {

using testing::RawConnection;
using testing::RunningServer;

constexpr int kSeries = 12;

// Long CSV: kSeries annual series s00..s11 over 2000-2023, values with few decimals and some
// that are not short in binary (x/3), one blank; Chinese names.
std::string GeneratedCsv() {
  std::string csv = "indicator,period,vintage,value,unit,measure,frequency,name,name_en\n";
  for (int s = 0; s < kSeries; ++s) {
    char code[8];
    std::snprintf(code, sizeof code, "s%02d", s);
    for (int y = 2000; y <= 2023; ++y) {
      double v = 100.0 * (s + 1) + (y - 2000) * 7.125 + (s % 3 == 0 ? 1.0 / 3.0 : 0.01 * s);
      char value[64];
      std::snprintf(value, sizeof value, "%.17g", v);
      std::string cell = (s == 5 && y == 2010) ? "" : value;
      csv += std::string(code) + "," + std::to_string(y) + ",2024-01-20," + cell +
             ",亿元,level,annual,指标" + std::to_string(s) + ",Indicator " + std::to_string(s) +
             "\n";
    }
  }
  return csv;
}

class StoreFixture {
 public:
  StoreFixture() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/ixdb-server-XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    dir_ = tmpl;
    storage::Options o;
    o.sync = false;
    Status s = storage::Store::Open(o, dir_ + "/db", &store_);
    INFO(s.ToString());
    REQUIRE(s.ok());
    load::LoadOptions lo;
    auto report = load::LoadText(*store_, "generated.csv", GeneratedCsv(), lo);
    INFO(report.status().ToString());
    REQUIRE(report.ok());
  }
  ~StoreFixture() {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  storage::Store& store() { return *store_; }
  Result<query::Table> Local(const std::string& q) {
    auto view = store_->NewReadView();
    return query::RunQuery(*view, q);
  }
  size_t LoadCount() {
    auto view = store_->NewReadView();
    auto loads = view->ListLoads();
    REQUIRE(loads.ok());
    return loads->size();
  }

 private:
  std::string dir_;
  std::unique_ptr<storage::Store> store_;
};

bool SameTable(const query::Table& a, const query::Table& b) {
  if (a.columns.size() != b.columns.size() || a.rows.size() != b.rows.size()) return false;
  for (size_t i = 0; i < a.columns.size(); ++i) {
    if (a.columns[i].name != b.columns[i].name || a.columns[i].type != b.columns[i].type ||
        a.columns[i].unit != b.columns[i].unit) {
      return false;
    }
  }
  for (size_t r = 0; r < a.rows.size(); ++r) {
    if (a.rows[r].size() != b.rows[r].size()) return false;
    for (size_t c = 0; c < a.rows[r].size(); ++c) {
      const query::Cell& x = a.rows[r][c];
      const query::Cell& y = b.rows[r][c];
      // A NaN double travels as null (JSON has no NaN); both render as an empty cell.
      auto missing = [](const query::Cell& cell) {
        const double* d = std::get_if<double>(&cell);
        return std::holds_alternative<std::monostate>(cell) || (d != nullptr && std::isnan(*d));
      };
      if (missing(x) || missing(y)) {
        if (!(missing(x) && missing(y))) return false;
        continue;
      }
      if (x.index() != y.index()) return false;
      if (const double* d = std::get_if<double>(&x)) {
        if (std::memcmp(d, &std::get<double>(y), sizeof(double)) != 0) return false;
      } else if (x != y) {
        return false;
      }
    }
  }
  return a.notes == b.notes;
}

Response Handle(DataBackend& backend, const std::string& payload, const HandlerConfig& config = {}) {
  return HandleRequest(Request{payload, "127.0.0.1:5555"}, backend, config);
}

const char* kQueries[] = {"s03", "s05[2008:2012]", "s00[2020:]", "yoy(s07)"};

TEST_CASE("Server (store): a query answers exactly what RunQuery answers locally", "[server]") {
  StoreFixture f;
  StoreBackend backend(f.store(), {});
  for (const char* q : kQueries) {
    INFO(q);
    auto local = f.Local(q);
    REQUIRE_OK(local.status());
    REQUIRE_FALSE(local->rows.empty());
    Response r = Handle(backend, EncodeQueryRequest(q));
    auto remote = DecodeTableResponse(r.payload);
    REQUIRE_OK(remote.status());
    REQUIRE(SameTable(*local, *remote));
  }
}

TEST_CASE("Server (store): query errors keep RunQuery's code and message (caret included)",
          "[server]") {
  StoreFixture f;
  StoreBackend backend(f.store(), {});
  for (const char* q : {"yoy(s03", "s03[2000:", "no_such_series", "s03 +* s04"}) {
    INFO(q);
    auto local = f.Local(q);
    REQUIRE_FALSE(local.ok());
    Status remote = DecodeStatusResponse(Handle(backend, EncodeQueryRequest(q)).payload);
    REQUIRE(remote.code() == local.status().code());
    REQUIRE(remote.message() == local.status().message());
  }
}

std::string NewSeriesCsv(const std::string& code, double value, const std::string& vintage) {
  char v[64];
  std::snprintf(v, sizeof v, "%.17g", value);
  return "indicator,period,vintage,value,unit,measure,frequency,name\n" + code + ",2023," +
         vintage + "," + v + ",万人,count,annual,新指标\n";
}

TEST_CASE("Server (store): load writes through LoadText and needs the token when one is set",
          "[server]") {
  StoreFixture f;
  StoreBackend backend(f.store(), {});
  HandlerConfig config;
  config.token = "s3cret";
  size_t loads_before = f.LoadCount();
  auto request = EncodeLoadRequest({{"new.csv", NewSeriesCsv("fresh", 12.5, "2024-02-01")}},
                                   R"({"format":"long"})", "");
  REQUIRE_OK(request.status());
  Response refused = Handle(backend, *request, config);
  REQUIRE(DecodeStatusResponse(refused.payload).IsInvalidArgument());
  REQUIRE(f.LoadCount() == loads_before);
  REQUIRE(f.Local("fresh").status().IsNotFound());

  auto with_token = EncodeLoadRequest({{"new.csv", NewSeriesCsv("fresh", 12.5, "2024-02-01")}},
                                      R"({"format":"long"})", "s3cret");
  Response ok = Handle(backend, *with_token, config);
  auto text = DecodeLoadResponse(ok.payload);
  REQUIRE_OK(text.status());
  REQUIRE(text->find("load #") == 0);
  REQUIRE(f.LoadCount() == loads_before + 1);
  auto table = f.Local("fresh");
  REQUIRE_OK(table.status());
  REQUIRE(table->rows.size() == 1);
  // The load is recorded as a remote one.
  auto view = f.store().NewReadView();
  auto loads = view->ListLoads();
  REQUIRE(loads.ok());
  REQUIRE(loads->back().info.command.find("load (remote from 127.0.0.1:5555) new.csv") == 0);
}

TEST_CASE("Server (store): define stores a formula with the token, errors keep their code and position",
          "[server]") {
  StoreFixture f;
  StoreBackend backend(f.store(), {});
  HandlerConfig config;
  config.token = "s3cret";
  Response refused = Handle(backend, EncodeDefineRequest("twice", "s01 * 2", "", "", false, ""), config);
  REQUIRE(DecodeStatusResponse(refused.payload).IsInvalidArgument());
  REQUIRE(f.Local("twice").status().IsNotFound());
  Response ok = Handle(backend, EncodeDefineRequest("twice", "s01 * 2", "两倍", "", false, "s3cret"), config);
  auto text = DecodeDefineResponse(ok.payload);
  REQUIRE_OK(text.status());
  CHECK(*text == "defined twice = s01 * 2 (亿元, annual)");
  // The formula answers what the expression answers.
  auto formula = f.Local("twice[2001:2003]");
  auto expr = f.Local("(s01 * 2)[2001:2003]");
  REQUIRE_OK(formula.status());
  REQUIRE(formula->rows.size() == 3);
  for (size_t i = 0; i < 3; ++i) CHECK(formula->rows[i][2] == expr->rows[i][2]);
  Response bad = Handle(backend, EncodeDefineRequest("x", "s01 + s99", "", "", false, "s3cret"), config);
  Status s = DecodeDefineResponse(bad.payload).status();
  CHECK(s.IsNotFound());
  CHECK(s.message().find("1:7: unknown series 's99'") == 0);
  Response drop = Handle(backend, EncodeDefineRequest("twice", "", "", "", true, "s3cret"), config);
  REQUIRE_OK(DecodeDefineResponse(drop.payload).status());
  CHECK(f.Local("twice").status().IsNotFound());
}

TEST_CASE("Server (store): several files are one all-or-nothing load, errors name the files",
          "[server]") {
  StoreFixture f;
  StoreBackend backend(f.store(), {});
  size_t loads_before = f.LoadCount();
  std::string bad = "indicator,period,vintage,value\nfresh_b,2023,2024-02-01,abc\n";
  auto request = EncodeLoadRequest({{"dir/a.csv", NewSeriesCsv("fresh_a", 1, "2024-02-01")},
                                    {"b.csv", bad}},
                                   "", "");
  REQUIRE_OK(request.status());
  Status s = DecodeStatusResponse(Handle(backend, *request).payload);
  REQUIRE(s.IsInvalidArgument());
  INFO(s.message());
  REQUIRE(s.message().find("b.csv:2:") != std::string::npos);
  REQUIRE(s.message().find("ixdb-server-load-") == std::string::npos);  // no staging path leaks out
  REQUIRE(f.LoadCount() == loads_before);
  REQUIRE(f.Local("fresh_a").status().IsNotFound());

  auto good = EncodeLoadRequest({{"a.csv", NewSeriesCsv("fresh_a", 1, "2024-02-01")},
                                 {"a.csv", NewSeriesCsv("fresh_b", 2, "2024-02-01")}},
                                "", "");
  REQUIRE(DecodeLoadResponse(Handle(backend, *good).payload).ok());
  REQUIRE(f.LoadCount() == loads_before + 1);
  REQUIRE(f.Local("fresh_a").ok());
  REQUIRE(f.Local("fresh_b").ok());
}

TEST_CASE("Server (store): bad load options are InvalidArgument naming the option", "[server]") {
  StoreFixture f;
  StoreBackend backend(f.store(), {});
  const std::pair<const char*, const char*> cases[] = {
      {R"({"format":"xml"})", "options.format"},
      {R"({"encoding":"latin1"})", "options.encoding"},
      {R"({"vintage":"2024-02-30"})", "options.vintage"},
  };
  for (const auto& [options, part] : cases) {
    auto request = EncodeLoadRequest({{"a.csv", NewSeriesCsv("fresh", 1, "")}}, options, "");
    REQUIRE_OK(request.status());
    Status s = DecodeStatusResponse(Handle(backend, *request).payload);
    INFO(s.ToString());
    REQUIRE(s.IsInvalidArgument());
    REQUIRE(s.message().find(part) != std::string::npos);
  }
}

TEST_CASE("Server (store): many clients query while another loads, answers stay exact",
          "[server]") {
  StoreFixture f;
  std::vector<query::Table> expected;
  for (const char* q : kQueries) {
    auto t = f.Local(q);
    REQUIRE_OK(t.status());
    expected.push_back(*t);
  }
  ServerOptions o;
  o.threads = 4;
  o.token = "s3cret";
  storage::Store& store = f.store();
  RunningServer server([&store](const ServerOptions& opts) { return Serve(store, opts); }, o);
  REQUIRE(server.listening());

  constexpr int kThreads = 8, kQueriesEach = 50;
  std::atomic<int> wrong{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto c = Client::Connect(server.endpoint());
      if (!c.ok()) {
        failed += kQueriesEach;
        return;
      }
      for (int i = 0; i < kQueriesEach; ++i) {
        size_t k = static_cast<size_t>(t + i) % std::size(kQueries);
        auto table = (*c)->Query(kQueries[k]);
        if (!table.ok()) {
          ++failed;
        } else if (!SameTable(*table, expected[k])) {
          ++wrong;
        }
      }
    });
  }
  // Meanwhile, loads of other series through the same server.
  std::atomic<int> load_failures{0};
  std::thread loader([&] {
    auto c = Client::Connect(server.endpoint(), "s3cret");
    if (!c.ok()) {
      load_failures = 100;
      return;
    }
    for (int i = 0; i < 5; ++i) {
      auto r = (*c)->Load({{"x.csv", NewSeriesCsv("busy" + std::to_string(i), i, "2024-03-01")}},
                          "");
      if (!r.ok()) ++load_failures;
    }
  });
  for (auto& th : threads) th.join();
  loader.join();
  REQUIRE(failed == 0);
  REQUIRE(wrong == 0);
  REQUIRE(load_failures == 0);
  auto c = Client::Connect(server.endpoint());
  REQUIRE_OK(c.status());
  auto busy = (*c)->Query("busy4");
  REQUIRE_OK(busy.status());
  REQUIRE(std::get<double>(busy->rows.at(0).at(2)) == 4.0);
  REQUIRE_OK(server.Stop());
}

TEST_CASE("Server (store): a GB18030 file loads over the wire", "[server]") {
  StoreFixture f;
  storage::Store& store = f.store();
  RunningServer server([&store](const ServerOptions& opts) { return Serve(store, opts); },
                       ServerOptions());
  // name = 武汉 in GB18030 (CE E4 BA BA): not UTF-8, so it travels as base64.
  std::string csv = "indicator,period,vintage,value,name\ngbk_series,2023,2024-01-20,7.5,\xCE\xE4\xBA\xBA\n";
  auto c = Client::Connect(server.endpoint());
  REQUIRE_OK(c.status());
  auto loaded = (*c)->Load({{"gbk.csv", csv}}, R"({"encoding":"gb18030"})");
  INFO(loaded.status().ToString());
  REQUIRE(loaded.ok());
  auto view = store.NewReadView();
  auto meta = view->GetSeries("gbk_series");
  REQUIRE_OK(meta.status());
  REQUIRE(meta->name_zh == "武汉");
}

}  // namespace
}  // namespace ixdb::server
