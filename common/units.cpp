#include "common/units.hpp"

#include <array>
#include <utility>

namespace ixdb {

namespace {

// Chinese scale prefixes, longest first so that 十亿 is not read as 十 + 亿元. Prefixes stack
// (万千瓦 = 10^4 千瓦 = 10^7 瓦), so 千瓦, 万千瓦 and 亿千瓦时 all reduce to one base.
constexpr std::array<std::pair<std::string_view, double>, 11> kPrefixes = {{
    {"万亿", 1e12},
    {"千亿", 1e11},
    {"百亿", 1e10},
    {"十亿", 1e9},
    {"千万", 1e7},
    {"百万", 1e6},
    {"亿", 1e8},
    {"万", 1e4},
    {"千", 1e3},
    {"百", 1e2},
    {"十", 1e1},
}};

// One simple unit (no '/'): its prefixes stripped while something remains after them.
void ParseSimple(std::string_view text, std::string* base, double* scale) {
  *scale = 1;
  bool stripped = true;
  while (stripped) {
    stripped = false;
    for (const auto& [prefix, factor] : kPrefixes) {
      if (text.size() > prefix.size() && text.substr(0, prefix.size()) == prefix) {
        text.remove_prefix(prefix.size());
        *scale *= factor;
        stripped = true;
        break;
      }
    }
  }
  *base = std::string(text);
}

}  // namespace

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
  // A compound unit (亿元/万人, 个/万人, 元/人/年): each part with its own prefixes; the scale is
  // the numerator's over the denominators' (亿元/万人 = 10^4 元/人).
  size_t begin = 0;
  bool first = true;
  while (true) {
    const size_t slash = text.find('/', begin);
    const std::string_view part = text.substr(
        begin, slash == std::string_view::npos ? std::string_view::npos : slash - begin);
    std::string base;
    double scale = 1;
    ParseSimple(part, &base, &scale);
    if (first) {
      info.base = base;
      info.scale = scale;
      first = false;
    } else {
      info.base += "/" + base;
      info.scale /= scale;
    }
    if (slash == std::string_view::npos) break;
    begin = slash + 1;
  }
  return info;
}

Result<double> UnitConversionFactor(std::string_view from, std::string_view to) {
  UnitInfo a = ParseUnit(from), b = ParseUnit(to);
  if (a.base != b.base) {
    return Status::InvalidArgument(
        "cannot convert " + (from.empty() ? std::string("(no unit)") : std::string(from)) + " to " +
        (to.empty() ? std::string("(no unit)") : std::string(to)) +
        ": they measure different things");
  }
  return a.scale / b.scale;
}

}  // namespace ixdb
