// Targets CSV: indicator,period,target,comparator[,tolerance,unit,vintage,source,relative_to,
// text,on,target_high] plus series metadata columns (docs/loading.md, "Targets").
#include <cmath>

#include "common/comparator.hpp"
#include "load/formats/format_reader.hpp"

namespace ixdb::load::internal {

namespace {

class TargetsReader final : public FormatReader {
 public:
  TargetsReader(ColumnMap m, size_t width) : m_(std::move(m)) { width_ = width; }

  void Read(RowContext& row, const std::vector<std::string_view>& f) override {
    auto col = [&](Role r) { return m_[r]; };
    auto cell = [&](Role r) { return col(r) >= 0 ? Trim(f[col(r)]) : std::string_view(); };
    uint32_t series;
    if (!row.Series(f[col(Role::kIndicator)], col(Role::kIndicator), &series)) return;
    ParsedPeriod p;
    if (!row.PeriodCell(f[col(Role::kPeriod)], col(Role::kPeriod), &p)) return;
    storage::Target t;
    if (!row.Number(f[col(Role::kTarget)], col(Role::kTarget), "target", &t.value, nullptr)) return;
    if (col(Role::kTolerance) >= 0 && !row.Number(f[col(Role::kTolerance)], col(Role::kTolerance),
                                                  "tolerance", &t.tolerance, nullptr)) {
      return;
    }
    if (col(Role::kTargetHigh) >= 0 &&
        !row.Number(f[col(Role::kTargetHigh)], col(Role::kTargetHigh), "target_high", &t.value_high,
                    nullptr)) {
      return;
    }
    t.text = std::string(cell(Role::kText));
    t.source = std::string(cell(Role::kSource));
    t.unit = std::string(cell(Role::kUnit));
    if (col(Role::kOn) >= 0) {
      auto on = storage::ParseTargetOn(cell(Role::kOn));
      if (!on.ok()) {
        row.Error(RowContext::Col(col(Role::kOn)), on.status().message());
        return;
      }
      t.on = *on;
    }
    if (!Comparator(row, f, &t)) return;
    if (!Consistent(row, &t)) return;
    int32_t vintage;
    if (!row.Vintage(f, col(Role::kVintage), &vintage)) return;
    t.vintage = Date{vintage};
    row.MetaCells(f, series, m_.meta);
    if (row.bad()) return;
    // The unit of a series a targets file creates (its only unit there) is the target's, unless
    // the target is on a change of it.
    if (!t.unit.empty() && t.on == storage::TargetOn::kLevel) {
      row.AddMeta(series, kMetaUnitHint, col(Role::kUnit), t.unit);
    }
    row.SeePeriod(series, p);
    PendingTarget pt;
    pt.series = series;
    pt.period = p;
    pt.target = std::move(t);
    pt.pcol = static_cast<uint16_t>(col(Role::kPeriod) + 1);
    pt.ucol = static_cast<uint16_t>(col(Role::kUnit) >= 0 ? col(Role::kUnit) + 1 : 0);
    row.PushTarget(std::move(pt));
  }

 private:
  // The comparator cell (and relative_to): the shared vocabulary of common/comparator.hpp.
  bool Comparator(RowContext& row, const std::vector<std::string_view>& f, storage::Target* t) {
    const int ccol = m_[Role::kComparator];
    std::string_view comp = Trim(f[ccol]);
    const bool has_value = !std::isnan(t->value);
    if (comp.empty()) {
      if (has_value || t->text.empty()) {
        row.Error(RowContext::Col(ccol), has_value
                                             ? "empty comparator (expected >=, <=, ~, =, 以上...)"
                                             : "empty comparator and no text");
        return false;
      }
      t->comparator = ixdb::Comparator::kQualitative;
    } else {
      auto reading = ParseComparator(comp);
      if (!reading.ok()) {
        row.Error(RowContext::Col(ccol), reading.status().message());
        return false;
      }
      t->comparator = reading->comparator;
      // 控制在3%左右: a ceiling with the tolerance of 左右, which the query layer chooses by the
      // target's unit (0.5 pp for %, 2% of the target for levels) unless a tolerance is given.
      t->about = reading->about;
    }
    const int rcol = m_[Role::kRelativeTo];
    if (rcol >= 0) {
      std::string_view rel = Trim(f[rcol]);
      if (!rel.empty()) {
        if (Status s = storage::ValidateSeriesCode(rel); !s.ok()) {
          row.Error(RowContext::Col(rcol), "relative_to: " + s.message());
          return false;
        }
        t->relative_to = std::string(rel);
        if (comp.empty()) t->comparator = ixdb::Comparator::kRelative;
      }
    }
    return true;
  }

  // What each comparator needs: relative_to, text, a number, a range's upper end.
  bool Consistent(RowContext& row, storage::Target* t) {
    using C = ixdb::Comparator;
    auto at = [&](Role r, Role fallback) {
      return RowContext::Col(m_[r] >= 0 ? m_[r] : m_[fallback]);
    };
    const bool has_value = !std::isnan(t->value);
    switch (t->comparator) {
      case C::kRelative:
        if (t->relative_to.empty()) {
          row.Error(at(Role::kRelativeTo, Role::kComparator),
                    "a relative (同步) target needs the series it follows in relative_to");
          return false;
        }
        return true;
      case C::kQualitative:
        if (t->text.empty()) {
          row.Error(at(Role::kText, Role::kComparator),
                    "a qualitative target needs its words in the text column");
          return false;
        }
        return true;
      case C::kBetween:
        if (!has_value || std::isnan(t->value_high)) {
          row.Error(at(Role::kTargetHigh, Role::kComparator),
                    "a between target (增长5.5%-6%) needs its lower end in target and its upper "
                    "end in target_high");
          return false;
        }
        if (t->value_high < t->value) {
          row.Error(at(Role::kTargetHigh, Role::kComparator), "target_high is below target");
          return false;
        }
        return true;
      case C::kLess:
      case C::kGreater:
        if (!std::isnan(t->tolerance)) {
          row.Error(at(Role::kTolerance, Role::kComparator),
                    "a strict < or > target takes no tolerance");
          return false;
        }
        [[fallthrough]];
      default:
        if (!has_value) {
          if (t->text.empty()) {
            row.Error(at(Role::kTarget, Role::kTarget),
                      "empty target (a qualitative target needs text instead)");
            return false;
          }
          t->comparator = C::kQualitative;
        }
        return true;
    }
  }

  ColumnMap m_;
};

bool Detect(const Header& h) { return h.Has("target") && h.Has("comparator"); }

OpenedHeader Open(const Header& h, const HeaderOptions& options) {
  ColumnMap m;
  OpenedHeader r =
      ColumnMap::Build(h, "targets",
                       {Role::kIndicator, Role::kPeriod, Role::kTarget, Role::kTargetHigh,
                        Role::kComparator, Role::kTolerance, Role::kUnit, Role::kVintage,
                        Role::kSource, Role::kRelativeTo, Role::kText, Role::kOn},
                       options, &m, [](size_t, OpenedHeader*) { return false; });
  if (!r.status.ok()) return r;
  for (auto [role, name] :
       {std::pair{Role::kIndicator, "indicator"}, std::pair{Role::kPeriod, "period"},
        std::pair{Role::kTarget, "target"}, std::pair{Role::kComparator, "comparator"}}) {
    if (OpenedHeader q = ColumnMap::Require(h, "targets", m, role, name); !q.status.ok()) return q;
  }
  r.ignored = m.ignored;
  r.reader = std::make_unique<TargetsReader>(std::move(m), h.names.size());
  return r;
}

}  // namespace

FormatDef TargetsFormat() {
  return {Format::kTargets, "targets", "targets (indicator,period,target,comparator)", Detect,
          Open};
}

}  // namespace ixdb::load::internal
