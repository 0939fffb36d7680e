#pragma once
// The file formats of `ixdb load` as plug-ins (internal to load/). Each format is one file in
// load/formats/ (long, wide, sdmx, targets) with a FormatReader of its own schema, and one row
// of the format table (formats.cpp), which feeds --format's choices, detection and the docs. A
// new format is one file and one row.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "load/internal/records.hpp"
#include "load/internal/row_context.hpp"
#include "load/internal/text.hpp"
#include "load/loader.hpp"

namespace ixdb::load::internal {

// A header's fields: as written (for messages) and trimmed, ASCII lower case (for matching).
struct Header {
  std::vector<std::string_view> raw;
  std::vector<std::string> names;
  bool Has(std::string_view name) const;
};

struct HeaderOptions {
  bool ignore_unknown_columns = false;
};

class FormatReader {
 public:
  virtual ~FormatReader() = default;
  // Fields of a record (as in the header).
  size_t width() const { return width_; }
  // Parses one record, not blank and of width() fields, into the row's block (through `row`,
  // which keeps nothing of it after an error).
  virtual void Read(RowContext& row, const std::vector<std::string_view>& f) = 0;

 protected:
  size_t width_ = 0;
};

// What opening a header gives: a reader, or a bad header (with the 1-based field it concerns).
struct OpenedHeader {
  std::unique_ptr<FormatReader> reader;
  Status status;
  uint32_t error_col = 1;
  std::vector<std::string> ignored;  // unknown columns left out (--ignore-unknown-columns)

  static OpenedHeader Bad(size_t col, std::string message) {
    OpenedHeader h;
    h.status = Status::InvalidArgument(std::move(message));
    h.error_col = static_cast<uint32_t>(col + 1);
    return h;
  }
};

struct FormatDef {
  Format format;
  const char* name;     // as --format takes it
  const char* summary;  // one line for help and docs
  // True when a header is of this format (--format auto tries the table in order).
  bool (*detect)(const Header& header);
  OpenedHeader (*open)(const Header& header, const HeaderOptions& options);
};

// The formats, in detection order.
const std::vector<FormatDef>& Formats();

// Opens a header: the format given, or (kAuto) the first of the table that detects it.
OpenedHeader OpenHeader(const std::vector<std::string_view>& fields, Format format,
                        const HeaderOptions& options);

// Parses records from `csv` into `block` with `reader` until the text ends or the block holds
// at least `max_obs` observations. Record lines are stored relative to `line_base` (so that
// block->first_line = line_base makes them absolute); `base_offset` is the offset of the csv
// reader's text in the file's text.
void ParseRecords(FormatReader& reader, const ParseContext& ctx, CsvReader& csv, uint64_t line_base,
                  size_t base_offset, size_t max_obs, Block* block);

// ---- for the column-oriented formats (long, wide, targets) ----------------------------------
enum class Role : uint8_t {
  kIndicator,
  kPeriod,
  kValue,
  kVintage,
  kStatus,
  kStage,
  kSource,
  kQualifier,
  kTarget,
  kTargetHigh,
  kComparator,
  kTolerance,
  kUnit,
  kRelativeTo,
  kText,
  kOn,
  kMeta,  // one of MetaField
  kCount
};

// The columns of a header by role. Build() maps each name to a role the format allows;
// names it does not know are all reported in one error (or ignored, when asked), except those
// `extra` claims (a wide file's period columns).
struct ColumnMap {
  int col[static_cast<size_t>(Role::kCount)];
  int meta[kMetaFieldCount];
  std::vector<std::string> ignored;

  ColumnMap();
  int operator[](Role r) const { return col[static_cast<size_t>(r)]; }
  bool has_meta() const;

  // `kind` names the format in messages ("long"). `allowed`: the roles (besides metadata,
  // always allowed) of the format. `extra(i)` returns true for a column it takes itself (or
  // sets *error and returns true for a bad one).
  template <typename Extra>
  static OpenedHeader Build(const Header& h, const char* kind, std::initializer_list<Role> allowed,
                            const HeaderOptions& options, ColumnMap* out, Extra&& extra);
  // An error when a required role has no column.
  static OpenedHeader Require(const Header& h, const char* kind, const ColumnMap& m, Role r,
                              const char* name);
};

// The role a (lower-case) column name has, whatever the format; kCount when none. Metadata
// names set *meta.
Role RoleOf(std::string_view name, MetaField* meta);

template <typename Extra>
OpenedHeader ColumnMap::Build(const Header& h, const char* kind,
                              std::initializer_list<Role> allowed, const HeaderOptions& options,
                              ColumnMap* out, Extra&& extra) {
  std::vector<size_t> unknown;
  for (size_t i = 0; i < h.names.size(); ++i) {
    MetaField mf = kMetaName;
    Role role = RoleOf(h.names[i], &mf);
    bool ok = role == Role::kMeta;
    for (Role a : allowed) ok = ok || a == role;
    if (!ok) {
      OpenedHeader bad;
      if (extra(i, &bad)) {
        if (!bad.status.ok()) return bad;
        continue;
      }
      unknown.push_back(i);
      continue;
    }
    int* slot = role == Role::kMeta ? &out->meta[mf] : &out->col[static_cast<size_t>(role)];
    if (*slot >= 0) {
      return OpenedHeader::Bad(i, "column " + Quote(h.raw[i]) + " appears twice (also column " +
                                      std::to_string(*slot + 1) + ")");
    }
    *slot = static_cast<int>(i);
  }
  if (!unknown.empty()) {
    if (options.ignore_unknown_columns) {
      for (size_t i : unknown) out->ignored.emplace_back(Trim(h.raw[i]));
    } else {
      std::string list;
      for (size_t k = 0; k < unknown.size(); ++k) {
        list += (k ? ", " : "") + Quote(Trim(h.raw[unknown[k]])) + " (column " +
                std::to_string(unknown[k] + 1) + ")";
      }
      return OpenedHeader::Bad(unknown.front(),
                               std::string("unknown column") + (unknown.size() > 1 ? "s " : " ") +
                                   list + " for a " + kind +
                                   " file (ixdb load --ignore-unknown-columns leaves them out)");
    }
  }
  return OpenedHeader{};
}

}  // namespace ixdb::load::internal

namespace ixdb::load::internal {
// The format table's rows, one per format file.
FormatDef SdmxFormat();     // formats/sdmx.cpp
FormatDef TargetsFormat();  // formats/targets.cpp
FormatDef LongFormat();     // formats/long.cpp
FormatDef WideFormat();     // formats/wide.cpp
}  // namespace ixdb::load::internal
