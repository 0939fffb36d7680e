#include "extract/internal/load_plan.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "common/period.hpp"
#include "common/units.hpp"

namespace ixdb::extract::internal {

namespace {

// Codes tried for one candidate before it is left out of the files.
constexpr int kMaxRecodes = 8;

const CatalogEntry* FindInCatalog(const std::vector<CatalogEntry>& catalog,
                                  const std::string& code) {
  for (const CatalogEntry& e : catalog) {
    if (e.code == code) return &e;
  }
  return nullptr;
}

bool PeriodFits(const Candidate& c, const CatalogEntry& e) {
  auto parsed = ParsePeriod(c.period);
  if (!parsed.ok()) return false;
  return ResolvePeriod(*parsed, e.frequency, e.cumulative, e.code).ok();
}

bool Convertible(const std::string& from, const std::string& to) {
  if (from.empty() || to.empty() || from == to) return true;
  return UnitConversionFactor(from, to).ok();
}

bool NumbersEqual(const std::string& a, const std::string& b) {
  if (a == b) return true;
  if (a.empty() || b.empty()) return false;
  return std::strtod(a.c_str(), nullptr) == std::strtod(b.c_str(), nullptr);
}

}  // namespace

std::string ScaleDecimal(const std::string& value, double factor) {
  const double exponent = std::log10(factor);
  const long shift = std::lround(exponent);
  if (std::fabs(exponent - static_cast<double>(shift)) > 1e-9) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", std::strtod(value.c_str(), nullptr) * factor);
    return buf;
  }
  std::string digits;
  long point = 0;  // digits before the decimal point
  bool seen_point = false;
  for (char c : value) {
    if (c == '.') {
      seen_point = true;
      continue;
    }
    digits.push_back(c);
    if (!seen_point) ++point;
  }
  point += shift;
  while (point > static_cast<long>(digits.size())) digits.push_back('0');
  while (point < 1) {
    digits.insert(digits.begin(), '0');
    ++point;
  }
  std::string out = digits.substr(0, point);
  std::string frac = digits.substr(point);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  while (out.size() > 1 && out[0] == '0') out.erase(out.begin());
  if (!frac.empty()) out += "." + frac;
  return out;
}

LoadPlan PlanLoading(std::vector<Proposal> proposals, const std::vector<CatalogEntry>& catalog) {
  LoadPlan plan;
  using Key = std::tuple<int, std::string, std::string, std::string, std::string, std::string>;

  // A fact stated twice is one row, its first statement: the same series, period, value, unit
  // and comparator (城镇新增就业25万人以上 in the list of main targets and again in the tasks).
  std::set<Key> seen;
  std::vector<Proposal> kept;
  for (Proposal& p : proposals) {
    const Candidate& c = p.candidate;
    const Key key{static_cast<int>(c.kind),  c.indicator, c.period, c.value, c.unit,
                  c.comparator + c.qualifier};
    if (!seen.insert(key).second) {
      ++plan.repeats;
      continue;
    }
    kept.push_back(std::move(p));
  }

  std::map<std::string, size_t> series_index;
  // (code, period, kind) -> value already written.
  std::map<std::tuple<std::string, std::string, int>, std::string> values;
  auto series_of = [&](const Proposal& p, const std::string& code) -> SeriesInfo& {
    auto it = series_index.find(code);
    if (it != series_index.end()) return plan.series[it->second];
    SeriesInfo info;
    info.code = code;
    info.name = p.candidate.name;
    const CatalogEntry* e = FindInCatalog(catalog, code);
    info.in_store = e != nullptr;
    if (e != nullptr) {
      info.unit = e->unit;
    } else if (!p.series_unit.empty() && Convertible(p.candidate.unit, p.series_unit)) {
      info.unit = p.series_unit;
    } else {
      info.unit = p.candidate.unit;
    }
    series_index.emplace(code, plan.series.size());
    plan.series.push_back(info);
    return plan.series.back();
  };

  for (Proposal& p : kept) {
    Candidate& c = p.candidate;
    if (!c.loadable) {
      plan.candidates.push_back(std::move(c));
      continue;
    }
    std::string why;
    bool placed = false;
    for (int attempt = 0; attempt < kMaxRecodes && !placed; ++attempt) {
      if (attempt > 0) {
        const std::string fallback = FallbackCode(c.name);
        c.indicator = (attempt == 1 && fallback != c.indicator)
                          ? fallback
                          : fallback + "_" + std::to_string(attempt);
        c.mapping = Mapping::kFallback;
        p.series_unit.clear();
      }
      const CatalogEntry* e = FindInCatalog(catalog, c.indicator);
      if (e != nullptr && !PeriodFits(c, *e)) {
        why = "period " + c.period + " does not fit the store's series " + e->code;
        continue;
      }
      const bool exists = series_index.count(c.indicator) > 0;
      if (exists || e != nullptr) {
        const SeriesInfo& info = series_of(p, c.indicator);
        if (!Convertible(c.unit, info.unit)) {
          why = "unit " + c.unit + " does not convert to " + info.unit + " of " + info.code;
          continue;
        }
      }
      const auto slot = std::make_tuple(c.indicator, c.period, static_cast<int>(c.kind));
      auto v = values.find(slot);
      if (v != values.end() && !NumbersEqual(v->second, c.value)) {
        why = c.indicator + " " + c.period + " already has the value " + v->second;
        continue;
      }
      placed = true;
    }
    if (!placed) {
      c.loadable = false;
      c.note = "not loadable: " + why;
      plan.notes.push_back("review only: '" + c.source + "': " + why);
      plan.candidates.push_back(std::move(c));
      continue;
    }
    if (!why.empty()) {
      c.note = "new code: " + why;
      plan.notes.push_back("'" + c.source + "' got a code of its own, " + c.indicator + ": " + why);
    }
    const SeriesInfo& info = series_of(p, c.indicator);
    if (c.kind == CandidateKind::kObservation && !c.unit.empty() && !info.unit.empty() &&
        c.unit != info.unit) {
      auto factor = UnitConversionFactor(c.unit, info.unit);
      if (factor.ok()) {
        c.load_value = ScaleDecimal(c.value, *factor);
        c.load_unit = info.unit;
      }
    }
    values[std::make_tuple(c.indicator, c.period, static_cast<int>(c.kind))] = c.value;
    plan.candidates.push_back(std::move(c));
  }

  // The series relative targets keep pace with must exist in the load or the store.
  for (const Candidate& c : plan.candidates) {
    if (c.relative_to.empty() || !c.loadable || series_index.count(c.relative_to) > 0) continue;
    SeriesInfo info;
    info.code = c.relative_to;
    info.name = c.relative_name;
    info.in_store = FindInCatalog(catalog, c.relative_to) != nullptr;
    series_index.emplace(info.code, plan.series.size());
    plan.series.push_back(info);
  }
  return plan;
}

}  // namespace ixdb::extract::internal
