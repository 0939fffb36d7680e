#pragma once
// The layout of a report (internal): paragraphs, sentences, section headings and what each
// section is about — the review of the past year (observations) or the plan (targets) — the
// plan year, the publication date, and the list of main targets (主要预期目标).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.hpp"
#include "common/status.hpp"

namespace ixdb::extract::internal {

enum class SectionRole {
  kReview,  // figures of the review year (plan year - 1): observations
  kPlan,    // the plan: targets for the plan year
};

struct SentenceSpan {
  size_t begin = 0, end = 0;  // bytes of the normalised text, end exclusive
  size_t paragraph = 0;       // index of its paragraph (0-based)
  bool paragraph_start = false;
  bool heading = false;  // a heading or title line (facts there are not read)
  SectionRole role = SectionRole::kReview;
  // Inside the list of main targets: from this byte on (npos: not at all). Numbers there are
  // headline targets; clauses without a number are qualitative targets.
  size_t headline_from = std::string_view::npos;
};

struct Layout {
  std::vector<SentenceSpan> sentences;
  int plan_year = 0;
  std::string plan_year_from;  // how it was found: "--year", "the date 2024年3月5日", "the title"
  std::optional<Date> published;  // a date in the title lines (2024年3月5日)
};

// Reads the layout of normalised text. `plan_year`: the --year given, if any; otherwise it is
// found in the title lines (the year of a date there; else the latest year named in the title,
// plus one for a statistical bulletin). InvalidArgument when no plan year can be found.
Result<Layout> ReadLayout(std::string_view text, std::optional<int> plan_year);

}  // namespace ixdb::extract::internal
