#include "storage/store.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "storage/internal/store_internal.hpp"
#include "tests/storage/storage_test_util.hpp"

namespace ixdb::storage {
namespace {

using testing::D;
using testing::Meta;
using testing::MustWrite;
using testing::Obs;
using testing::OpenStore;
using testing::TempDir;

bool SameBits(double a, double b) { return std::memcmp(&a, &b, 8) == 0; }

SeriesValues MustRead(Store& store, const std::string& code, ReadRequest req = {}) {
  auto view = store.NewReadView();
  auto r = view->ReadSeries(code, req);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

ReadRequest AsOf(Date d) {
  ReadRequest r;
  r.mode = ReadMode::kAsOf;
  r.as_of = d;
  return r;
}

TEST_CASE("Store: every field of metadata, observations and targets round-trips", "[storage]") {
  TempDir dir;
  SeriesMeta m;
  m.code = "gdp_growth";
  m.name_zh = "地区生产总值增长";
  m.name_en = "GDP growth";
  m.region = "武汉";
  m.unit = "%";
  m.measure = MeasureKind::kGrowth;
  m.frequency = Frequency::kQuarterly;
  m.cumulative = true;
  m.level_series = "gdp";
  m.source = "武汉市统计局";
  m.notes = "按可比价格计算";
  SeriesMeta level = Meta("gdp");

  WriteBatch b;
  b.PutSeries(m);
  b.PutSeries(level);
  const Date v = D(2024, 1, 20);
  Observation o1 = Obs("gdp_growth", Period::Quarter(2023, 1), v, 4.5, ObsStatus::kFinal);
  o1.qualifier = Qualifier::kAbout;
  o1.stage = "初步核实";
  o1.source = "2023年统计公报";
  Observation o2 = Obs("gdp_growth", Period::Quarter(2023, 2), v, kMissing, ObsStatus::kEstimate);
  Observation o3 = Obs("gdp_growth", Period::Quarter(2023, 3), v, 5.5, ObsStatus::kPreliminary);
  o3.qualifier = Qualifier::kAtLeast;
  Observation o4 = Obs("gdp_growth", Period::Quarter(2023, 4), v, -0.0, ObsStatus::kRevised);
  o4.qualifier = Qualifier::kAtMost;
  Observation o5 = Obs("gdp", Period::Annual(2023), v, 20011.65);
  Observation o6 = Obs("gdp", Period::Annual(2022), v, 1.0 / 3.0);  // not a short decimal
  for (const auto& o : {o1, o2, o3, o4, o5, o6}) b.PutObservation(o);
  Target t;
  t.series = "gdp_growth";
  t.period = Period::Quarter(2024, 4);
  t.vintage = D(2024, 1, 15);
  t.comparator = Comparator::kAbout;
  t.value = 6;
  t.tolerance = 0.5;
  t.unit = "%";
  t.relative_to = "gdp";
  t.text = "增长6%左右";
  t.source = "政府工作报告";
  b.PutTarget(t);
  LoadInfo info;
  info.command = "load --vintage 2024-01-20 a.csv";
  info.files = {"a.csv", "数据.csv"};
  info.vintage = v;
  auto store = OpenStore(dir.path());
  auto r = store->Write(b, info);
  REQUIRE_OK(r.status());
  CHECK(r->series_created == 2);
  CHECK(r->observations_added == 6);
  CHECK(r->targets_added == 1);

  // Reopen: everything comes back from disk.
  store.reset();
  store = OpenStore(dir.path());
  auto view = store->NewReadView();
  auto meta = view->GetSeries("gdp_growth");
  REQUIRE_OK(meta.status());
  SeriesMeta expect = m;
  expect.updated = v;
  CHECK(*meta == expect);

  auto sv = view->ReadSeries("gdp_growth", {});
  REQUIRE_OK(sv.status());
  REQUIRE(sv->size() == 4);
  CHECK(sv->period[0] == Period::Quarter(2023, 1));
  CHECK(sv->value[0] == 4.5);
  CHECK(sv->status[0] == uint8_t(ObsStatus::kFinal));
  CHECK(sv->qualifier[0] == uint8_t(Qualifier::kAbout));
  CHECK(sv->strings[sv->stage[0]] == "初步核实");
  CHECK(sv->strings[sv->source[0]] == "2023年统计公报");
  CHECK(sv->vintage[0] == v);
  CHECK(std::isnan(sv->value[1]));
  CHECK(sv->status[1] == uint8_t(ObsStatus::kEstimate));
  CHECK(sv->stage[1] == 0);
  CHECK(sv->qualifier[2] == uint8_t(Qualifier::kAtLeast));
  CHECK(SameBits(sv->value[3], -0.0));
  CHECK(sv->qualifier[3] == uint8_t(Qualifier::kAtMost));
  CHECK(sv->meta.code == "gdp_growth");

  auto gdp = view->ReadSeries("gdp", {});
  REQUIRE_OK(gdp.status());
  REQUIRE(gdp->size() == 2);
  CHECK(SameBits(gdp->value[0], 1.0 / 3.0));
  CHECK(SameBits(gdp->value[1], 20011.65));

  auto targets = view->ReadTargets("gdp_growth", std::nullopt);
  REQUIRE_OK(targets.status());
  REQUIRE(targets->size() == 1);
  const Target& got = (*targets)[0];
  CHECK(got.series == t.series);
  CHECK(got.period == t.period);
  CHECK(got.vintage == t.vintage);
  CHECK(got.comparator == t.comparator);
  CHECK(got.value == 6);
  CHECK(got.tolerance == 0.5);
  CHECK(got.unit == "%");
  CHECK(got.relative_to == "gdp");
  CHECK(got.text == t.text);
  CHECK(got.source == t.source);

  auto loads = view->ListLoads();
  REQUIRE_OK(loads.status());
  REQUIRE(loads->size() == 1);
  CHECK((*loads)[0].info.command == info.command);
  CHECK((*loads)[0].info.files == info.files);
  CHECK((*loads)[0].info.vintage == v);
  CHECK((*loads)[0].summary.observations_added == 6);
  CHECK((*loads)[0].id == r->load_id);
  CHECK((*loads)[0].unix_time > 1600000000);
}

// A batch keeps no stage or source column until a row has one (bulk loads have neither): rows
// before and after the first such row must still read back with their own (empty) strings.
TEST_CASE("WriteBatch: stage and source of rows before and after the first row that has one",
          "[storage]") {
  WriteBatch b;
  b.PutSeries(Meta("s", Frequency::kMonthly));
  for (int m = 1; m <= 6; ++m) {
    Observation obs = Obs("s", Period::Month(2023, m), D(2024, 1, 1), m);
    if (m == 3) obs.source = "统计公报";
    if (m == 5) obs.stage = "初步核实";
    b.PutObservation(obs);
  }
  REQUIRE(b.obs_stage().size() == 6);
  REQUIRE(b.obs_source().size() == 6);
  const char* kStage[] = {"", "", "", "", "初步核实", ""};
  const char* kSource[] = {"", "", "统计公报", "", "", ""};
  for (size_t i = 0; i < 6; ++i) {
    CHECK(b.ObservationAt(i).stage == kStage[i]);
    CHECK(b.ObservationAt(i).source == kSource[i]);
  }
  WriteBatch plain;
  plain.PutObservation(Obs("s", Period::Month(2023, 1), D(2024, 1, 1), 1));
  CHECK(plain.obs_stage().empty());
  CHECK(plain.ObservationAt(0).stage.empty());

  TempDir dir;
  auto store = OpenStore(dir.path());
  MustWrite(*store, b);
  auto view = store->NewReadView();
  for (int m = 1; m <= 6; ++m) {
    auto rev = view->ReadRevisions("s", Period::Month(2023, m));
    REQUIRE(rev.ok());
    REQUIRE(rev->size() == 1);
    CHECK((*rev)[0].stage == kStage[m - 1]);
    CHECK((*rev)[0].source == kSource[m - 1]);
  }
}

TEST_CASE("Store: values survive bit-exactly whatever their decimal shape", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const double values[] = {0,
                           1,
                           -1,
                           0.1,
                           123456.789012,
                           1e15,
                           -2.5e-7,
                           3.14159265358979,
                           1e300,
                           -0.0,
                           0.000001,
                           99999999.99,
                           std::numeric_limits<double>::infinity(),
                           kMissing,
                           5e-324};
  WriteBatch b;
  b.PutSeries(Meta("x"));
  for (size_t i = 0; i < std::size(values); ++i) {
    b.PutObservation(Obs("x", Period::Annual(2000 + int(i)), D(2024, 1, 1), values[i]));
  }
  MustWrite(*store, b);
  auto sv = MustRead(*store, "x");
  REQUIRE(sv.size() == std::size(values));
  for (size_t i = 0; i < std::size(values); ++i) {
    INFO(i);
    if (std::isnan(values[i])) {
      CHECK(std::isnan(sv.value[i]));
    } else {
      CHECK(SameBits(sv.value[i], values[i]));
    }
  }
}

// Stores of format v2/v3 hold varint chunks (chunk tags 0 and 1) and keep writing them, so that
// the ixdb that wrote them still opens them; a new store (v4) writes packed chunks. Both must
// read the same versions bit for bit, before and after consolidation.
TEST_CASE("Store: a v2 store keeps varint chunks and reads the same as a new packed store",
          "[storage]") {
  TempDir old_dir, new_dir;
  {
    auto s = OpenStore(old_dir.path());
    REQUIRE_OK(internal::TEST_SetFormatVersion(s.get(), 2));
  }
  auto write_all = [](Store& store) {
    for (int vintage = 0; vintage < 4; ++vintage) {
      WriteBatch b;
      if (vintage == 0) b.PutSeries(Meta("x", Frequency::kMonthly));
      for (int m = 0; m < 40; ++m) {
        if (vintage > 0 && m % (vintage + 2) != 0) continue;  // a few revisions per release
        const double v = 1000.125 + m * 3.5 - vintage * 0.001 + (m == 7 ? 0.1 + 0.2 : 0);
        b.PutObservation(Obs("x", Period::Month(2020 + m / 12, m % 12 + 1),
                             D(2024, 1 + vintage, 15), m == 9 ? kMissing : v));
      }
      MustWrite(store, b);
    }
  };
  auto old_store = OpenStore(old_dir.path());
  auto new_store = OpenStore(new_dir.path());
  write_all(*old_store);
  write_all(*new_store);
  auto same = [&](ReadRequest req) {
    const SeriesValues a = MustRead(*old_store, "x", req), b = MustRead(*new_store, "x", req);
    REQUIRE(a.size() == b.size());
    CHECK(a.size() >= 39);
    for (size_t i = 0; i < a.size(); ++i) {
      INFO(i);
      CHECK(a.period[i] == b.period[i]);
      CHECK(a.vintage[i] == b.vintage[i]);
      CHECK(
          (SameBits(a.value[i], b.value[i]) || (std::isnan(a.value[i]) && std::isnan(b.value[i]))));
    }
  };
  for (int pass = 0; pass < 2; ++pass) {
    INFO("compacted " << pass);
    same({});
    same(AsOf(D(2024, 2, 20)));
    ReadRequest first;
    first.mode = ReadMode::kFirst;
    same(first);
    REQUIRE_OK(old_store->Compact());
    REQUIRE_OK(new_store->Compact());
  }
  CHECK(*internal::TEST_FormatVersion(old_store.get()) == 2);
  CHECK(*internal::TEST_FormatVersion(new_store.get()) == 4);
  CHECK(MustRead(*old_store, "x").value[7] == 1000.125 + 7 * 3.5 - 0 * 0.001 + (0.1 + 0.2));
}

// Two releases of GDP growth 2023: estimate 6 (~) in January, final 5.7 in March.
std::unique_ptr<Store> RevisedStore(const TempDir& dir) {
  auto store = OpenStore(dir.path());
  WriteBatch b1;
  b1.PutSeries(Meta("g"));
  Observation est = Obs("g", Period::Annual(2023), D(2024, 1, 10), 6, ObsStatus::kEstimate);
  est.qualifier = Qualifier::kAbout;
  b1.PutObservation(est);
  b1.PutObservation(Obs("g", Period::Annual(2022), D(2024, 1, 10), 4, ObsStatus::kFinal));
  MustWrite(*store, b1, "first");
  WriteBatch b2;
  b2.PutObservation(Obs("g", Period::Annual(2023), D(2024, 3, 1), 5.7, ObsStatus::kFinal));
  b2.PutObservation(Obs("g", Period::Annual(2022), D(2024, 3, 1), 4, ObsStatus::kFinal));
  auto s = MustWrite(*store, b2, "second");
  CHECK(s.observations_added == 1);
  CHECK(s.revisions == 1);
  CHECK(s.unchanged == 1);
  return store;
}

TEST_CASE("ReadView: a view of the same snapshot does not see a later write", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  WriteBatch b1;
  b1.PutSeries(Meta("g"));
  b1.PutObservation(Obs("g", Period::Annual(2023), D(2024, 1, 10), 6, ObsStatus::kEstimate));
  MustWrite(*store, b1, "first");
  auto view = store->NewReadView();
  WriteBatch b2;
  b2.PutSeries(Meta("h"));
  b2.PutObservation(Obs("g", Period::Annual(2023), D(2024, 3, 1), 5.7, ObsStatus::kFinal));
  b2.PutObservation(Obs("h", Period::Annual(2023), D(2024, 3, 1), 1, ObsStatus::kFinal));
  MustWrite(*store, b2, "second");
  // Made after the write, from the old view (as a query's worker thread does): the old values.
  auto sibling = view->NewViewOfSnapshot();
  auto g = sibling->ReadSeries("g", {});
  REQUIRE(g.ok());
  CHECK(g->value[0] == 6);
  CHECK(sibling->ReadSeries("h", {}).status().IsNotFound());
  // The snapshot outlives the view it came from; a fresh view sees the write.
  view.reset();
  CHECK(sibling->ReadSeries("g", {})->value[0] == 6);
  CHECK(store->NewReadView()->ReadSeries("g", {})->value[0] == 5.7);
}

TEST_CASE("Store: as-of before, at and after a revision, latest, first release", "[storage]") {
  TempDir dir;
  auto store = RevisedStore(dir);
  struct Case {
    ReadRequest req;
    size_t rows;
    double v2023;
  } cases[] = {
      {AsOf(D(2024, 1, 9)), 0, 0},
      {AsOf(D(2024, 1, 10)), 2, 6},
      {AsOf(D(2024, 2, 28)), 2, 6},
      {AsOf(D(2024, 3, 1)), 2, 5.7},
      {AsOf(D(2030, 1, 1)), 2, 5.7},
      {ReadRequest{}, 2, 5.7},
      {ReadRequest{ReadMode::kFirst, {}, {}, {}}, 2, 6},
  };
  for (const auto& c : cases) {
    INFO(FormatDate(c.req.as_of) << " mode " << int(c.req.mode));
    auto sv = MustRead(*store, "g", c.req);
    REQUIRE(sv.size() == c.rows);
    if (c.rows == 2) {
      CHECK(sv.period[1] == Period::Annual(2023));
      CHECK(sv.value[1] == c.v2023);
      CHECK(sv.value[0] == 4);
    }
  }
  auto latest = MustRead(*store, "g");
  CHECK(latest.vintage[1] == D(2024, 3, 1));
  CHECK(latest.status[1] == uint8_t(ObsStatus::kFinal));
  CHECK(latest.vintage[0] == D(2024, 1, 10));  // unchanged re-load kept the first vintage
  auto first = MustRead(*store, "g", ReadRequest{ReadMode::kFirst, {}, {}, {}});
  CHECK(first.qualifier[1] == uint8_t(Qualifier::kAbout));
  CHECK(first.status[1] == uint8_t(ObsStatus::kEstimate));

  // Period bounds.
  ReadRequest bounded;
  bounded.from = Period::Annual(2023);
  auto b = MustRead(*store, "g", bounded);
  REQUIRE(b.size() == 1);
  CHECK(b.period[0] == Period::Annual(2023));
  bounded.from.reset();
  bounded.to = Period::Annual(2022);
  CHECK(MustRead(*store, "g", bounded).size() == 1);
}

TEST_CASE("Store: revision history and changes of one vintage", "[storage]") {
  TempDir dir;
  auto store = RevisedStore(dir);
  auto view = store->NewReadView();
  auto rev = view->ReadRevisions("g", Period::Annual(2023));
  REQUIRE_OK(rev.status());
  REQUIRE(rev->size() == 2);
  CHECK((*rev)[0].value == 6);
  CHECK((*rev)[0].vintage == D(2024, 1, 10));
  CHECK((*rev)[1].value == 5.7);
  CHECK((*rev)[1].vintage == D(2024, 3, 1));
  CHECK((*rev)[1].load_id > (*rev)[0].load_id);
  CHECK(view->ReadRevisions("g", Period::Annual(2019))->empty());
  CHECK(view->ReadRevisions("nope", Period::Annual(2019)).status().IsNotFound());

  auto ch = view->ReadChanges(D(2024, 3, 1));
  REQUIRE_OK(ch.status());
  REQUIRE(ch->size() == 1);
  CHECK((*ch)[0].series == "g");
  CHECK((*ch)[0].version.value == 5.7);
  CHECK((*ch)[0].had_previous);
  CHECK((*ch)[0].previous_value == 6);
  CHECK((*ch)[0].previous_status == ObsStatus::kEstimate);
  auto first = view->ReadChanges(D(2024, 1, 10));
  REQUIRE_OK(first.status());
  REQUIRE(first->size() == 2);
  CHECK((*first)[0].version.period == Period::Annual(2022));
  CHECK_FALSE((*first)[0].had_previous);
  CHECK(view->ReadChanges(D(2024, 2, 1))->empty());
}

TEST_CASE("Store: identical re-load records nothing, a status change alone is recorded",
          "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  WriteBatch b;
  b.PutSeries(Meta("g"));
  b.PutObservation(Obs("g", Period::Annual(2023), D(2024, 1, 1), 6, ObsStatus::kEstimate));
  b.PutObservation(Obs("g", Period::Annual(2022), D(2024, 1, 1), kMissing));
  MustWrite(*store, b);
  WriteBatch same;
  same.PutObservation(Obs("g", Period::Annual(2023), D(2024, 2, 1), 6, ObsStatus::kEstimate));
  same.PutObservation(Obs("g", Period::Annual(2022), D(2024, 2, 1), kMissing));
  auto s = MustWrite(*store, same);
  CHECK(s.observations_added == 0);
  CHECK(s.unchanged == 2);
  CHECK(store->NewReadView()->ReadRevisions("g", Period::Annual(2023))->size() == 1);
  CHECK(store->NewReadView()->ReadChanges(D(2024, 2, 1))->empty());

  WriteBatch status_only;
  status_only.PutObservation(Obs("g", Period::Annual(2023), D(2024, 3, 1), 6, ObsStatus::kFinal));
  s = MustWrite(*store, status_only);
  CHECK(s.observations_added == 1);
  CHECK(s.revisions == 1);
  auto rev = store->NewReadView()->ReadRevisions("g", Period::Annual(2023));
  REQUIRE(rev->size() == 2);
  CHECK((*rev)[1].status == ObsStatus::kFinal);
  CHECK((*rev)[1].value == 6);

  // A later load at the same vintage supersedes the earlier one.
  WriteBatch fix;
  fix.PutObservation(Obs("g", Period::Annual(2023), D(2024, 3, 1), 5.9, ObsStatus::kFinal));
  MustWrite(*store, fix);
  CHECK(MustRead(*store, "g").value[1] == 5.9);
  CHECK(MustRead(*store, "g", AsOf(D(2024, 3, 1))).value[1] == 5.9);

  // Deletion hides the period from then on; history keeps it.
  WriteBatch del;
  Observation d = Obs("g", Period::Annual(2023), D(2024, 4, 1), kMissing);
  d.deleted = true;
  del.PutObservation(d);
  s = MustWrite(*store, del);
  CHECK(s.deletions == 1);
  CHECK(MustRead(*store, "g").size() == 1);
  CHECK(MustRead(*store, "g", AsOf(D(2024, 3, 31))).size() == 2);
  CHECK(store->NewReadView()->ReadRevisions("g", Period::Annual(2023))->back().deleted);
}

TEST_CASE("Store: a batch that fails validation leaves nothing behind", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  WriteBatch ok;
  ok.PutSeries(Meta("a"));
  ok.PutObservation(Obs("a", Period::Annual(2020), D(2021, 1, 1), 1));
  MustWrite(*store, ok);

  auto with_good_rows = [] {
    WriteBatch b;
    b.PutSeries(Meta("b"));
    b.PutObservation(Obs("a", Period::Annual(2021), D(2022, 1, 1), 2));
    b.PutObservation(Obs("b", Period::Annual(2021), D(2022, 1, 1), 3));
    return b;
  };
  struct Case {
    const char* name;
    std::function<void(WriteBatch&)> spoil;
    const char* message_part;
  } cases[] = {
      {"unknown series",
       [](WriteBatch& b) { b.PutObservation(Obs("zz", Period::Annual(2021), D(2022, 1, 1), 1)); },
       "zz"},
      {"wrong frequency",
       [](WriteBatch& b) {
         b.PutObservation(Obs("a", Period::Quarter(2021, 1), D(2022, 1, 1), 1));
       },
       "quarterly"},
      {"bad code", [](WriteBatch& b) { b.PutSeries(Meta("9bad")); }, "9bad"},
      {"annual cumulative",
       [](WriteBatch& b) {
         auto m = Meta("c");
         m.cumulative = true;
         b.PutSeries(m);
       },
       "cumulative"},
      {"duplicate with different values",
       [](WriteBatch& b) { b.PutObservation(Obs("b", Period::Annual(2021), D(2022, 1, 1), 4)); },
       "twice"},
      {"target of unknown series",
       [](WriteBatch& b) {
         Target t;
         t.series = "nope";
         t.vintage = D(2022, 1, 1);
         b.PutTarget(t);
       },
       "nope"},
      {"target of wrong frequency",
       [](WriteBatch& b) {
         Target t;
         t.series = "a";
         t.period = Period::Month(2022, 1);
         t.vintage = D(2022, 1, 1);
         b.PutTarget(t);
       },
       "monthly"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    WriteBatch b = with_good_rows();
    c.spoil(b);
    auto r = store->Write(b, {});
    REQUIRE(r.status().IsInvalidArgument());
    CHECK(r.status().message().find(c.message_part) != std::string::npos);
    auto view = store->NewReadView();
    CHECK(view->GetSeries("b").status().IsNotFound());
    CHECK(view->ReadSeries("a", {})->size() == 1);
    CHECK(view->ListLoads()->size() == 1);
  }
  // A duplicate with the same value is fine.
  WriteBatch dup = with_good_rows();
  dup.PutObservation(Obs("b", Period::Annual(2021), D(2022, 1, 1), 3));
  auto s = MustWrite(*store, dup);
  CHECK(s.observations_added == 2);
}

TEST_CASE("Store: consolidation keeps every version", "[storage]") {
  TempDir dir;
  Options o;
  o.max_chunks_per_series = 3;
  auto store = OpenStore(dir.path(), o);
  WriteBatch b0;
  b0.PutSeries(Meta("s", Frequency::kMonthly));
  MustWrite(*store, b0);
  const int kVintages = 10;
  for (int v = 0; v < kVintages; ++v) {
    WriteBatch b;
    for (int m = 1; m <= 12; ++m) {
      Observation obs = Obs("s", Period::Month(2023, m), D(2024, 1, 1 + v), m * 100 + v);
      obs.stage = v % 2 ? "初步核实" : "";
      b.PutObservation(obs);
    }
    MustWrite(*store, b);
  }
  std::string report;
  REQUIRE_OK(store->Check(&report));
  CHECK(report.find("chunks: ") != std::string::npos);
  // With at most 3 chunks a series, 10 writes cannot have left 10 chunks.
  CHECK(report.find("chunks: 10") == std::string::npos);
  auto view = store->NewReadView();
  for (int m = 1; m <= 12; ++m) {
    auto rev = view->ReadRevisions("s", Period::Month(2023, m));
    REQUIRE(rev->size() == kVintages);
    for (int v = 0; v < kVintages; ++v) {
      CHECK((*rev)[v].value == m * 100 + v);
      CHECK((*rev)[v].vintage == D(2024, 1, 1 + v));
      CHECK((*rev)[v].stage == (v % 2 ? "初步核实" : ""));
    }
  }
  for (int v = 0; v < kVintages; ++v) {
    auto sv = MustRead(*store, "s", AsOf(D(2024, 1, 1 + v)));
    REQUIRE(sv.size() == 12);
    CHECK(sv.value[4] == 500 + v);
    CHECK(view->ReadChanges(D(2024, 1, 1 + v))->size() == 12);
  }
}

TEST_CASE("Store: targets latest and as-of", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  WriteBatch b;
  b.PutSeries(Meta("gdp_growth"));
  b.PutSeries(Meta("jobs"));
  Target t;
  t.series = "gdp_growth";
  t.period = Period::Annual(2024);
  t.vintage = D(2024, 1, 15);
  t.comparator = Comparator::kAbout;
  t.value = 6;
  b.PutTarget(t);
  Target q;
  q.series = "jobs";
  q.period = Period::Annual(2024);
  q.vintage = D(2024, 1, 15);
  q.comparator = Comparator::kQualitative;
  q.text = "完成省下达的任务";
  b.PutTarget(q);
  MustWrite(*store, b);
  WriteBatch b2;
  t.vintage = D(2024, 6, 1);
  t.value = 5.5;
  t.comparator = Comparator::kAtLeast;
  b2.PutTarget(t);
  b2.PutTarget(q);  // unchanged
  auto s = MustWrite(*store, b2);
  CHECK(s.targets_added == 1);
  CHECK(s.targets_unchanged == 1);

  auto view = store->NewReadView();
  auto latest = view->ReadTargets("", std::nullopt);
  REQUIRE(latest->size() == 2);
  CHECK((*latest)[0].series == "gdp_growth");
  CHECK((*latest)[0].value == 5.5);
  CHECK((*latest)[0].comparator == Comparator::kAtLeast);
  CHECK((*latest)[1].text == "完成省下达的任务");
  CHECK(std::isnan((*latest)[1].value));
  auto early = view->ReadTargets("gdp_growth", Period::Annual(2024), D(2024, 3, 1));
  REQUIRE(early->size() == 1);
  CHECK((*early)[0].value == 6);
  CHECK(view->ReadTargets("gdp_growth", Period::Annual(2024), D(2024, 1, 1))->empty());
  CHECK(view->ReadTargets("gdp_growth", Period::Annual(2025))->empty());
  CHECK(view->ReadTargets("nope", std::nullopt).status().IsNotFound());
}

TEST_CASE("Store: list, prefix and search (Chinese substring, ASCII case-insensitive)",
          "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  WriteBatch b;
  SeriesMeta a = Meta("gdp");
  a.name_zh = "地区生产总值";
  a.name_en = "Gross Domestic Product";
  SeriesMeta g = Meta("gdp_growth");
  g.name_zh = "地区生产总值增长";
  g.name_en = "GDP growth";
  SeriesMeta r = Meta("retail");
  r.name_zh = "社会消费品零售总额";
  r.name_en = "Retail sales";
  b.PutSeries(r);
  b.PutSeries(a);
  b.PutSeries(g);
  MustWrite(*store, b);
  auto view = store->NewReadView();
  auto codes = [](const Result<std::vector<SeriesMeta>>& res) {
    REQUIRE(res.ok());
    std::vector<std::string> out;
    for (const auto& m : *res) out.push_back(m.code);
    return out;
  };
  using V = std::vector<std::string>;
  CHECK(codes(view->ListSeries()) == V{"gdp", "gdp_growth", "retail"});
  CHECK(codes(view->ListSeriesByPrefix("gdp")) == V{"gdp", "gdp_growth"});
  CHECK(codes(view->ListSeriesByPrefix("x")).empty());
  CHECK(codes(view->SearchSeries("生产总值")) == V{"gdp", "gdp_growth"});
  CHECK(codes(view->SearchSeries("零售")) == V{"retail"});
  CHECK(codes(view->SearchSeries("DOMESTIC")) == V{"gdp"});
  CHECK(codes(view->SearchSeries("Growth")) == V{"gdp_growth"});
  CHECK(codes(view->SearchSeries("增长")) == V{"gdp_growth"});
  CHECK(codes(view->SearchSeries("TAIL")) == V{"retail"});
}

TEST_CASE("Store: metadata changes keep the old metadata in the history", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  WriteBatch b;
  b.PutSeries(Meta("gdp"));
  LoadInfo info;
  info.vintage = D(2024, 1, 1);
  auto first = store->Write(b, info);
  REQUIRE_OK(first.status());
  WriteBatch same;
  same.PutSeries(Meta("gdp"));
  auto s = store->Write(same, info);
  REQUIRE_OK(s.status());
  CHECK(s->series_updated == 0);
  WriteBatch changed;
  SeriesMeta m = Meta("gdp");
  m.unit = "万元";
  m.notes = "口径调整";
  changed.PutSeries(m);
  info.vintage = D(2024, 2, 1);
  s = store->Write(changed, info);
  REQUIRE_OK(s.status());
  CHECK(s->series_updated == 1);
  auto view = store->NewReadView();
  auto hist = view->SeriesHistory("gdp");
  REQUIRE_OK(hist.status());
  REQUIRE(hist->size() == 2);
  CHECK((*hist)[0].unit == "亿元");
  CHECK((*hist)[0].updated == D(2024, 1, 1));
  CHECK((*hist)[1].unit == "万元");
  CHECK((*hist)[1].updated == D(2024, 2, 1));
  CHECK(view->GetSeries("gdp")->notes == "口径调整");
}

TEST_CASE("Store: a revert retracts a load, which stays in the history only", "[storage]") {
  TempDir dir;
  auto store = RevisedStore(dir);  // loads 1 (first) and 2 (second)
  WriteBatch b;
  b.PutObservation(Obs("g", Period::Annual(2024), D(2024, 3, 1), 7));
  b.PutObservation(Obs("g", Period::Annual(2023), D(2024, 3, 1), 5.2));  // same vintage again
  SeriesMeta m = Meta("g");
  m.unit = "%";
  b.PutSeries(m);
  Target t;
  t.series = "g";
  t.period = Period::Annual(2025);
  t.vintage = D(2024, 3, 1);
  t.value = 5;
  b.PutTarget(t);
  auto third = MustWrite(*store, b, "third");
  CHECK(third.corrections == 1);  // 5.2 corrects load 2's release of 2024-03-01
  CHECK(MustRead(*store, "g").value[1] == 5.2);

  LoadInfo info;
  info.command = "revert";
  auto r = store->Revert(third.load_id, info);
  REQUIRE_OK(r.status());
  CHECK(r->retracted == 3);  // 2024, 2023 and the target
  CHECK(r->observations_added == 0);
  auto latest = MustRead(*store, "g");
  REQUIRE(latest.size() == 2);  // 2024 is gone
  CHECK(latest.value[1] == 5.7);
  CHECK(latest.vintage[1] == D(2024, 3, 1));
  CHECK(latest.meta.unit == "亿元");
  auto view = store->NewReadView();
  CHECK(view->ReadTargets("g", std::nullopt)->empty());
  // The history keeps every version, each with the load that recorded it; the retracted one
  // with the revert that retracted it.
  auto history = view->ReadRevisions("g", Period::Annual(2023));
  REQUIRE(history->size() == 3);
  CHECK((*history)[0].load_id == 1);
  CHECK((*history)[1].load_id == 2);
  CHECK((*history)[2].load_id == third.load_id);
  CHECK((*history)[2].reverted_by == r->load_id);
  CHECK((*history)[1].reverted_by == 0);
  // changes of that vintage: load 2's release again, one net change per period.
  auto changes = view->ReadChanges(D(2024, 3, 1));
  REQUIRE(changes->size() == 1);
  CHECK(changes->at(0).version.value == 5.7);
  CHECK(changes->at(0).previous_value == 6);
  auto loads = view->ListLoads();
  REQUIRE(loads->size() == 4);
  CHECK((*loads)[2].reverted_by == r->load_id);
  CHECK((*loads)[3].reverts == third.load_id);
  CHECK(store->Revert(third.load_id, info).status().IsInvalidArgument());
  CHECK(store->Revert(r->load_id, info).status().IsInvalidArgument());  // a revert
  CHECK(store->Revert(999, info).status().IsNotFound());
}

TEST_CASE("Store: after reverting a revision the earlier release reads with its own vintage",
          "[storage]") {
  TempDir dir;
  auto store = RevisedStore(dir);
  auto r = store->Revert(2, LoadInfo{"revert 2", {}, {}});
  REQUIRE_OK(r.status());
  CHECK(r->retracted == 1);
  auto latest = MustRead(*store, "g");
  CHECK(latest.value[1] == 6);
  CHECK(latest.status[1] == uint8_t(ObsStatus::kEstimate));
  CHECK(latest.qualifier[1] == uint8_t(Qualifier::kAbout));
  CHECK(latest.vintage[1] == D(2024, 1, 10));  // not the retracted load's 2024-03-01
  CHECK(MustRead(*store, "g", AsOf(D(2024, 3, 1))).value[1] == 6);
  CHECK(MustRead(*store, "g", ReadRequest{ReadMode::kFirst, {}, {}, {}}).value[1] == 6);
  auto view = store->NewReadView();
  CHECK(view->ReadChanges(D(2024, 3, 1))->empty());
  // Loading the retracted release again records it again (the retracted version is history).
  WriteBatch again;
  again.PutObservation(Obs("g", Period::Annual(2023), D(2024, 3, 1), 5.7, ObsStatus::kFinal));
  auto s = MustWrite(*store, again, "again");
  CHECK(s.observations_added == 1);
  CHECK(MustRead(*store, "g").value[1] == 5.7);
  // Reverting the first load leaves 2022 unknown and 2023 with the third load's value only.
  REQUIRE_OK(store->Revert(1, LoadInfo{}).status());
  auto after = MustRead(*store, "g");
  REQUIRE(after.size() == 1);
  CHECK(after.period[0] == Period::Annual(2023));
  CHECK(MustRead(*store, "g", AsOf(D(2024, 2, 1))).size() == 0);
  // Reverts survive reopening: the retracted loads are read back at Open.
  view.reset();
  store.reset();
  store = OpenStore(dir.path());
  CHECK(MustRead(*store, "g").size() == 1);
}

TEST_CASE("Store: a later load at the same vintage corrects that release", "[storage]") {
  TempDir dir;
  auto store = RevisedStore(dir);
  WriteBatch fix;
  fix.PutObservation(Obs("g", Period::Annual(2023), D(2024, 3, 1), 5.8, ObsStatus::kFinal));
  auto s = MustWrite(*store, fix, "correction");
  CHECK(s.corrections == 1);
  CHECK(s.revisions == 0);
  CHECK(MustRead(*store, "g").value[1] == 5.8);
  auto view = store->NewReadView();
  // One net change for the release: 6 -> 5.8.
  auto changes = view->ReadChanges(D(2024, 3, 1));
  REQUIRE(changes->size() == 1);
  CHECK(changes->at(0).version.value == 5.8);
  CHECK(changes->at(0).previous_value == 6);
  // The replaced version stays in the history with its load.
  auto history = view->ReadRevisions("g", Period::Annual(2023));
  REQUIRE(history->size() == 3);
  CHECK((*history)[1].value == 5.7);
  CHECK((*history)[1].load_id == 2);
  // A correction of the first release is the first release.
  WriteBatch fix_first;
  fix_first.PutObservation(Obs("g", Period::Annual(2022), D(2024, 1, 10), 4.1, ObsStatus::kFinal));
  CHECK(MustWrite(*store, fix_first, "correct the first").corrections == 1);
  CHECK(MustRead(*store, "g", ReadRequest{ReadMode::kFirst, {}, {}, {}}).value[0] == 4.1);
  // Corrected back to what was known before: no net change of that release.
  WriteBatch back;
  Observation est = Obs("g", Period::Annual(2023), D(2024, 3, 1), 6, ObsStatus::kEstimate);
  est.qualifier = Qualifier::kAbout;
  back.PutObservation(est);
  auto b = MustWrite(*store, back, "back");
  CHECK(b.corrections == 1);
  view = store->NewReadView();
  auto none = view->ReadChanges(D(2024, 3, 1));
  bool any_2023 = false;
  for (const auto& c : *none) any_2023 = any_2023 || c.version.period == Period::Annual(2023);
  CHECK_FALSE(any_2023);
}

TEST_CASE("Store: an annual series widens into a cumulative one, keeping every vintage",
          "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  WriteBatch a;
  a.PutSeries(Meta("iva"));
  a.PutObservation(Obs("iva", Period::Annual(2023), D(2024, 1, 20), 6.5));
  a.PutObservation(Obs("iva", Period::Annual(2023), D(2024, 3, 1), 6.8));
  Target t;
  t.series = "iva";
  t.period = Period::Annual(2024);
  t.vintage = D(2024, 1, 20);
  t.value = 7;
  a.PutTarget(t);
  MustWrite(*store, a, "annual");
  SeriesMeta wide = Meta("iva");
  wide.frequency = Frequency::kMonthly;
  wide.cumulative = true;
  WriteBatch b;
  b.PutSeries(wide);
  b.PutObservation(Obs("iva", Period::Month(2024, 5), D(2024, 6, 15), 7.1));
  auto s = MustWrite(*store, b, "1-5月");
  CHECK(s.series_widened == 1);
  auto latest = MustRead(*store, "iva");
  REQUIRE(latest.size() == 2);
  CHECK(latest.period[0] == Period::Month(2023, 12));  // 2023 is now the 1-12月 span
  CHECK(latest.value[0] == 6.8);
  CHECK(latest.period[1] == Period::Month(2024, 5));
  // Earlier as-of reads give the same values, with their vintages.
  auto before = MustRead(*store, "iva", AsOf(D(2024, 2, 1)));
  REQUIRE(before.size() == 1);
  CHECK(before.value[0] == 6.5);
  CHECK(before.vintage[0] == D(2024, 1, 20));
  auto view = store->NewReadView();
  auto targets = view->ReadTargets("iva", std::nullopt);
  REQUIRE(targets->size() == 1);
  CHECK(targets->at(0).period == Period::Month(2024, 12));
  // Other frequency changes stay refused.
  SeriesMeta back = wide;
  back.frequency = Frequency::kQuarterly;
  WriteBatch c;
  c.PutSeries(back);
  auto refused = store->Write(c, LoadInfo{"back", {}, {}});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("cannot become quarterly cumulative") != std::string::npos);
}

// The store regroups each batch of a bulk write in the buffers of the previous one: nothing of
// a larger batch with stages, sources and a combined 1-2月 may leak into a smaller plain one.
TEST_CASE(
    "Store: bulk write batches after a larger one keep only their own stage, source and extent",
    "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  auto bulk = store->BeginBulkWrite(LoadInfo{"bulk", {}, {}});
  REQUIRE_OK(bulk.status());
  WriteBatch first;
  first.PutSeries(Meta("m", Frequency::kMonthly));
  const uint32_t m = first.InternSeries("m");
  // 2 + 10 * 12 = 122 rows: 2020-M02 covers 1-2月 (extent 1), every row has a stage and source.
  first.PutObservation(m, Period::Month(2020, 2), D(2021, 1, 1), 5, ObsStatus::kFinal,
                       Qualifier::kNone, "初步核实", "nbs", false, 1);
  first.PutObservation(m, Period::Month(2020, 3), D(2021, 1, 1), 6, ObsStatus::kFinal,
                       Qualifier::kNone, "初步核实", "nbs");
  for (int y = 2010; y < 2020; ++y) {
    for (unsigned k = 1; k <= 12; ++k) {
      first.PutObservation(m, Period::Month(y, k), D(2021, 1, 1), y + k, ObsStatus::kFinal,
                           Qualifier::kNone, "最终核实", "nbs");
    }
  }
  REQUIRE_OK((*bulk)->Add(first));
  WriteBatch second;
  second.PutSeries(Meta("p", Frequency::kMonthly));
  second.PutObservation(Obs("p", Period::Month(2020, 2), D(2021, 1, 1), 7));
  second.PutObservation(Obs("p", Period::Month(2020, 3), D(2021, 1, 1), 8));
  REQUIRE_OK((*bulk)->Add(second));
  auto sum = (*bulk)->Commit();
  REQUIRE_OK(sum.status());
  CHECK(sum->observations_added == 124);  // 122 + 2
  auto view = store->NewReadView();
  for (unsigned k : {2u, 3u}) {
    auto p = view->ReadRevisions("p", Period::Month(2020, k));
    REQUIRE_OK(p.status());
    REQUIRE(p->size() == 1);
    CHECK((*p)[0].value == 5 + k);
    CHECK((*p)[0].stage.empty());
    CHECK((*p)[0].source.empty());
    CHECK((*p)[0].extent == 0);
    CHECK((*p)[0].status == ObsStatus::kUnspecified);
  }
  auto feb = view->ReadRevisions("m", Period::Month(2020, 2));
  REQUIRE_OK(feb.status());
  REQUIRE(feb->size() == 1);
  CHECK((*feb)[0].extent == 1);
  CHECK((*feb)[0].stage == "初步核实");
  CHECK((*feb)[0].source == "nbs");
}

TEST_CASE("Store: bulk write is visible only at commit, abandoning leaves nothing", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  {
    auto bulk = store->BeginBulkWrite(LoadInfo{"bulk", {}, {}});
    REQUIRE_OK(bulk.status());
    for (int i = 0; i < 3; ++i) {
      WriteBatch b;
      b.PutSeries(Meta("s" + std::to_string(i)));
      for (int y = 2000; y < 2010; ++y) {
        b.PutObservation(Obs("s" + std::to_string(i), Period::Annual(y), D(2024, 1, 1), y + i));
      }
      // Later batches revise the first series at a later vintage.
      if (i > 0) b.PutObservation(Obs("s0", Period::Annual(2000), D(2024, 2, i), 100 + i));
      REQUIRE_OK((*bulk)->Add(b));
    }
    CHECK(store->NewReadView()->ListSeries()->empty());
    auto s = (*bulk)->Commit();
    REQUIRE_OK(s.status());
    CHECK(s->series_created == 3);
    CHECK(s->observations_added == 32);
  }
  auto view = store->NewReadView();
  CHECK(view->ListSeries()->size() == 3);
  CHECK(view->ListLoads()->size() == 1);
  CHECK(MustRead(*store, "s0").value[0] == 102);
  CHECK(view->ReadRevisions("s0", Period::Annual(2000))->size() == 3);
  {
    auto bulk = store->BeginBulkWrite(LoadInfo{"abandoned", {}, {}});
    REQUIRE_OK(bulk.status());
    WriteBatch b;
    b.PutSeries(Meta("gone"));
    b.PutObservation(Obs("gone", Period::Annual(2000), D(2024, 1, 1), 1));
    REQUIRE_OK((*bulk)->Add(b));
  }
  {
    auto bulk = store->BeginBulkWrite(LoadInfo{"failed", {}, {}});
    REQUIRE_OK(bulk.status());
    WriteBatch b;
    b.PutSeries(Meta("gone2"));
    REQUIRE_OK((*bulk)->Add(b));
    WriteBatch bad;
    bad.PutObservation(Obs("unknown", Period::Annual(2000), D(2024, 1, 1), 1));
    CHECK((*bulk)->Add(bad).IsInvalidArgument());
    CHECK_FALSE((*bulk)->Commit().ok());
  }
  view.reset();
  store.reset();
  store = OpenStore(dir.path());
  view = store->NewReadView();
  CHECK(view->ListSeries()->size() == 3);
  CHECK(view->ListLoads()->size() == 1);
  CHECK(view->GetSeries("gone").status().IsNotFound());
  // Nothing staged is left behind.
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/staging"));
}

TEST_CASE("Store: a large write goes through ingestion with the same result", "[storage]") {
  TempDir dir;
  Options o;
  o.ingest_min_rows = 50;
  o.max_chunks_per_series = 2;
  auto store = OpenStore(dir.path(), o);
  for (int v = 1; v <= 4; ++v) {
    WriteBatch b;
    for (int s = 0; s < 20; ++s) {
      std::string code = "s" + std::to_string(s);
      if (v == 1) b.PutSeries(Meta(code, Frequency::kQuarterly));
      for (int q = 0; q < 8; ++q) {
        b.PutObservation(Obs(code, Period::Quarter(2020 + q / 4, q % 4 + 1), D(2024, v, 1),
                             s * 1000 + q + (q % 2 ? v : 0) * 0.25));
      }
    }
    Target t;
    t.series = "s1";
    t.period = Period::Quarter(2025, 1);
    t.vintage = D(2024, v, 1);
    t.value = v;
    b.PutTarget(t);
    auto r = MustWrite(*store, b);
    CHECK(r.observations_added == (v == 1 ? 160 : 80));
  }
  std::string report;
  REQUIRE_OK(store->Check(&report));
  auto view = store->NewReadView();
  CHECK(view->ListSeries()->size() == 20);
  CHECK(view->ListLoads()->size() == 4);
  auto sv = MustRead(*store, "s7");
  REQUIRE(sv.size() == 8);
  CHECK(sv.value[1] == 7001 + 4 * 0.25);
  CHECK(MustRead(*store, "s7", AsOf(D(2024, 2, 15))).value[1] == 7001 + 2 * 0.25);
  CHECK(view->ReadRevisions("s7", Period::Quarter(2020, 2))->size() == 4);
  CHECK(view->ReadChanges(D(2024, 3, 1))->size() == 80);
  CHECK(view->ReadTargets("s1", std::nullopt)->at(0).value == 4);
}

// The store reads a batch already grouped by series and ordered by (period, vintage) in place
// and regroups any other: both must store the same bytes. 240 monthly series x 40 months x 13
// vintages = 124,800 rows (above the 100,000 that go to two threads), every 7th row revised, every
// 50th with a stage and source, every 97th a deletion.
TEST_CASE("Store: a batch in series order stores the same bytes as the same rows in any order",
          "[storage]") {
  struct Row {
    int series, month, vintage;
  };
  std::vector<Row> rows;
  for (int s = 0; s < 240; ++s) {
    for (int m = 0; m < 40; ++m) {
      for (int v = 0; v < 13; ++v) rows.push_back(Row{s, m, v});
    }
  }
  auto put = [](WriteBatch& b, const Row& r, size_t i) {
    const double value = r.series * 100 + r.month + ((i % 7 == 0) ? r.vintage * 0.5 : 0);
    const bool strings = i % 50 == 0;
    b.PutObservation(b.InternSeries("s" + std::to_string(r.series)),
                     Period::Month(2000 + r.month / 12, r.month % 12 + 1),
                     D(2024, 1, 1 + r.vintage), value, ObsStatus::kFinal, Qualifier::kNone,
                     strings ? "初步核实" : "", strings ? "nbs" : "", i % 97 == 0);
  };
  auto batch_of = [&](const std::vector<size_t>& order) {
    WriteBatch b;
    for (int s = 0; s < 240; ++s) b.PutSeries(Meta("s" + std::to_string(s), Frequency::kMonthly));
    for (size_t i : order) put(b, rows[i], i);
    return b;
  };
  std::vector<size_t> grouped(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) grouped[i] = i;
  std::vector<size_t> shuffled = grouped;
  std::mt19937 rng(13);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  // In order but for series 0, whose last vintage comes after every other series: not grouped.
  std::vector<size_t> split;
  for (size_t i : grouped) {
    if (rows[i].series != 0 || rows[i].vintage != 12) split.push_back(i);
  }
  for (size_t i : grouped) {
    if (rows[i].series == 0 && rows[i].vintage == 12) split.push_back(i);
  }
  const bool bulk = GENERATE(false, true);
  INFO((bulk ? "bulk write" : "one write"));
  std::vector<std::vector<std::pair<std::string, std::string>>> records;
  std::vector<WriteSummary> summaries;
  for (const auto* order : {&grouped, &shuffled, &split}) {
    TempDir dir;
    auto store = OpenStore(dir.path());
    const WriteBatch b = batch_of(*order);
    if (bulk) {
      auto w = store->BeginBulkWrite(LoadInfo{"bulk", {}, {}});
      REQUIRE_OK(w.status());
      REQUIRE_OK((*w)->Add(b));
      auto r = (*w)->Commit();
      REQUIRE_OK(r.status());
      summaries.push_back(*r);
    } else {
      summaries.push_back(MustWrite(*store, b));
    }
    records.emplace_back();
    REQUIRE_OK(internal::TEST_ObservationRecords(store.get(), &records.back()));
  }
  // One chunk per series plus one vintage-index key per (series, vintage) it records.
  REQUIRE(records[0].size() == 240 + 240 * 13);
  CHECK(records[1] == records[0]);
  CHECK(records[2] == records[0]);
  for (const WriteSummary& s : summaries) {
    CHECK(s.observations_added == summaries[0].observations_added);
    CHECK(s.revisions == summaries[0].revisions);
    CHECK(s.deletions == summaries[0].deletions);
    CHECK(s.unchanged == summaries[0].unchanged);
  }
}

TEST_CASE("Store: backup opens and matches the original", "[storage]") {
  TempDir dir;
  auto store = RevisedStore(dir);
  std::string dest = dir.Sub("backup");
  REQUIRE_OK(store->Backup(dest));
  CHECK(store->Backup(dest).IsInvalidArgument());  // exists
  WriteBatch later;
  later.PutObservation(Obs("g", Period::Annual(2024), D(2025, 1, 1), 1));
  MustWrite(*store, later);
  auto copy = OpenStore(dest);
  auto a = MustRead(*copy, "g");
  REQUIRE(a.size() == 2);
  CHECK(a.value[1] == 5.7);
  CHECK(copy->NewReadView()->ListLoads()->size() == 2);
  CHECK(copy->NewReadView()->ReadRevisions("g", Period::Annual(2023))->size() == 2);
  REQUIRE_OK(copy->Check(nullptr));
}

TEST_CASE("Store: check passes on a good store and names a corrupt chunk", "[storage]") {
  TempDir dir;
  auto store = RevisedStore(dir);
  std::string report;
  REQUIRE_OK(store->Check(&report));
  CHECK(report.find("series: 1") != std::string::npos);
  CHECK(report.find("observation versions: 3") != std::string::npos);
  REQUIRE(store->Compact().ok());
  REQUIRE_OK(store->Check(&report));
  CHECK(store->DiskBytes() > 0);

  // A chunk whose checksum does not match.
  std::string blob = std::string(1, '\0') + "garbage!" + "\x01\x02\x03\x04";
  REQUIRE_OK(internal::TEST_PutRawChunk(store.get(), "g", blob));
  Status s = store->Check(&report);
  CHECK(s.IsCorruption());
  CHECK(s.message().find("obs key") != std::string::npos);
  CHECK(store->NewReadView()->ReadSeries("g", {}).status().IsCorruption());
}

TEST_CASE("Store: check detects bytes flipped on disk", "[storage]") {
  TempDir dir;
  {
    auto store = RevisedStore(dir);
    REQUIRE(store->Compact().ok());
  }
  // Flip a byte inside the first data block of every table file.
  int flipped = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    if (e.path().extension() != ".sst") continue;
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(5);
    char c;
    f.read(&c, 1);
    c ^= 0x5a;
    f.seekp(5);
    f.write(&c, 1);
    ++flipped;
  }
  REQUIRE(flipped > 0);
  std::unique_ptr<Store> store;
  Status open = Store::Open({}, dir.path(), &store);
  if (open.ok()) {
    CHECK(store->Check(nullptr).IsCorruption());
  } else {
    CHECK(open.IsCorruption());
  }
}

TEST_CASE("Store: open refuses foreign directories, newer formats and a second writer",
          "[storage]") {
  TempDir dir;
  {
    std::ofstream(dir.Sub("notes.txt")) << "hello";
    std::unique_ptr<Store> store;
    Status s = Store::Open({}, dir.path(), &store);
    CHECK(s.IsInvalidArgument());
    CHECK(s.message().find("not an ixdb store") != std::string::npos);
  }
  std::string path = dir.Sub("store");
  {
    Options o;
    o.create_if_missing = false;
    std::unique_ptr<Store> store;
    CHECK_FALSE(Store::Open(o, path, &store).ok());
  }
  {
    auto store = OpenStore(path);
    std::unique_ptr<Store> second;
    Status s = Store::Open({}, path, &second);
    CHECK(s.IsBusy());
    Options ro;
    ro.read_only = true;
    std::unique_ptr<Store> reader;
    REQUIRE_OK(Store::Open(ro, path, &reader));
    CHECK(reader->Write(WriteBatch(), {}).status().IsNotSupported());
    Options exists;
    exists.error_if_exists = true;
    store.reset();
    CHECK(Store::Open(exists, path, &second).IsInvalidArgument());
  }
  {
    auto store = OpenStore(path);
    REQUIRE_OK(internal::TEST_SetFormatVersion(store.get(), 99));
  }
  std::unique_ptr<Store> store;
  Status s = Store::Open({}, path, &store);
  CHECK(s.IsNotSupported());
  CHECK(s.message().find("store format v99 is newer than this ixdb (v4)") != std::string::npos);
}

TEST_CASE("Store: concurrent readers see consistent snapshots during writes", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  WriteBatch init;
  init.PutSeries(Meta("a"));
  init.PutSeries(Meta("b"));
  init.PutObservation(Obs("a", Period::Annual(2000), D(2000, 1, 1), 0));
  init.PutObservation(Obs("b", Period::Annual(2000), D(2000, 1, 1), 0));
  MustWrite(*store, init);
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        auto view = store->NewReadView();
        auto a = view->ReadSeries("a", {});
        std::this_thread::yield();
        auto b = view->ReadSeries("b", {});
        auto loads = view->ListLoads();
        if (!a.ok() || !b.ok() || !loads.ok() || a->value[0] != b->value[0] ||
            a->value[0] + 1 != static_cast<double>(loads->size())) {
          ++bad;
        }
        ++reads;
      }
    });
  }
  for (int i = 1; i <= 40; ++i) {
    WriteBatch b;
    b.PutObservation(Obs("a", Period::Annual(2000), D(2000, 1, 1 + i), i));
    b.PutObservation(Obs("b", Period::Annual(2000), D(2000, 1, 1 + i), i));
    MustWrite(*store, b);
  }
  while (reads < 100) std::this_thread::yield();
  stop = true;
  for (auto& t : readers) t.join();
  CHECK(bad == 0);
  CHECK(MustRead(*store, "a").value[0] == 40);
}

TEST_CASE("WriteBatch: interning and copies", "[storage]") {
  WriteBatch a;
  uint32_t r = a.InternSeries("x");
  a.PutObservation(r, Period::Annual(2020), D(2021, 1, 1), 1, ObsStatus::kFinal, Qualifier::kNone,
                   "初步核实", "src");
  WriteBatch b = a;
  b.PutObservation(Obs("y", Period::Annual(2020), D(2021, 1, 1), 2));
  a.PutObservation(Obs("z", Period::Annual(2020), D(2021, 1, 1), 3));
  CHECK(a.series_codes() == std::vector<std::string>{"x", "z"});
  CHECK(b.series_codes() == std::vector<std::string>{"x", "y"});
  CHECK(a.InternSeries("x") == 0);
  CHECK(b.InternSeries("y") == 1);
  Observation o = a.ObservationAt(0);
  CHECK(o.series == "x");
  CHECK(o.stage == "初步核实");
  CHECK(o.source == "src");
  CHECK(o.status == ObsStatus::kFinal);
  CHECK(a.ObservationAt(1).series == "z");
  a.Clear();
  CHECK(a.observation_count() == 0);
  CHECK(a.InternSeries("q") == 0);
}

TEST_CASE("Types: parsing names of statuses, qualifiers and measures", "[storage]") {
  CHECK(*ParseObsStatus("预计") == ObsStatus::kEstimate);
  CHECK(*ParseObsStatus("Final") == ObsStatus::kFinal);
  CHECK(*ParseObsStatus("最终核实") == ObsStatus::kFinal);
  CHECK(*ParseObsStatus("") == ObsStatus::kUnspecified);
  CHECK(ParseObsStatus("maybe").status().IsInvalidArgument());
  CHECK(*ParseQualifier("左右") == Qualifier::kAbout);
  CHECK(*ParseQualifier("突破") == Qualifier::kAtLeast);
  CHECK(*ParseQualifier("<=") == Qualifier::kAtMost);
  CHECK(*ParseMeasure("growth") == MeasureKind::kGrowth);
  CHECK(ParseMeasure("x").status().IsInvalidArgument());
  for (auto s : {ObsStatus::kUnspecified, ObsStatus::kEstimate, ObsStatus::kPreliminary,
                 ObsStatus::kFinal, ObsStatus::kRevised}) {
    CHECK(*ParseObsStatus(ObsStatusName(s)) == s);
  }
  for (auto q : {Qualifier::kNone, Qualifier::kAbout, Qualifier::kAtLeast, Qualifier::kAtMost}) {
    CHECK(*ParseQualifier(QualifierSymbol(q)) == q);
  }
  for (int k = 0; k <= 5; ++k) {
    CHECK(*ParseMeasure(MeasureName(MeasureKind(k))) == MeasureKind(k));
  }
  CHECK(ValidateSeriesCode("gdp_growth").ok());
  CHECK(ValidateSeriesCode("_x").IsInvalidArgument());
  CHECK(ValidateSeriesCode("a-b").IsInvalidArgument());
  CHECK(ValidateSeriesCode(std::string(65, 'a')).IsInvalidArgument());
}

}  // namespace
}  // namespace ixdb::storage

namespace ixdb::storage {
namespace {

TEST_CASE("Store: one view reading many series in any order returns each series' own rows",
          "[storage]") {
  testing::TempDir dir;
  auto store = testing::OpenStore(dir.path());
  WriteBatch b;
  const int kSeries = 6;
  for (int s = 0; s < kSeries; ++s) {
    std::string code = "s" + std::to_string(s);
    b.PutSeries(testing::Meta(code));
    // Series 2 has no observations at all.
    for (int y = 0; y < (s == 2 ? 0 : s + 1); ++y) {
      b.PutObservation(
          testing::Obs(code, Period::Annual(2000 + y), testing::D(2024, 1, 1), s * 10 + y));
    }
  }
  testing::MustWrite(*store, b);
  WriteBatch b2;  // a second chunk for series 4
  b2.PutObservation(testing::Obs("s4", Period::Annual(2000), testing::D(2024, 2, 1), 99));
  testing::MustWrite(*store, b2);
  auto fresh = [&](int s) {
    return *store->NewReadView()->ReadSeries("s" + std::to_string(s), {});
  };
  auto view = store->NewReadView();
  for (int order : {0, 1}) {
    for (int i = 0; i < kSeries; ++i) {
      int s = order == 0 ? i : kSeries - 1 - i;
      INFO("series " << s);
      auto got = view->ReadSeries("s" + std::to_string(s), {});
      REQUIRE(got.ok());
      SeriesValues want = fresh(s);
      CHECK(got->period == want.period);
      CHECK(got->value == want.value);
      CHECK(got->size() == static_cast<size_t>(s == 2 ? 0 : s + 1));
    }
  }
  CHECK(view->ReadSeries("s4", {})->value[0] == 99);
}

}  // namespace
}  // namespace ixdb::storage
