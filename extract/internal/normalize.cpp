#include "extract/internal/normalize.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "extract/internal/code_points.hpp"
#include "extract/internal/line_opening.hpp"

namespace ixdb::extract::internal {

namespace {

using Text = std::u32string;

// Full-width forms that matter for numbers and units; other full-width punctuation (，。（）…)
// is how Chinese is written and stays.
char32_t MapFullWidth(char32_t c) {
  if (c >= 0xFF10 && c <= 0xFF19) return c - 0xFF10 + '0';
  if (c >= 0xFF21 && c <= 0xFF3A) return c - 0xFF21 + 'A';
  if (c >= 0xFF41 && c <= 0xFF5A) return c - 0xFF41 + 'a';
  switch (c) {
    case 0xFF05:
      return '%';
    case 0xFF0B:
      return '+';
    case 0xFF0D:
      return '-';
    case 0xFF0E:
      return '.';
    case 0xFF0F:
      return '/';
    case 0xFF5E:
      return '~';
    case 0xFF3B:
      return '[';
    case 0xFF3D:
      return ']';
    default:
      return c;
  }
}

bool IsFootnoteSymbol(char32_t c) {
  return (c >= 0x2460 && c <= 0x2473) ||  // ① - ⑳
         (c >= 0x2474 && c <= 0x2487) ||  // ⑴ - ⒇
         (c >= 0x2488 && c <= 0x249B) ||  // ⒈ - ⒛
         c == 0x00B9 || c == 0x00B2 || c == 0x00B3 || c == 0x2070 || (c >= 0x2074 && c <= 0x2079);
}

bool IsDropped(char32_t c) {
  return c == 0xFEFF || c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0x00AD;
}

Text Decode(std::string_view s) {
  Text out;
  out.reserve(s.size() / 2);
  size_t i = 0;
  while (i < s.size()) {
    char32_t c = DecodeAt(s, &i);
    if (c == '\r') {
      if (i < s.size() && s[i] == '\n') ++i;
      c = '\n';
    }
    if (c == '\f' || c == 0x2029) {  // page break, paragraph separator
      out += U"\n\n";
      continue;
    }
    if (c == 0x2028 || c == 0x0B) c = '\n';
    if (IsDropped(c)) continue;
    if (IsHorizontalSpace(c)) c = ' ';
    out.push_back(MapFullWidth(c));
  }
  return out;
}

// [1], [12], [123] and the footnote symbols.
Text DropFootnoteMarks(const Text& in) {
  Text out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char32_t c = in[i];
    if (IsFootnoteSymbol(c)) continue;
    if (c == '[') {
      size_t j = i + 1;
      while (j < in.size() && j - i <= 3 && IsAsciiDigit(in[j])) ++j;
      if (j > i + 1 && j - i <= 4 && j < in.size() && in[j] == ']') {
        i = j;
        continue;
      }
    }
    out.push_back(c);
  }
  return out;
}

// 56,708.71 -> 56708.71 and 1,234,567 -> 1234567: a first group of one to three digits (not
// after a decimal point), then groups of exactly three.
Text DropThousandsSeparators(const Text& in) {
  Text out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    const bool run_start =
        IsAsciiDigit(in[i]) && (i == 0 || (!IsAsciiDigit(in[i - 1]) && in[i - 1] != '.'));
    if (!run_start) {
      out.push_back(in[i++]);
      continue;
    }
    size_t j = i;
    while (j < in.size() && IsAsciiDigit(in[j])) ++j;
    size_t groups_end = j;
    if (j - i <= 3) {
      size_t k = j;
      while (k + 3 < in.size() && in[k] == ',' && IsAsciiDigit(in[k + 1]) &&
             IsAsciiDigit(in[k + 2]) && IsAsciiDigit(in[k + 3]) &&
             (k + 4 >= in.size() || !IsAsciiDigit(in[k + 4]))) {
        k += 4;
        groups_end = k;
      }
    }
    for (size_t k = i; k < groups_end; ++k) {
      if (in[k] != ',') out.push_back(in[k]);
    }
    i = groups_end;
  }
  return out;
}

bool OpensHeadingOrItem(std::u32string_view line) { return OpeningOf(line) != LineOpening::kText; }

bool IsSentenceEnd(char32_t c) {
  return std::u32string_view(U"。！？；：!?;:…").find(c) != std::u32string_view::npos;
}

bool IsClosing(char32_t c) {
  return std::u32string_view(U"”’」』）)》]】").find(c) != std::u32string_view::npos;
}

// The line ends a sentence (possibly inside closing quotes or brackets).
bool EndsSentence(std::u32string_view line) {
  size_t n = line.size();
  while (n > 0 && IsClosing(line[n - 1])) --n;
  if (n == 0) return false;
  return IsSentenceEnd(line[n - 1]);
}

// Punctuation that continues what came before (，、。％…): a line opening with it is the rest of
// the previous line.
bool CannotOpenParagraph(char32_t c) {
  return std::u32string_view(U"，、。；：！？）」』】》%‰,.;:!?)").find(c) !=
         std::u32string_view::npos;
}

bool HasClausePunctuation(std::u32string_view line) {
  return line.find_first_of(U"，。；、：,;") != std::u32string_view::npos;
}

// A title, heading or signature line: it never continues on the next line.
bool IsHeadingLike(std::u32string_view line) {
  if (OpensHeadingOrItem(line) && line.find(U'。') == std::u32string_view::npos) return true;
  return line.size() <= 40 && !HasClausePunctuation(line);
}

std::u32string_view TrimSpaces(std::u32string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// The length of the lines of typeset text (PDF): the most common line length, when at least a
// fifth of the longer lines have it; 0 when the text is not laid out in lines of one width.
size_t TypesetLineWidth(const std::vector<std::u32string_view>& lines) {
  std::map<size_t, size_t> count;
  size_t long_lines = 0;
  for (auto l : lines) {
    if (l.size() < 10) continue;
    ++long_lines;
    ++count[l.size()];
  }
  size_t best = 0, best_n = 0;
  for (auto [len, n] : count) {
    if (n > best_n) best = len, best_n = n;
  }
  if (best_n >= 5 && best_n * 5 >= long_lines) return best;
  return 0;
}

Text JoinBrokenLines(const Text& in) {
  std::vector<std::u32string_view> lines;
  std::u32string_view all(in);
  size_t start = 0;
  while (start <= all.size()) {
    size_t nl = all.find('\n', start);
    if (nl == std::u32string_view::npos) nl = all.size();
    lines.push_back(TrimSpaces(all.substr(start, nl - start)));
    start = nl + 1;
  }
  const size_t width = TypesetLineWidth(lines);
  Text out;
  out.reserve(in.size());
  Text paragraph_tail;  // the current paragraph as joined so far (for the heading test)
  std::u32string_view last_line;
  bool have_prev = false;
  size_t blank_run = 0;
  for (auto line : lines) {
    if (line.empty()) {
      if (have_prev) ++blank_run;
      continue;
    }
    bool join = false;
    if (have_prev && !EndsSentence(paragraph_tail) && !OpensHeadingOrItem(line)) {
      const bool full_line = width > 0 && last_line.size() + 1 >= width;
      join = full_line || !IsHeadingLike(paragraph_tail) || CannotOpenParagraph(line.front());
    }
    if (join) {
      const char32_t a = out.back(), b = line.front();
      const bool ascii_words = (IsAsciiLetter(a) || IsAsciiDigit(a)) &&
                               (IsAsciiLetter(b) || IsAsciiDigit(b)) &&
                               !(IsAsciiDigit(a) && IsAsciiDigit(b));
      if (ascii_words) out.push_back(' ');
      out.append(line);
      paragraph_tail.append(line);
    } else {
      if (have_prev) out += blank_run > 0 ? U"\n\n" : U"\n";
      out.append(line);
      paragraph_tail.assign(line);
    }
    last_line = line;
    have_prev = true;
    blank_run = 0;
  }
  if (have_prev) out.push_back('\n');
  return out;
}

bool IsNumberEnd(char32_t c) { return IsAsciiDigit(c) || c == '%' || c == U'‰'; }

// Spaces between a number and what surrounds it.
Text DropSpacesAroundNumbers(const Text& in) {
  Text out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    if (in[i] != ' ') {
      out.push_back(in[i++]);
      continue;
    }
    size_t j = i;
    while (j < in.size() && in[j] == ' ') ++j;
    const char32_t a = out.empty() ? '\n' : out.back();
    const char32_t b = j < in.size() ? in[j] : '\n';
    const bool drop = a != '\n' && b != '\n' &&
                      ((IsNumberEnd(a) && !IsAscii(b)) || (!IsAscii(a) && IsAsciiDigit(b)) ||
                       (IsAsciiDigit(a) && (IsAsciiLetter(b) || b == '%')));
    if (!drop) out.append(in, i, j - i);
    i = j;
  }
  return out;
}

}  // namespace

std::string NormalizeText(std::string_view text) {
  Text t = Decode(text);
  t = DropFootnoteMarks(t);
  t = DropThousandsSeparators(t);
  t = JoinBrokenLines(t);
  t = DropSpacesAroundNumbers(t);
  std::string out;
  out.reserve(t.size() * 3);
  for (char32_t c : t) AppendUtf8(&out, c);
  return out;
}

}  // namespace ixdb::extract::internal
