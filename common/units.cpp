#include "common/units.hpp"

#include <array>
#include <utility>

namespace ixdb {

UnitInfo ParseUnit(std::string_view text) {
  UnitInfo info;
  info.text = std::string(text);
  if (text == "%" || text == "％" || text == "percent") {
    info.base = "%";
    info.percent = true;
    return info;
  }
  if (text == "pp" || text == "百分点" || text == "个百分点") {
    info.base = "pp";
    info.percentage_points = true;
    return info;
  }
  // Longest prefix first. 千/百 alone are not stripped: 千伏安, 千米 are units of their own.
  static constexpr std::array<std::pair<std::string_view, double>, 5> kPrefixes = {{
      {"万亿", 1e12}, {"千万", 1e7}, {"百万", 1e6}, {"亿", 1e8}, {"万", 1e4}}};
  for (const auto& [prefix, scale] : kPrefixes) {
    if (text.size() > prefix.size() && text.substr(0, prefix.size()) == prefix) {
      info.base = std::string(text.substr(prefix.size()));
      info.scale = scale;
      return info;
    }
  }
  info.base = std::string(text);
  return info;
}

Result<double> UnitConversionFactor(std::string_view from, std::string_view to) {
  UnitInfo a = ParseUnit(from), b = ParseUnit(to);
  if (a.base != b.base) {
    return Status::InvalidArgument("cannot convert " +
                                   (from.empty() ? std::string("(no unit)") : std::string(from)) +
                                   " to " + (to.empty() ? std::string("(no unit)") : std::string(to)) +
                                   ": they measure different things");
  }
  return a.scale / b.scale;
}

}  // namespace ixdb
