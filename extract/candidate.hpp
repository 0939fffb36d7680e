#pragma once
// One fact the extractor proposes: an observation or a target, with the exact phrase it came
// from (docs/extract.md, "The review file"). Plain data; one Candidate is one row of review.csv.

#include <cstddef>
#include <string>

namespace ixdb::extract {

enum class CandidateKind { kObservation, kTarget };
const char* CandidateKindName(CandidateKind kind);  // "observation", "target"

// How the series code was chosen.
enum class Mapping {
  kStoreExact,    // the Chinese name of a series of the store (--db)
  kStoreNearest,  // the nearest name of a series of the store (--db)
  kAlias,         // a name of the alias table (data/aliases.csv, --aliases)
  kAliasNearest,  // an alias name the indicator phrase contains
  kFallback,      // a code made from the phrase (zh_ and a hash of the name)
};
const char* MappingName(Mapping m);  // "store", "store-nearest", "alias", "alias-nearest", "new"

struct Candidate {
  CandidateKind kind = CandidateKind::kObservation;
  std::string indicator;  // the series code chosen (see `mapping`)
  std::string name;       // the indicator phrase as read: 地区生产总值增长
  // As the loader reads it: 2023, 2023Q1, 2023H1, 2023Q1-Q3, 2023M01-M11; spans the loader
  // cannot store are written 2021-2023 (review only).
  std::string period;
  // As written (thousands separators dropped): 2, or 5.5-6 for a range; empty for
  // qualitative, relative and direction targets.
  std::string value;
  std::string unit;           // as written: 万亿元, %, 万套（间）
  std::string comparator;     // targets: >=, <=, ~, =, <, >, between, relative, qualitative
  std::string qualifier;      // observations: "", ~, >=, <=
  std::string status;         // observations: estimate, preliminary, revised, final
  std::string relative_to;    // relative targets: the series it keeps pace with
  std::string relative_name;  // ... as written: 经济增长
  std::string text;           // qualitative and relative targets: the words
  size_t offset = 0;          // start of `source` in the normalised text, in code points
  size_t length = 0;          // length of `source` in code points
  std::string source;         // the phrase
  std::string rule;           // the grammar rule that matched, e.g. Fact/ChangeUp/AboutSuffix
  Mapping mapping = Mapping::kFallback;
  // Written to observations.csv / targets.csv (false: review.csv only, see `note`).
  bool loadable = true;
  std::string note;  // why a candidate is review-only, or what was changed for loading
  // What the files need where it differs from what was written (empty: as written):
  //  - observations: the value converted into the series' unit, and that unit;
  //  - targets: the lower end of a range (value_high its upper end), 0 for a direction
  //    (同比下降: < 0 on its year-over-year change), and the comparator cell of 控制在…左右
  //    (a ceiling that keeps "about": the query layer sets its tolerance by the unit).
  std::string load_value;
  std::string load_unit;
  std::string value_high;
  std::string load_comparator;
  std::string on;  // what a target is judged on: empty (the level) or yoy
};

// A series the output files define or refer to.
struct SeriesInfo {
  std::string code;
  std::string name;       // written as the series' name when the series is new
  std::string unit;       // the series' unit (observations are written in it)
  bool in_store = false;  // a series of the store (--db): its metadata is left as it is
};

}  // namespace ixdb::extract
