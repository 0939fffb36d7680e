#pragma once
// Indicator phrases to series codes (internal; docs/extract.md, "Mapping"): the store's series
// by Chinese name (exact, then the nearest) when --db is given, the alias tables, and last a
// deterministic code made from the phrase.

#include <string>
#include <string_view>
#include <vector>

#include "extract/candidate.hpp"
#include "extract/extract.hpp"
#include "extract/internal/aliases.hpp"

namespace ixdb::extract::internal {

// The form of a name that matching compares: no spaces, quotes or bracketed notes (（FDI）),
// no scope or manner words (全市, 同比, 平均, 持续...), one spelling of each change word
// (增速, 增幅 -> 增长; 涨幅 -> 上涨; 降幅 -> 下降) and 规上 -> 规模以上.
std::string MatchForm(std::string_view name);

// zh_ and eight hex digits of a 32-bit FNV-1a hash of MatchForm(name): the same phrase always
// gets the same code.
std::string FallbackCode(std::string_view name);

struct MappedSeries {
  std::string code;
  Mapping how = Mapping::kFallback;
  // The series' unit when known (the store's, or the alias table's); empty otherwise.
  std::string unit;
  const CatalogEntry* store = nullptr;  // the store's series, for store mappings
};

class IndicatorMapper {
 public:
  // `catalog` must outlive the mapper.
  IndicatorMapper(const std::vector<CatalogEntry>* catalog, std::vector<Alias> aliases);

  // The series for an indicator phrase whose value is in `unit` ("" for a qualitative
  // target: any series). A match is taken only when the units are convertible.
  MappedSeries Map(std::string_view name, std::string_view unit) const;

 private:
  struct Named {
    std::string form;   // MatchForm of the name
    size_t length = 0;  // code points of form
    std::string code;
    std::string unit;
    const CatalogEntry* store = nullptr;
  };
  const Named* Exact(const std::vector<Named>& table, const std::string& form,
                     std::string_view unit) const;
  const Named* Nearest(const std::vector<Named>& table, const std::string& form,
                       std::string_view unit) const;

  std::vector<Named> store_;
  std::vector<Named> aliases_;
};

}  // namespace ixdb::extract::internal
