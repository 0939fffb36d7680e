#pragma once
// How a line of a report opens (internal): heading numbers and list marks. Used by
// normalisation (a heading never continues on the next line) and by the layout (sections).

#include <string>
#include <string_view>

namespace ixdb::extract::internal {

enum class LineOpening {
  kText,        // an ordinary line
  kSection,     // 一、 十二、 第一章 / 第二部分
  kSubsection,  // （一） (二) （3）
  kNumbered,    // 1. 2、 一是
  kListItem,    // - • · ● ◆ ■
  kDash,        // —— (a subtitle, a "——经济总体回升向好。" paragraph)
};

LineOpening OpeningOf(std::u32string_view line);
LineOpening OpeningOf(std::string_view utf8_line);

}  // namespace ixdb::extract::internal
