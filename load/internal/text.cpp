#include "load/internal/text.hpp"

#include <iconv.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace ixdb::load::internal {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Strips one footnote mark from the end of `s`; returns false if there is none.
bool StripFootnote(std::string_view* s, FootnoteStatus* status) {
  std::string_view t = Trim(*s);
  if (t.empty()) return false;
  const char last = t.back();
  if (last == '*' || last == '#') {
    *s = t.substr(0, t.size() - 1);
    return true;
  }
  for (std::string_view mark : {std::string_view("†"), std::string_view("‡")}) {
    if (t.ends_with(mark)) {
      *s = t.substr(0, t.size() - mark.size());
      return true;
    }
  }
  // Circled numbers ① (U+2460) .. ⑳ (U+2473): E2 91 A0 .. E2 91 B3.
  if (t.size() >= 3) {
    const auto* u = reinterpret_cast<const unsigned char*>(t.data() + t.size() - 3);
    if (u[0] == 0xE2 && u[1] == 0x91 && u[2] >= 0xA0 && u[2] <= 0xB3) {
      *s = t.substr(0, t.size() - 3);
      return true;
    }
  }
  if (last == ']') {
    size_t open = t.rfind('[');
    if (open != std::string_view::npos && open > 0) {
      std::string_view inner = t.substr(open + 1, t.size() - open - 2);
      bool ok = !inner.empty() && inner.size() <= 3;
      for (char c : inner) {
        ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
      }
      if (ok) {
        *s = t.substr(0, open);
        return true;
      }
    }
  }
  if (last == ')' && t.size() >= 4 && t[t.size() - 3] == '(') {
    const char c = t[t.size() - 2];
    FootnoteStatus st = FootnoteStatus::kNone;
    if (c == 'p' || c == 'P') st = FootnoteStatus::kPreliminary;
    if (c == 'e' || c == 'E') st = FootnoteStatus::kEstimate;
    if (c == 'r' || c == 'R') st = FootnoteStatus::kRevised;
    if (st != FootnoteStatus::kNone) {
      if (status) *status = st;
      *s = t.substr(0, t.size() - 3);
      return true;
    }
  }
  return false;
}

constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// [+-]?digits[.digits] with at most 18 digits: the digits as an integer divided by a power of
// ten. Both are exact doubles (< 2^53 and <= 1e22), so the one division is correctly rounded:
// the same result as from_chars, much faster. Returns false for anything else.
bool FastDecimal(std::string_view t, double* value) {
  size_t i = 0;
  const size_t n = t.size();
  bool neg = false;
  if (i < n && (t[i] == '-' || t[i] == '+')) {
    neg = t[i] == '-';
    ++i;
  }
  uint64_t m = 0;
  int digits = 0, frac = 0;
  while (i < n && IsDigit(t[i])) {
    m = m * 10 + static_cast<uint64_t>(t[i++] - '0');
    ++digits;
  }
  if (i < n && t[i] == '.') {
    ++i;
    while (i < n && IsDigit(t[i])) {
      m = m * 10 + static_cast<uint64_t>(t[i++] - '0');
      ++digits;
      ++frac;
    }
  }
  if (i != n || digits == 0 || digits > 18 || m >= (1ULL << 53)) return false;
  const double v = static_cast<double>(m) / kPow10[frac];
  *value = neg ? -v : v;
  return true;
}

// Plain decimal: [+-]?(digits[.digits]|.digits)([eE][+-]?digits)?, whole string.
bool ParsePlain(std::string_view t, double* value) {
  if (t.empty()) return false;
  if (FastDecimal(t, value)) return true;
  size_t i = 0;
  bool plus = false;
  if (t[0] == '+') {
    plus = true;
    i = 1;
  } else if (t[0] == '-') {
    i = 1;
  }
  if (i >= t.size() || !(IsDigit(t[i]) || t[i] == '.')) return false;
  const char* first = t.data() + (plus ? 1 : 0);
  const char* last = t.data() + t.size();
  double v;
  auto [ptr, ec] = std::from_chars(first, last, v, std::chars_format::general);
  if (ec != std::errc() || ptr != last) return false;
  *value = v;
  return true;
}

// "20,011.65": the integer part in groups of three separated by commas.
bool ParseGrouped(std::string_view t, double* value) {
  std::string clean;
  clean.reserve(t.size());
  size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) clean += t[i++];
  size_t group = 0;
  bool first_group = true;
  for (; i < t.size() && (IsDigit(t[i]) || t[i] == ','); ++i) {
    if (t[i] == ',') {
      if ((first_group && (group == 0 || group > 3)) || (!first_group && group != 3)) return false;
      first_group = false;
      group = 0;
    } else {
      clean += t[i];
      ++group;
    }
  }
  if (first_group || group != 3) return false;  // no comma, or a last group not of three
  clean.append(t.substr(i));
  return ParsePlain(clean, value);
}

}  // namespace

bool IsMissingMarker(std::string_view cell) {
  std::string_view t = Trim(cell);
  if (t.empty()) return true;
  for (std::string_view m : {"-", "--", "—", "——", "..", "...", "…", "……"}) {
    if (t == m) return true;
  }
  return EqualsIgnoreCase(t, "na") || EqualsIgnoreCase(t, "n/a");
}

bool ParseNumber(std::string_view cell, double* value, FootnoteStatus* footnote) {
  std::string_view t = Trim(cell);
  if (t.empty()) return false;
  // Fast path: the cell is a plain number.
  if (ParsePlain(t, value)) return true;
  FootnoteStatus st = FootnoteStatus::kNone;
  for (int guard = 0; guard < 8; ++guard) {
    if (StripFootnote(&t, &st)) continue;
    t = Trim(t);
    if (!t.empty() && t.back() == '%') {
      t.remove_suffix(1);
      continue;
    }
    break;
  }
  t = Trim(t);
  double v;
  if (ParsePlain(t, &v) || ParseGrouped(t, &v)) {
    *value = v;
    if (footnote) *footnote = st;
    return true;
  }
  return false;
}

Result<ParsedPeriod> ParsePeriodFast(std::string_view t) {
  if (t.size() >= 4 && t.size() <= 7 && IsDigit(t[0]) && IsDigit(t[1]) && IsDigit(t[2]) &&
      IsDigit(t[3]) && t[0] != '0') {
    const int year = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
    if (t.size() == 4) return ParsedPeriod{Period::Annual(year), false};
    if (t.size() == 6 && (t[4] == 'Q' || t[4] == 'q') && t[5] >= '1' && t[5] <= '4') {
      return ParsedPeriod{Period::Quarter(year, t[5] - '0'), false};
    }
    if (t.size() == 7 && (t[4] == '-' || t[4] == 'M' || t[4] == 'm') && IsDigit(t[5]) &&
        IsDigit(t[6])) {
      const int m = (t[5] - '0') * 10 + (t[6] - '0');
      if (m >= 1 && m <= 12) return ParsedPeriod{Period::Month(year, m), false};
    }
  }
  return ParsePeriod(t);
}

Result<Date> ParseDateFast(std::string_view t) {
  if (t.size() == 10 && t[4] == '-' && t[7] == '-') {
    bool digits = true;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) digits = digits && IsDigit(t[i]);
    if (digits) {
      const int y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
      const unsigned m = (t[5] - '0') * 10 + (t[6] - '0');
      const unsigned d = (t[8] - '0') * 10 + (t[9] - '0');
      static constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
      if (y >= 1000 && m >= 1 && m <= 12 && d >= 1 &&
          d <= (m == 2 ? (leap ? 29u : 28u) : kDays[m - 1])) {
        return DateFromYmd(y, m, d);
      }
    }
  }
  return ParseDate(t);
}

bool ParseBool(std::string_view text, bool* value) {
  std::string_view t = Trim(text);
  for (std::string_view s : {"true", "yes", "y", "1", "是", "t"}) {
    if (EqualsIgnoreCase(t, s)) {
      *value = true;
      return true;
    }
  }
  for (std::string_view s : {"false", "no", "n", "0", "否", "f"}) {
    if (EqualsIgnoreCase(t, s)) {
      *value = false;
      return true;
    }
  }
  return false;
}

bool Gb18030ToUtf8(std::string_view in, std::string* out, size_t* bad_offset) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    *bad_offset = 0;
    return false;
  }
  out->clear();
  out->resize(in.size() * 3 / 2 + 16);
  char* src = const_cast<char*>(in.data());
  size_t src_left = in.size();
  size_t done = 0;
  bool ok = true;
  while (src_left > 0) {
    char* dst = out->data() + done;
    size_t dst_left = out->size() - done;
    size_t r = iconv(cd, &src, &src_left, &dst, &dst_left);
    done = out->size() - dst_left;
    if (r == static_cast<size_t>(-1)) {
      if (errno == E2BIG) {
        out->resize(out->size() * 2 + 64);
        continue;
      }
      ok = false;  // EILSEQ (undecodable) or EINVAL (truncated at the end)
      *bad_offset = in.size() - src_left;
      break;
    }
  }
  out->resize(done);
  iconv_close(cd);
  return ok;
}

void LineAndField(std::string_view text, size_t offset, uint64_t* line, uint32_t* field) {
  uint64_t l = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++l;
      line_start = i + 1;
    }
  }
  uint32_t f = 1;
  for (size_t i = line_start; i < offset && i < text.size(); ++i) {
    if (text[i] == ',') ++f;
  }
  *line = l;
  *field = f;
}

bool CsvReader::Next(std::vector<std::string_view>* fields, std::string* error,
                     uint32_t* error_field) {
  fields->clear();
  const size_t n = text_.size();
  // Skip empty lines.
  while (pos_ < n) {
    if (text_[pos_] == '\n') {
      ++pos_;
      ++line_;
    } else if (text_[pos_] == '\r' && pos_ + 1 < n && text_[pos_ + 1] == '\n') {
      pos_ += 2;
      ++line_;
    } else {
      break;
    }
  }
  if (pos_ >= n) return false;
  record_line_ = line_;
  record_begin_ = pos_;
  const char* base = text_.data();
  const char* p = base + pos_;
  const char* end = base + n;
  const char* eol = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
  if (eol == nullptr) eol = end;
  if (no_quotes_ || std::memchr(p, '"', static_cast<size_t>(eol - p)) == nullptr) {
    const char* line_end = eol;
    if (line_end > p && line_end[-1] == '\r') --line_end;
    const char* f = p;
    while (true) {
      const char* c =
          static_cast<const char*>(std::memchr(f, ',', static_cast<size_t>(line_end - f)));
      if (c == nullptr) {
        fields->emplace_back(f, static_cast<size_t>(line_end - f));
        break;
      }
      fields->emplace_back(f, static_cast<size_t>(c - f));
      f = c + 1;
    }
    record_end_ = static_cast<size_t>(line_end - base);
    if (eol == end) {
      pos_ = n;
    } else {
      pos_ = static_cast<size_t>(eol - base) + 1;
      ++line_;
    }
    return true;
  }
  return SlowRecord(fields, error, error_field);
}

bool CsvReader::SlowRecord(std::vector<std::string_view>* fields, std::string* error,
                           uint32_t* error_field) {
  const size_t n = text_.size();
  spans_.clear();
  scratch_.clear();
  size_t i = pos_;
  auto fail = [&](std::string msg) {
    *error = std::move(msg);
    *error_field = static_cast<uint32_t>(spans_.size());  // the quoted field just read
    // Resynchronise at the next line break.
    while (i < n && text_[i] != '\n') ++i;
    record_end_ = i;
    if (i < n) {
      ++line_;
      ++i;
    }
    pos_ = i;
    fields->clear();
    return false;
  };
  while (true) {
    if (i < n && text_[i] == '"') {
      ++i;
      const size_t begin = scratch_.size();
      while (true) {
        if (i >= n) {
          i = n;
          *error = "unterminated quoted field (a \" opened here is never closed)";
          *error_field = static_cast<uint32_t>(spans_.size() + 1);
          record_end_ = n;
          pos_ = n;
          fields->clear();
          return false;
        }
        const char c = text_[i];
        if (c == '"') {
          if (i + 1 < n && text_[i + 1] == '"') {
            scratch_ += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (c == '\n') ++line_;
        scratch_ += c;
        ++i;
      }
      spans_.push_back({true, begin, scratch_.size() - begin});
      while (i < n && (text_[i] == ' ' || text_[i] == '\t')) ++i;
      if (i >= n) break;
      if (text_[i] == ',') {
        ++i;
        continue;
      }
      if (text_[i] == '\n' || (text_[i] == '\r' && i + 1 < n && text_[i + 1] == '\n')) break;
      return fail("unexpected text after a closing quote (quotes inside a field must be doubled)");
    }
    const size_t b = i;
    while (i < n && text_[i] != ',' && text_[i] != '\n') ++i;
    size_t e = i;
    if (e > b && text_[e - 1] == '\r' && (i >= n || text_[i] == '\n')) --e;
    spans_.push_back({false, b, e - b});
    if (i < n && text_[i] == ',') {
      ++i;
      continue;
    }
    break;
  }
  // i is at the end, at '\n', or at "\r\n".
  record_end_ = i;
  if (i < n && text_[i] == '\r') ++i;
  if (i < n && text_[i] == '\n') {
    ++i;
    ++line_;
  }
  pos_ = i;
  for (const Span& s : spans_) {
    fields->emplace_back(s.scratch ? std::string_view(scratch_).substr(s.begin, s.size)
                                   : text_.substr(s.begin, s.size));
  }
  return true;
}

}  // namespace ixdb::load::internal
