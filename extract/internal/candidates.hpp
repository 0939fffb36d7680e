#pragma once
// From sentences to candidates (internal): reads every sentence of the layout with the grammar
// and decides, for each fact, its indicator phrase, period, kind (observation or target),
// comparator or qualifier, status and source phrase. Codes are chosen later (mapping.hpp).

#include <functional>
#include <string_view>
#include <vector>

#include "extract/candidate.hpp"
#include "extract/internal/layout.hpp"

namespace ixdb::extract::internal {

struct Proposal {
  Candidate candidate;      // indicator still empty; offset/length in bytes until Finish
  std::string series_unit;  // the unit of the series it was mapped to, when known
};

// True when an indicator phrase names a known series (the store's or an alias).
using KnownIndicator = std::function<bool(std::string_view name)>;

// Every fact of `text` (normalised) in text order. A qualitative target naming several known
// indicators (A和B完成省下达的任务) becomes one target for each. Never fails.
std::vector<Proposal> ReadCandidates(std::string_view text, const Layout& layout,
                                     const KnownIndicator& known);

}  // namespace ixdb::extract::internal
