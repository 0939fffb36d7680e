// The format table, detection, the column roles shared by the column-oriented formats, and the
// record loop every format's records go through.
#include <algorithm>

#include "load/formats/format_reader.hpp"

namespace ixdb::load::internal {

bool Header::Has(std::string_view name) const {
  return std::find(names.begin(), names.end(), name) != names.end();
}

const std::vector<FormatDef>& Formats() {
  static const std::vector<FormatDef> kFormats = {SdmxFormat(), TargetsFormat(), LongFormat(),
                                                  WideFormat()};
  return kFormats;
}

OpenedHeader OpenHeader(const std::vector<std::string_view>& fields, Format format,
                        const HeaderOptions& options) {
  Header h;
  h.raw = fields;
  for (std::string_view f : fields) h.names.push_back(Lower(Trim(f)));
  if (h.names.empty()) return OpenedHeader::Bad(0, "empty header");
  for (const FormatDef& def : Formats()) {
    if (format == def.format || (format == Format::kAuto && def.detect(h)))
      return def.open(h, options);
  }
  if (format != Format::kAuto) return OpenedHeader::Bad(0, "unknown format");
  std::string forms;
  for (const FormatDef& def : Formats())
    forms += std::string(forms.empty() ? "" : ", ") + def.summary;
  return OpenedHeader::Bad(
      0, "cannot tell the format from the header; expected " + forms + ", or give --format");
}

void ParseRecords(FormatReader& reader, const ParseContext& ctx, CsvReader& csv, uint64_t line_base,
                  size_t base_offset, size_t max_obs, Block* block) {
  RowContext row(ctx, block);
  std::vector<std::string_view> f;
  std::string error;
  const size_t width = reader.width();
  while (!csv.done() && block->obs.size() < max_obs) {
    uint32_t error_field = 0;
    const bool got = csv.Next(&f, &error, &error_field);
    const auto line = static_cast<uint32_t>(csv.record_line() - line_base);
    const uint64_t offset = base_offset + csv.record_begin();
    if (!got) {
      if (!error.empty()) {
        block->errors.push_back(RowError{ctx.file, line, error_field, error, offset, {}});
        ++block->rows;
        error.clear();
      }
      continue;
    }
    ++block->rows;
    row.Begin(line, offset);
    size_t n = f.size();
    if (n != width) {
      // Excel writes trailing empty fields; accept them.
      while (n > width && Trim(f[n - 1]).empty()) --n;
      if (n != width) {
        row.Error(static_cast<uint32_t>(std::min(f.size(), width) + 1),
                  "expected " + std::to_string(width) + " fields (as in the header), found " +
                      std::to_string(f.size()));
        row.End();
        continue;
      }
      f.resize(n);
    }
    bool blank = true;
    for (size_t i = 0; i < n && blank; ++i) blank = Trim(f[i]).empty();
    if (!blank) reader.Read(row, f);
    row.End();
  }
}

// ---- columns -----------------------------------------------------------------------------------
Role RoleOf(std::string_view name, MetaField* meta) {
  static const std::pair<std::string_view, Role> kRoles[] = {{"indicator", Role::kIndicator},
                                                             {"series", Role::kIndicator},
                                                             {"code", Role::kIndicator},
                                                             {"period", Role::kPeriod},
                                                             {"value", Role::kValue},
                                                             {"vintage", Role::kVintage},
                                                             {"status", Role::kStatus},
                                                             {"stage", Role::kStage},
                                                             {"source", Role::kSource},
                                                             {"qualifier", Role::kQualifier},
                                                             {"target", Role::kTarget},
                                                             {"target_high", Role::kTargetHigh},
                                                             {"comparator", Role::kComparator},
                                                             {"tolerance", Role::kTolerance},
                                                             {"unit", Role::kUnit},
                                                             {"relative_to", Role::kRelativeTo},
                                                             {"text", Role::kText},
                                                             {"on", Role::kOn}};
  for (const auto& [n, r] : kRoles) {
    if (name == n) return r;
  }
  static const std::pair<std::string_view, MetaField> kMeta[] = {{"name", kMetaName},
                                                                 {"name_zh", kMetaName},
                                                                 {"name_en", kMetaNameEn},
                                                                 {"region", kMetaRegion},
                                                                 {"measure", kMetaMeasure},
                                                                 {"frequency", kMetaFrequency},
                                                                 {"cumulative", kMetaCumulative},
                                                                 {"level_series", kMetaLevelSeries},
                                                                 {"notes", kMetaNotes},
                                                                 {"better", kMetaBetter}};
  for (const auto& [n, m] : kMeta) {
    if (name == n) {
      *meta = m;
      return Role::kMeta;
    }
  }
  return Role::kCount;
}

ColumnMap::ColumnMap() {
  for (int& c : col) c = -1;
  for (int& m : meta) m = -1;
}

bool ColumnMap::has_meta() const {
  for (int m : meta) {
    if (m >= 0) return true;
  }
  return false;
}

OpenedHeader ColumnMap::Require(const Header& h, const char* kind, const ColumnMap& m, Role r,
                                const char* name) {
  if (m[r] >= 0) return OpenedHeader{};
  return OpenedHeader::Bad(h.names.size() - 1,
                           std::string("a ") + kind + " file needs a column '" + name + "'");
}

}  // namespace ixdb::load::internal
