// Property test: yoy/pop/diff from the evaluator equal a naive reference (a map lookup of the
// period a lag earlier) over thousands of random series with gaps, blanks and zeros, in all
// three frequencies, cumulative or not, for every measure kind.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "query/query.hpp"
#include "query_test_util.hpp"

namespace ixdb::query {
namespace {

struct Generated {
  storage::SeriesMeta meta;
  std::map<int32_t, double> values;  // period index -> value (NaN: published blank)
};

std::vector<Generated> Generate(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<Generated> out;
  for (size_t i = 0; i < n; ++i) {
    Generated g;
    g.meta.code = "p" + std::to_string(100000 + i);
    const int f = static_cast<int>(rng() % 3);
    g.meta.frequency = f == 0   ? Frequency::kAnnual
                       : f == 1 ? Frequency::kQuarterly
                                : Frequency::kMonthly;
    g.meta.cumulative = g.meta.frequency != Frequency::kAnnual && u(rng) < 0.3;
    g.meta.measure = static_cast<storage::MeasureKind>(rng() % 6);
    g.meta.unit = storage::ChangesInPoints(g.meta.measure) ? "%" : "亿元";
    const int ppy = PeriodsPerYear(g.meta.frequency);
    const int32_t start =
        (1990 + static_cast<int>(rng() % 30)) * ppy + static_cast<int>(rng() % ppy);
    const int len = 1 + static_cast<int>(rng() % 60);
    for (int k = 0; k < len; ++k) {
      if (u(rng) < 0.2) continue;  // a gap
      double v;
      const double r = u(rng);
      if (r < 0.05)
        v = storage::kMissing;
      else if (r < 0.08)
        v = 0;
      else
        v = std::round((u(rng) * 1100 - 100) * 1000) / 1000;
      g.values[start + k] = v;
    }
    if (g.values.empty()) g.values[start] = 1;
    out.push_back(std::move(g));
  }
  return out;
}

// The reference: change against the value `lag` periods earlier, by period index.
double Reference(const Generated& g, int32_t index, int lag, bool percent_if_level) {
  auto cur = g.values.find(index);
  auto base = g.values.find(index - lag);
  if (base == g.values.end()) return storage::kMissing;
  const bool points = storage::ChangesInPoints(g.meta.measure) || g.meta.unit == "%";
  if (percent_if_level && !points) {
    if (base->second == 0 || std::isnan(base->second) || std::isnan(cur->second))
      return storage::kMissing;
    return (cur->second / base->second - 1) * 100;
  }
  // Values have 3 decimals, so their difference is an exact number of thousandths: the
  // evaluator must return the double nearest to it (5.2 - 6 = -0.8, not -0.7999999999999998).
  if (std::isnan(cur->second) || std::isnan(base->second)) return storage::kMissing;
  return static_cast<double>(std::llround(cur->second * 1000) - std::llround(base->second * 1000)) /
         1000;
}

void Compare(const Table& t, const std::vector<Generated>& series, int which_lag, bool percent,
             const std::map<std::string, size_t>& by_code, size_t* compared) {
  REQUIRE(t.columns.size() >= 3);
  REQUIRE(t.columns[0].name == "indicator");
  REQUIRE(t.columns[1].name == "period");
  REQUIRE(t.columns[2].name == "value");
  // Each series' rows appear in period order, one per stored period.
  for (const auto& row : t.rows) {
    const auto& code = std::get<std::string>(row[0]);
    const Generated& g = series[by_code.at(code)];
    auto parsed = ParsePeriod(std::get<std::string>(row[1]));
    REQUIRE(parsed.ok());
    auto p = ResolvePeriod(*parsed, g.meta.frequency, g.meta.cumulative);
    REQUIRE(p.ok());
    REQUIRE(g.values.count(p->index) == 1);
    const int lag = which_lag == 0 ? PeriodsPerYear(g.meta.frequency) : which_lag;
    const double want = Reference(g, p->index, lag, percent);
    INFO(code << " " << std::get<std::string>(row[1]) << " lag " << lag);
    if (std::isnan(want)) {
      CHECK(std::holds_alternative<std::monostate>(row[2]));
    } else {
      REQUIRE(std::holds_alternative<double>(row[2]));
      CHECK(std::get<double>(row[2]) == want);
    }
    ++*compared;
  }
}

TEST_CASE("Property: yoy, pop and diff equal a naive reference on random series", "[query]") {
  test::TempDir dir;
  auto store = test::OpenStore(dir);
  const std::vector<Generated> series = Generate(3000, 20240201);
  storage::WriteBatch batch;
  std::map<std::string, size_t> by_code;
  size_t total_obs = 0;
  for (size_t i = 0; i < series.size(); ++i) {
    const auto& g = series[i];
    by_code[g.meta.code] = i;
    batch.PutSeries(g.meta);
    for (const auto& [index, v] : g.values) {
      storage::Observation o;
      o.series = g.meta.code;
      o.period = Period{g.meta.frequency, index};
      o.vintage = DateFromYmd(2024, 1, 1);
      o.value = v;
      batch.PutObservation(o);
      ++total_obs;
    }
  }
  auto w = store->Write(batch, storage::LoadInfo{"property test", {}, {}});
  INFO(w.status().ToString());
  REQUIRE(w.ok());

  size_t compared = 0;
  // All series at once (the parallel scan path), then a sample one by one.
  auto yoy = RunQuery(*store, "yoy(series(p*))");
  INFO(yoy.status().ToString());
  REQUIRE(yoy.ok());
  CHECK(yoy->rows.size() == total_obs);
  Compare(*yoy, series, 0, true, by_code, &compared);

  // The columnar API returns the same values in the same order.
  auto cols = RunValueQuery(*store, "yoy(series(p*))");
  REQUIRE(cols.ok());
  size_t row = 0;
  for (const auto& sc : cols->series) {
    for (size_t i = 0; i < sc.value.size(); ++i, ++row) {
      REQUIRE(row < yoy->rows.size());
      CHECK(std::get<std::string>(yoy->rows[row][0]) == sc.indicator);
      CHECK(std::get<std::string>(yoy->rows[row][1]) == FormatPeriod(sc.period[i], sc.cumulative));
      if (std::isnan(sc.value[i]))
        CHECK(std::holds_alternative<std::monostate>(yoy->rows[row][2]));
      else
        CHECK(std::get<double>(yoy->rows[row][2]) == sc.value[i]);
    }
  }
  CHECK(row == yoy->rows.size());
  CHECK_FALSE(RunValueQuery(*store, "targets(2024)").ok());
  CHECK_FALSE(RunValueQuery(*store, "yoy(p100000) limit 3").ok());

  auto diff4 = RunQuery(*store, "diff(series(cumulative=false), 4)");
  REQUIRE(diff4.ok());
  Compare(*diff4, series, 4, false, by_code, &compared);

  auto pop = RunQuery(*store, "pop(series(cumulative=false))");
  REQUIRE(pop.ok());
  Compare(*pop, series, 1, true, by_code, &compared);

  for (size_t i = 0; i < series.size(); i += 7) {
    const auto& g = series[i];
    auto r = RunQuery(*store, "yoy(" + g.meta.code + ")");
    REQUIRE(r.ok());
    Compare(*r, series, 0, true, by_code, &compared);
    auto d = RunQuery(*store, "diff(" + g.meta.code + ", " +
                                  std::to_string(PeriodsPerYear(g.meta.frequency)) + ")");
    REQUIRE(d.ok());
    Compare(*d, series, 0, false, by_code, &compared);
    if (!g.meta.cumulative) {
      auto p = RunQuery(*store, "pop(" + g.meta.code + ")");
      REQUIRE(p.ok());
      Compare(*p, series, 1, true, by_code, &compared);
    } else {
      CHECK_FALSE(RunQuery(*store, "pop(" + g.meta.code + ")").ok());  // spans differ in length
    }
  }
  CHECK(compared > 100000);
}

}  // namespace
}  // namespace ixdb::query
