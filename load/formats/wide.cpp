// Wide CSV: indicators as rows, periods as columns — indicator,2019,2020,... plus vintage,
// status, stage, source and series metadata columns (docs/loading.md, "Wide").
#include "load/formats/format_reader.hpp"

namespace ixdb::load::internal {

namespace {

class WideReader final : public FormatReader {
 public:
  WideReader(ColumnMap m, std::vector<std::pair<int, ParsedPeriod>> periods, size_t width)
      : m_(std::move(m)), periods_(std::move(periods)) {
    width_ = width;
    m_.meta[kMetaUnit] = m_[Role::kUnit];
  }

  void Read(RowContext& row, const std::vector<std::string_view>& f) override {
    uint32_t series;
    if (!row.Series(f[m_[Role::kIndicator]], m_[Role::kIndicator], &series)) return;
    int32_t vintage;
    if (!row.Vintage(f, m_[Role::kVintage], &vintage)) return;
    uint8_t status = 0;
    if (m_[Role::kStatus] >= 0 && !row.StatusCell(f[m_[Role::kStatus]], m_[Role::kStatus], &status))
      return;
    const uint32_t stage = m_[Role::kStage] >= 0 ? row.InternString(Trim(f[m_[Role::kStage]])) : 0;
    const uint32_t source =
        m_[Role::kSource] >= 0 ? row.InternString(Trim(f[m_[Role::kSource]])) : 0;
    row.MetaCells(f, series, m_.meta);
    if (row.bad()) return;
    bool any_value = false;
    for (const auto& [col, p] : periods_) {
      FootnoteStatus foot = FootnoteStatus::kNone;
      double value;
      if (!row.Number(f[col], col, "value", &value, &foot)) return;
      const bool blank = std::isnan(value);
      if (!blank) {
        any_value = true;
        row.SeePeriod(series, p);
      }
      PendingObs o = row.NewObs(series, p, vintage, value, col);
      // A blank cell of a period the series does not have (an annual series in a file that
      // also has quarterly columns) is not an error.
      if (blank) o.flags |= kObsBlankMisfit;
      o.status = StatusWithFootnote(status, foot);
      row.PushObs(o, stage, source);
    }
    if (!any_value) {
      for (const auto& [col, p] : periods_) row.SeePeriod(series, p);
    }
  }

 private:
  ColumnMap m_;
  std::vector<std::pair<int, ParsedPeriod>> periods_;
};

int PeriodHeaders(const Header& h) {
  int n = 0;
  for (const auto& x : h.names) {
    if (!x.empty() && ParsePeriodFast(x).ok()) ++n;
  }
  return n;
}

bool Detect(const Header& h) {
  return (h.Has("indicator") || h.Has("series") || h.Has("code")) && PeriodHeaders(h) > 0;
}

OpenedHeader Open(const Header& h, const HeaderOptions& options) {
  ColumnMap m;
  std::vector<std::pair<int, ParsedPeriod>> periods;
  auto period_column = [&](size_t i, OpenedHeader* bad) {
    auto p = ParsePeriodFast(h.names[i]);
    if (!p.ok()) return false;
    for (const auto& [c, q] : periods) {
      if (q.period == p->period && q.span == p->span) {
        *bad = OpenedHeader::Bad(i, "period " + Quote(h.raw[i]) + " appears twice (also column " +
                                        std::to_string(c + 1) + ")");
        return true;
      }
    }
    periods.emplace_back(static_cast<int>(i), *p);
    return true;
  };
  OpenedHeader r = ColumnMap::Build(
      h, "wide",
      {Role::kIndicator, Role::kVintage, Role::kStatus, Role::kStage, Role::kSource, Role::kUnit},
      options, &m, period_column);
  if (!r.status.ok()) return r;
  if (OpenedHeader q = ColumnMap::Require(h, "wide", m, Role::kIndicator, "indicator");
      !q.status.ok()) {
    return q;
  }
  if (periods.empty()) {
    return OpenedHeader::Bad(h.names.size() - 1,
                             "a wide file needs period columns (e.g. 2019, 2020 or 2023Q1)");
  }
  r.ignored = m.ignored;
  r.reader = std::make_unique<WideReader>(std::move(m), std::move(periods), h.names.size());
  return r;
}

}  // namespace

FormatDef WideFormat() {
  return {Format::kWide, "wide", "wide (indicator,2019,2020,...)", Detect, Open};
}

}  // namespace ixdb::load::internal
