#pragma once
// The cell readers every format reader shares (internal to load/): a record's series code,
// period, vintage, status, numbers and metadata cells, each with the error a bad cell gives,
// and what the record adds to its Block. A record is all or nothing: after an error nothing of
// it is kept.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "load/internal/records.hpp"
#include "load/internal/text.hpp"

namespace ixdb::load::internal {

// "'text'" (the first 80 bytes) for messages.
std::string Quote(std::string_view s);

// The code --codes sanitize derives from one that is not a valid series code: every character
// other than a letter, digit or _ becomes _, runs of _ collapse (and none is left at either
// end), and a code that would not start with a letter gets s_ in front.
// "AER:ChinaIncome:agriculture" -> "AER_ChinaIncome_agriculture", "2023-GDP" -> "s_2023_GDP".
std::string SanitizeCode(std::string_view code);

// The status a footnote mark implies (20011.65(p)) when the row gives none.
uint8_t StatusWithFootnote(uint8_t status, FootnoteStatus foot);

class RowContext {
 public:
  RowContext(const ParseContext& ctx, Block* block) : ctx_(ctx), b_(block) {}

  // Starts a record; ends it, keeping what it added unless it had an error.
  void Begin(uint32_t line, uint64_t offset);
  void End();
  bool bad() const { return bad_; }

  void Error(uint32_t col, std::string msg, std::string group = {});
  static uint32_t Col(int idx) { return static_cast<uint32_t>(idx + 1); }

  // Interns a series code (validated; sanitized with --codes sanitize).
  bool Series(std::string_view raw, int col, uint32_t* id);
  bool PeriodCell(std::string_view raw, int col, ParsedPeriod* out);
  // The vintage cell (col < 0 or blank: the load's default vintage).
  bool Vintage(const std::vector<std::string_view>& f, int col, int32_t* out);
  bool StatusCell(std::string_view raw, int col, uint8_t* out);
  bool QualifierCell(std::string_view raw, int col, uint8_t* out);
  // A number cell; blank and the missing markers give NaN. `footnote` may be null.
  bool Number(std::string_view raw, int col, const char* what, double* out,
              FootnoteStatus* footnote);
  // The series metadata cells of a record (meta_cols[field] is the column of each, or -1).
  void MetaCells(const std::vector<std::string_view>& f, uint32_t series, const int* meta_cols);
  void AddMeta(uint32_t series, MetaField field, int col, std::string value);
  // The frequencies a series' rows use (to choose the frequency of a new series).
  void SeePeriod(uint32_t series, const ParsedPeriod& p);

  PendingObs NewObs(uint32_t series, const ParsedPeriod& p, int32_t vintage, double value,
                    int pcol);
  void PushObs(PendingObs o, uint32_t stage, uint32_t source);
  uint32_t InternString(std::string_view s) { return b_->strings.Intern(s); }
  void PushTarget(PendingTarget t);

  uint32_t line() const { return line_; }
  uint64_t offset() const { return offset_; }
  uint16_t file() const { return ctx_.file; }

 private:
  const ParseContext& ctx_;
  Block* b_;
  uint32_t line_ = 0;
  uint64_t offset_ = 0;
  bool bad_ = false;
  size_t obs_before_ = 0, extras_before_ = 0, targets_before_ = 0;
  std::vector<MetaEvent> meta_;
  std::vector<std::pair<uint32_t, uint8_t>> freq_seen_, span_seen_;
  std::string_view last_code_;  // a key of b_->code_index (stable)
  uint32_t last_id_ = 0;
  std::string last_vintage_text_;
  int32_t last_vintage_ = 0;
};

}  // namespace ixdb::load::internal
