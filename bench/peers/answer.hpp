#pragma once
// An answer of one read as every system gives it: rows of (key text, number), NaN for a missing
// number; and the check that two systems' answers agree (issue 13: same rows, values equal
// within 1e-9 relative).

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace ixdb::bench {

struct Answer {
  std::vector<std::pair<std::string, double>> rows;
};

// True when both have the same keys in the same order and every pair of numbers is equal
// within 1e-9 relative (both missing counts as equal). Otherwise false and *why says where.
inline bool SameAnswer(const Answer& a, const Answer& b, std::string* why) {
  if (a.rows.size() != b.rows.size()) {
    *why = std::to_string(a.rows.size()) + " rows against " + std::to_string(b.rows.size());
    return false;
  }
  for (size_t i = 0; i < a.rows.size(); ++i) {
    const auto& [ka, va] = a.rows[i];
    const auto& [kb, vb] = b.rows[i];
    const bool both_missing = std::isnan(va) && std::isnan(vb);
    const bool close = std::abs(va - vb) <= 1e-9 * std::max(std::abs(va), std::abs(vb));
    if (ka != kb || (!both_missing && !close)) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "row %zu: (%s, %.17g) against (%s, %.17g)", i + 1, ka.c_str(),
                    va, kb.c_str(), vb);
      *why = buf;
      return false;
    }
  }
  return true;
}

// The median of `v` (NaN when empty).
inline double Median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace ixdb::bench
