#pragma once
// Units as written in Chinese statistics (亿元, 万人, 万家, %, 个/万人...) and their scale.
// DOMAIN.md §1: "经济总量突破2万亿元" and "20011.65亿元" are the same quantity in two units.
// A unit is scale prefixes (十 百 千 万 百万 千万 亿 十亿 百亿 千亿 万亿; they stack: 十万人,
// 万千瓦) followed by a base (元, 人, 家, 美元, 平方公里...), or a quotient of such units
// (亿元/万人, 个/万人: the base 元/人 with scale 10^4). Two units are convertible when their bases
// are equal. docs/domain.md, "Units".

#include <string>
#include <string_view>

#include "common/status.hpp"

namespace ixdb {

struct UnitInfo {
  std::string text;                // as written, e.g. "亿元"
  std::string base;                // e.g. "元"; for percent "%"
  double scale = 1;                // e.g. 1e8; for 亿元/万人 1e4 (base 元/人)
  bool percent = false;            // "%": a rate, share or growth rate
  bool percentage_points = false;  // "pp" / "百分点"
};

// Never fails: an unknown unit is its own base with scale 1. Empty text is "no unit".
UnitInfo ParseUnit(std::string_view text);

// Factor f such that value_in_from * f = value_in_to, or InvalidArgument naming both units
// when they measure different things (e.g. % and 亿元).
Result<double> UnitConversionFactor(std::string_view from, std::string_view to);

}  // namespace ixdb
