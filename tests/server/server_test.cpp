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

Response Handle(DataBackend& backend, const std::string& payload,
                const HandlerConfig& config = {}) {
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

TEST_CASE(
    "Server (store): define stores a formula with the token, errors keep their code and position",
    "[server]") {
  StoreFixture f;
  StoreBackend backend(f.store(), {});
  HandlerConfig config;
  config.token = "s3cret";
  Response refused =
      Handle(backend, EncodeDefineRequest("twice", "s01 * 2", "", "", false, ""), config);
  REQUIRE(DecodeStatusResponse(refused.payload).IsInvalidArgument());
  REQUIRE(f.Local("twice").status().IsNotFound());
  Response ok =
      Handle(backend, EncodeDefineRequest("twice", "s01 * 2", "两倍", "", false, "s3cret"), config);
  auto text = DecodeDefineResponse(ok.payload);
  REQUIRE_OK(text.status());
  CHECK(*text == "defined twice = s01 * 2 (亿元, annual)");
  // The formula answers what the expression answers.
  auto formula = f.Local("twice[2001:2003]");
  auto expr = f.Local("(s01 * 2)[2001:2003]");
  REQUIRE_OK(formula.status());
  REQUIRE(formula->rows.size() == 3);
  for (size_t i = 0; i < 3; ++i) CHECK(formula->rows[i][2] == expr->rows[i][2]);
  Response bad =
      Handle(backend, EncodeDefineRequest("x", "s01 + s99", "", "", false, "s3cret"), config);
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
  auto request = EncodeLoadRequest(
      {{"dir/a.csv", NewSeriesCsv("fresh_a", 1, "2024-02-01")}, {"b.csv", bad}}, "", "");
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
      auto r =
          (*c)->Load({{"x.csv", NewSeriesCsv("busy" + std::to_string(i), i, "2024-03-01")}}, "");
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

// The values of the "c" series: c000..c099 hold i (2023), and i + 1000 after the big load.
std::string CSeriesCsv(int offset, const std::string& vintage) {
  std::string csv = "indicator,period,vintage,value,unit,measure,frequency\n";
  for (int i = 0; i < 100; ++i) {
    char line[96];
    std::snprintf(line, sizeof line, "c%03d,2023,%s,%d,万人,count,annual\n", i, vintage.c_str(),
                  i + offset);
    csv += line;
  }
  return csv;
}

TEST_CASE("Server (store): clients querying during a large load see one snapshot, before or after",
          "[server]") {
  StoreFixture f;
  auto first = load::LoadText(f.store(), "c.csv", CSeriesCsv(0, "2024-01-20"), {});
  REQUIRE_OK(first.status());
  // The big load: the 100 c series revised, spread through 40,000 rows of new series, so that a
  // reader that saw part of it would see some c values old and some new.
  std::string big = "indicator,period,vintage,value,unit,measure,frequency\n";
  std::string revised = CSeriesCsv(1000, "2024-06-01");
  std::vector<std::string> revised_lines;
  for (size_t pos = revised.find('\n') + 1; pos < revised.size();) {
    size_t nl = revised.find('\n', pos);
    revised_lines.push_back(revised.substr(pos, nl + 1 - pos));
    pos = nl + 1;
  }
  for (int s = 0; s < 800; ++s) {
    if (s % 8 == 0) big += revised_lines[static_cast<size_t>(s / 8)];
    for (int y = 1974; y < 2024; ++y) {
      big += "f" + std::to_string(s) + "," + std::to_string(y) + ",2024-06-01," +
             std::to_string(s * 100 + y) + ",万人,count,annual\n";
    }
  }
  // Sums of integers: exact in any order, so a parallel scan gives the same number.
  const double before_sum = 4950, after_sum = 4950 + 100 * 1000;

  ServerOptions o;
  o.threads = 4;
  o.token = "s3cret";
  o.max_connections = 64;
  storage::Store& store = f.store();
  RunningServer server([&store](const ServerOptions& opts) { return Serve(store, opts); }, o);
  REQUIRE(server.listening());

  constexpr int kClients = 20;
  std::atomic<int> before{0}, after{0}, mixed{0}, failed{0}, ready{0};
  std::atomic<bool> load_done{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&, t] {
      auto c = Client::Connect(server.endpoint());
      if (!c.ok()) {
        ++failed;
        ++ready;
        return;
      }
      bool counted_ready = false;
      int after_done = 0;
      for (int i = 0; after_done < 2 && i < 100000; ++i) {
        const bool done_before_asking = load_done.load();
        if (t % 2 == 0) {
          // stats over 100 series: a scan on several threads.
          auto r = (*c)->Query("stats(series(c*))");
          if (!r.ok() || r->rows.size() != 1) {
            ++failed;
          } else {
            double sum = std::get<double>(r->rows[0][3]);
            (sum == before_sum ? before : sum == after_sum ? after : mixed)++;
          }
        } else {
          auto r = (*c)->Query("series(c*)[2023]");
          if (!r.ok() || r->rows.size() != 100) {
            ++failed;
          } else {
            int old_values = 0, new_values = 0;
            for (size_t k = 0; k < 100; ++k) {
              double v = std::get<double>(r->rows[k][2]);
              old_values += v == static_cast<double>(k);
              new_values += v == static_cast<double>(k + 1000);
            }
            (old_values == 100 ? before : new_values == 100 ? after : mixed)++;
          }
        }
        if (!counted_ready) {
          counted_ready = true;
          ++ready;
        }
        if (done_before_asking) ++after_done;
      }
    });
  }
  while (ready.load() < kClients) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto loader = Client::Connect(server.endpoint(), "s3cret");
  REQUIRE_OK(loader.status());
  auto loaded = (*loader)->Load({{"big.csv", big}}, "");
  load_done = true;
  for (auto& th : clients) th.join();
  INFO(loaded.status().ToString());
  REQUIRE(loaded.ok());
  INFO("before " << before << ", after " << after << ", mixed " << mixed << ", failed " << failed);
  REQUIRE(failed == 0);
  REQUIRE(mixed == 0);
  REQUIRE(before >= kClients);
  REQUIRE(after >= kClients);
  REQUIRE_OK(server.Stop());
}

TEST_CASE("Server (store): no refusal changes the store", "[server]") {
  StoreFixture f;
  const size_t loads_before = f.LoadCount();
  auto s03_before = f.Local("s03");
  REQUIRE_OK(s03_before.status());
  ServerOptions o;
  o.threads = 2;
  o.token = "s3cret";
  o.max_connections = 2;
  o.max_frame_bytes = 4096;
  o.idle_timeout_seconds = 1;
  storage::Store& store = f.store();
  RunningServer server([&store](const ServerOptions& opts) { return Serve(store, opts); }, o);
  const std::vector<std::pair<std::string, std::string>> small = {
      {"new.csv", NewSeriesCsv("s03", 999, "2025-01-01")}};
  std::string big_csv = NewSeriesCsv("s03", 999, "2025-01-01") + std::string(8000, '\n');
  // The server may not have seen the close of a block's connections when the next block starts:
  // a connection waits for a free slot (max_connections is 2).
  auto connect_when_free = [&](const std::string& token = "") {
    auto c = Client::Connect(server.endpoint(), token);
    for (int i = 0; i < 100 && !c.ok() && c.status().IsBusy(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      c = Client::Connect(server.endpoint(), token);
    }
    return c;
  };
  {
    // A wrong token, and none.
    auto c = Client::Connect(server.endpoint(), "wrong");
    REQUIRE_OK(c.status());
    REQUIRE((*c)->Load(small, "").status().IsInvalidArgument());
    auto none = Client::Connect(server.endpoint());
    REQUIRE_OK(none.status());
    REQUIRE((*none)->Load(small, "").status().IsInvalidArgument());
  }
  {
    // A frame over --max-frame-bytes, with the right token.
    auto c = connect_when_free("s3cret");
    REQUIRE_OK(c.status());
    REQUIRE((*c)->Load({{"big.csv", big_csv}}, "").status().IsLimitExceeded());
  }
  {
    // Too many connections: two held, the third one's load is refused with Busy.
    auto a = connect_when_free();
    auto b = connect_when_free();
    REQUIRE_OK(a.status());
    REQUIRE_OK(b.status());
    RawConnection third(server.port());
    std::string answer;
    auto request = EncodeLoadRequest(small, "", "s3cret");
    REQUIRE_OK(request.status());
    third.SendFrame(*request);
    REQUIRE(third.ReadFrame(&answer));
    REQUIRE(answer.find("\"code\":\"Busy\"") != std::string::npos);
  }
  {
    // A load that stops mid-frame: closed at the idle timeout, never executed. (While the
    // connections above still hold their slots, the server answers Busy: try again.)
    auto request = EncodeLoadRequest(small, "", "s3cret");
    REQUIRE_OK(request.status());
    std::string frame = EncodeFrame(*request);
    bool timed_out = false;
    for (int attempt = 0; attempt < 20 && !timed_out; ++attempt) {
      RawConnection stalled(server.port());
      REQUIRE(stalled.Send(frame.substr(0, frame.size() / 2)));
      std::string busy;
      timed_out = !stalled.ReadFrame(&busy);  // closed without an answer
      if (!timed_out) {
        REQUIRE(busy.find("\"code\":\"Busy\"") != std::string::npos);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    REQUIRE(timed_out);
  }
  REQUIRE(server.LogContains(": refused: load: Invalid argument: wrong token for loads"));
  REQUIRE(server.LogContains(": refused: frame of"));
  REQUIRE(server.LogContains(": refused: too many connections"));
  REQUIRE(server.LogContains(": refused: timed out mid-frame"));
  REQUIRE_OK(server.Stop());
  REQUIRE(f.LoadCount() == loads_before);
  auto s03_after = f.Local("s03");
  REQUIRE_OK(s03_after.status());
  REQUIRE(SameTable(*s03_after, *s03_before));
}

TEST_CASE("Server (store): a query's as_of reads the store as known then, as asof() does locally",
          "[server]") {
  StoreFixture f;
  storage::Store& store = f.store();
  // s03's 2023 value (400 + 23 * 7.125 + 1/3 = 564.208333...) revised to 570.5 on 2024-06-01.
  auto revised = load::LoadText(store, "rev.csv",
                                "indicator,period,vintage,value\ns03,2023,2024-06-01,570.5\n", {});
  REQUIRE_OK(revised.status());
  RunningServer server([&store](const ServerOptions& opts) { return Serve(store, opts); },
                       ServerOptions());
  auto c = Client::Connect(server.endpoint());
  REQUIRE_OK(c.status());
  auto march = ParseDate("2024-03-01");
  REQUIRE_OK(march.status());
  auto then = (*c)->Query("s03[2023:]", *march);
  REQUIRE_OK(then.status());
  auto local_then = f.Local("asof(s03[2023:], 2024-03-01)");
  REQUIRE_OK(local_then.status());
  REQUIRE(SameTable(*then, *local_then));
  // Columns: indicator, period, value, ...
  REQUIRE(then->columns.at(2).name == "value");
  const double* v = std::get_if<double>(&then->rows.at(0).at(2));
  REQUIRE(v != nullptr);
  CHECK(*v == Approx(400 + 23 * 7.125 + 1.0 / 3.0));
  // Without as_of (the same connection): the revision.
  auto now = (*c)->Query("s03[2023:]");
  REQUIRE_OK(now.status());
  const double* latest = std::get_if<double>(&now->rows.at(0).at(2));
  REQUIRE(latest != nullptr);
  CHECK(*latest == 570.5);
}

TEST_CASE("Server (store): a GB18030 file loads over the wire", "[server]") {
  StoreFixture f;
  storage::Store& store = f.store();
  RunningServer server([&store](const ServerOptions& opts) { return Serve(store, opts); },
                       ServerOptions());
  // name = 武汉 in GB18030 (CE E4 BA BA): not UTF-8, so it travels as base64.
  std::string csv =
      "indicator,period,vintage,value,name\ngbk_series,2023,2024-01-20,7.5,\xCE\xE4\xBA\xBA\n";
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
