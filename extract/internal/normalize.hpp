#pragma once
// Normalisation of report text before the grammar reads it (internal). The offsets of
// review.csv are code points of the text this returns, which `--text` writes out as text.txt.
//
// What changes (docs/extract.md, "Normalisation"):
//  - line ends become "\n"; a form feed (a PDF page break) is a paragraph break; byte-order
//    marks and zero-width characters are dropped;
//  - full-width digits, Latin letters and ％ ＋ － ． ／ ～ ［ ］ become ASCII; the ideographic
//    space, no-break and thin spaces become a space; lines are trimmed;
//  - thousands separators go: 56,708.71 -> 56708.71 (groups of exactly three digits);
//  - footnote marks go: [1] [12] (one to three digits), circled ①-⑳, ⑴-⒇, ⒈-⒛, superscript
//    digits;
//  - a line break inside a sentence is removed with the blank lines around it (page breaks
//    of PDF text and of text copied from a PDF): the line before ends without 。！？；：, is
//    not a heading or title (a line opening with 一、 （一） 1. - • —— or a short line without
//    any ，。；、：), and the next line does not open a heading or list item;
//  - spaces between a number and the characters around it go ("6236 个" -> "6236个",
//    "项目 6236" -> "项目6236", "15% 以上" -> "15%以上", "1200 P" -> "1200P"); spaces
//    between two Han characters stay (slogans);
//  - runs of blank lines become one blank line.

#include <string>
#include <string_view>

namespace ixdb::extract::internal {

// REQUIRES: `text` is UTF-8 (an invalid byte becomes U+FFFD).
std::string NormalizeText(std::string_view text);

}  // namespace ixdb::extract::internal
