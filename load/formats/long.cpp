// Long CSV: one value a row — indicator,period,value[,vintage,status,stage,source,qualifier]
// plus series metadata columns (docs/loading.md, "Long").
#include "load/formats/format_reader.hpp"

namespace ixdb::load::internal {

namespace {

class LongReader final : public FormatReader {
 public:
  LongReader(ColumnMap m, size_t width) : m_(std::move(m)) {
    width_ = width;
    m_.meta[kMetaUnit] = m_[Role::kUnit];
  }

  void Read(RowContext& row, const std::vector<std::string_view>& f) override {
    uint32_t series;
    if (!row.Series(f[m_[Role::kIndicator]], m_[Role::kIndicator], &series)) return;
    const int pcol = m_[Role::kPeriod], vcol = m_[Role::kValue];
    const std::string_view period_text = Trim(f[pcol]);
    const std::string_view value_text = f[vcol];
    if (period_text.empty()) {
      // A row that only carries metadata.
      if (!Trim(value_text).empty()) {
        row.Error(RowContext::Col(pcol), "empty period");
        return;
      }
      row.MetaCells(f, series, m_.meta);
      return;
    }
    ParsedPeriod p;
    if (!row.PeriodCell(period_text, pcol, &p)) return;
    FootnoteStatus foot = FootnoteStatus::kNone;
    double value;
    if (!row.Number(value_text, vcol, "value", &value, &foot)) return;
    int32_t vintage;
    if (!row.Vintage(f, m_[Role::kVintage], &vintage)) return;
    uint8_t status = 0, qualifier = 0;
    if (m_[Role::kStatus] >= 0 && !row.StatusCell(f[m_[Role::kStatus]], m_[Role::kStatus], &status))
      return;
    if (m_[Role::kQualifier] >= 0 &&
        !row.QualifierCell(f[m_[Role::kQualifier]], m_[Role::kQualifier], &qualifier)) {
      return;
    }
    const uint32_t stage = m_[Role::kStage] >= 0 ? row.InternString(Trim(f[m_[Role::kStage]])) : 0;
    const uint32_t source =
        m_[Role::kSource] >= 0 ? row.InternString(Trim(f[m_[Role::kSource]])) : 0;
    row.MetaCells(f, series, m_.meta);
    if (row.bad()) return;
    row.SeePeriod(series, p);
    PendingObs o = row.NewObs(series, p, vintage, value, pcol);
    o.status = StatusWithFootnote(status, foot);
    o.qualifier = qualifier;
    row.PushObs(o, stage, source);
  }

 private:
  ColumnMap m_;
};

bool Detect(const Header& h) {
  return (h.Has("indicator") || h.Has("series") || h.Has("code")) && h.Has("period") &&
         h.Has("value");
}

OpenedHeader Open(const Header& h, const HeaderOptions& options) {
  ColumnMap m;
  OpenedHeader r =
      ColumnMap::Build(h, "long",
                       {Role::kIndicator, Role::kPeriod, Role::kValue, Role::kVintage,
                        Role::kStatus, Role::kStage, Role::kSource, Role::kQualifier, Role::kUnit},
                       options, &m, [](size_t, OpenedHeader*) { return false; });
  if (!r.status.ok()) return r;
  for (auto [role, name] : {std::pair{Role::kIndicator, "indicator"},
                            std::pair{Role::kPeriod, "period"}, std::pair{Role::kValue, "value"}}) {
    if (OpenedHeader q = ColumnMap::Require(h, "long", m, role, name); !q.status.ok()) return q;
  }
  r.ignored = m.ignored;
  r.reader = std::make_unique<LongReader>(std::move(m), h.names.size());
  return r;
}

}  // namespace

FormatDef LongFormat() {
  return {Format::kLong, "long", "long (indicator,period,value)", Detect, Open};
}

}  // namespace ixdb::load::internal
