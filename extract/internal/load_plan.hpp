#pragma once
// Makes the candidates of one report loadable together (internal; docs/extract.md, "Loading"):
// a fact the text states twice becomes one row; every series has one unit, one name and one
// value per period; observations are written in the series' unit.

#include <string>
#include <vector>

#include "extract/candidate.hpp"
#include "extract/extract.hpp"
#include "extract/internal/candidates.hpp"
#include "extract/internal/mapping.hpp"

namespace ixdb::extract::internal {

struct LoadPlan {
  std::vector<Candidate> candidates;  // repeats removed, codes final
  std::vector<SeriesInfo> series;
  size_t repeats = 0;
  std::vector<std::string> notes;
};

// REQUIRES: every proposal's indicator and mapping are set (by IndicatorMapper).
LoadPlan PlanLoading(std::vector<Proposal> proposals, const std::vector<CatalogEntry>& catalog);

// `value` (a decimal) times `factor`, exactly when the factor is a power of ten:
// ScaleDecimal("2", 1e4) == "20000", ScaleDecimal("20011.65", 1e-4) == "2.001165".
std::string ScaleDecimal(const std::string& value, double factor);

}  // namespace ixdb::extract::internal
