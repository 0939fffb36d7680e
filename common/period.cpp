#include "common/period.hpp"

#include <cstdio>

#include "common/strings.hpp"

namespace ixdb {

const char* FrequencyName(Frequency f) {
  switch (f) {
    case Frequency::kAnnual:
      return "annual";
    case Frequency::kQuarterly:
      return "quarterly";
    case Frequency::kMonthly:
      return "monthly";
  }
  return "?";
}

namespace {

// A tiny cursor over the period text. Chinese tokens are matched as UTF-8 byte strings.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return pos_ == s_.size(); }
  bool Eat(std::string_view token) {
    if (s_.substr(pos_, token.size()) == token) {
      pos_ += token.size();
      return true;
    }
    return false;
  }
  bool EatCi(char c) {  // one ASCII letter, either case
    if (pos_ < s_.size() && (s_[pos_] == c || s_[pos_] == c - 'a' + 'A')) {
      ++pos_;
      return true;
    }
    return false;
  }
  // Reads 1..max_digits ASCII digits; returns -1 if none.
  int Number(int max_digits, int* ndigits = nullptr) {
    int v = 0, n = 0;
    while (pos_ < s_.size() && n < max_digits && s_[pos_] >= '0' && s_[pos_] <= '9') {
      v = v * 10 + (s_[pos_++] - '0');
      ++n;
    }
    if (ndigits) *ndigits = n;
    return n == 0 ? -1 : v;
  }
  // A Chinese numeral 一..十二 or ASCII digits.
  int Numeral() {
    static constexpr std::string_view kDigits[] = {"十二", "十一", "十", "一", "二", "两", "三",
                                                   "四",   "五",   "六", "七", "八", "九"};
    static constexpr int kValues[] = {12, 11, 10, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9};
    for (size_t i = 0; i < std::size(kDigits); ++i) {
      if (Eat(kDigits[i])) return kValues[i];
    }
    return Number(2);
  }
  bool EatDash() {
    return Eat("-") || Eat("—") || Eat("–") || Eat("～") || Eat("~") || Eat("至") || Eat("－");
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

Status Bad(std::string_view text, const std::string& why) {
  return Status::InvalidArgument("bad period '" + std::string(text) + "'" +
                                 (why.empty() ? std::string() : ": " + why));
}

ParsedPeriod SecondHalf(int year) {
  return ParsedPeriod{Period::Quarter(year, 4), false, Period::Quarter(year, 3)};
}

constexpr const char* kForms =
    "expected e.g. 2023, 2023Q3, 2023-07, 2023M07, 2023H1, 2023Q1-Q3, 2023M01-M05";

}  // namespace

Result<Frequency> ParseFrequency(std::string_view text) {
  std::string t = Lower(text);
  if (t == "annual" || t == "a" || t == "year" || t == "yearly" || t == "y" || t == "年" ||
      t == "年度")
    return Frequency::kAnnual;
  if (t == "quarterly" || t == "q" || t == "quarter" || t == "季" || t == "季度")
    return Frequency::kQuarterly;
  if (t == "monthly" || t == "m" || t == "month" || t == "月" || t == "月度")
    return Frequency::kMonthly;
  return Status::InvalidArgument("unknown frequency '" + std::string(text) +
                                 "' (expected annual, quarterly or monthly)");
}

Result<ParsedPeriod> ParsePeriod(std::string_view text) {
  Cursor c(text);
  int ndigits = 0;
  int year = c.Number(4, &ndigits);
  if (ndigits != 4) return Bad(text, kForms);
  if (year < 1000) return Bad(text, "year out of range");
  const bool chinese = c.Eat("年");
  auto quarter = [&](int q, bool span) -> Result<ParsedPeriod> {
    if (q < 1 || q > 4) return Bad(text, "quarter must be 1-4");
    return ParsedPeriod{Period::Quarter(year, q), span};
  };
  auto month = [&](int m, bool span) -> Result<ParsedPeriod> {
    if (m < 1 || m > 12) return Bad(text, "month must be 1-12");
    return ParsedPeriod{Period::Month(year, m), span};
  };
  if (c.done()) return ParsedPeriod{Period::Annual(year), false};

  if (chinese) {
    if (c.Eat("全年") && c.done()) return ParsedPeriod{Period::Annual(year), false};
    if (c.Eat("上半年") && c.done()) return quarter(2, true);
    if (c.Eat("下半年") && c.done()) return SecondHalf(year);
    if (c.Eat("前")) {  // 前三季度
      int q = c.Numeral();
      if (q > 0 && c.Eat("季度") && c.done()) return quarter(q, true);
      return Bad(text, kForms);
    }
    c.Eat("第");
    int first = c.Numeral();
    if (first < 0) return Bad(text, kForms);
    if (c.Eat("季度") && c.done()) return quarter(first, false);
    if (c.Eat("月") && c.done()) return month(first, false);
    if (c.EatDash()) {  // 1-5月
      int last = c.Numeral();
      if (last > 0 && c.Eat("月") && c.done()) {
        if (first != 1) return Bad(text, "a year-to-date span must start in month 1");
        if (last < first) return Bad(text, "span ends before it starts");
        return month(last, true);
      }
    }
    return Bad(text, kForms);
  }

  const bool dash = c.EatDash();
  if (c.EatCi('q')) {
    int q = c.Number(1);
    if (q < 0) return Bad(text, kForms);
    if (c.done()) return quarter(q, false);
    if (c.EatDash() && c.EatCi('q')) {
      int last = c.Number(1);
      if (last > 0 && c.done()) {
        if (q != 1) return Bad(text, "a year-to-date span must start with Q1");
        if (last < q) return Bad(text, "span ends before it starts");
        return quarter(last, true);
      }
    }
    return Bad(text, kForms);
  }
  if (c.EatCi('h') || c.EatCi('s')) {
    int h = c.Number(1);
    if (h == 1 && c.done()) return quarter(2, true);
    if (h == 2 && c.done()) return SecondHalf(year);
    return Bad(text, kForms);
  }
  const bool m_letter = c.EatCi('m');
  if (!dash && !m_letter) return Bad(text, kForms);
  int m = c.Number(2, &ndigits);
  if (m < 0 || (!m_letter && ndigits != 2)) return Bad(text, kForms);
  if (c.done()) return month(m, false);
  if (c.EatDash()) {
    const bool m2_letter = c.EatCi('m');
    if (!m_letter && !m2_letter)
      return Bad(text, "looks like a date; periods are 2023-07 or 2023M01-M05");
    int last = c.Number(2);
    if (last > 0 && c.done()) {
      if (m != 1) return Bad(text, "a year-to-date span must start in month 01");
      if (last < m) return Bad(text, "span ends before it starts");
      return month(last, true);
    }
  }
  return Bad(text, kForms);
}

Result<Period> ResolvePeriod(const ParsedPeriod& parsed, Frequency series_freq, bool cumulative,
                             std::string_view series_code, uint8_t* extent) {
  const Period& p = parsed.period;
  if (extent != nullptr) *extent = 0;
  std::string who =
      series_code.empty() ? std::string("the series") : "series " + std::string(series_code);
  if (parsed.first) {
    return Status::InvalidArgument("the second half-year " + std::to_string(p.year()) +
                                   "H2 (Jul-Dec) is not a period of " + who + "; use " +
                                   std::to_string(p.year()) + "Q3 and " + std::to_string(p.year()) +
                                   "Q4, or the full year and H1");
  }
  if (p.freq == series_freq) {
    if (parsed.span && !cumulative && extent != nullptr && p.freq == Frequency::kMonthly &&
        p.sub() == 2) {
      *extent = 1;  // 1-2月 published combined: one two-month period
      return p;
    }
    if (parsed.span && !cumulative) {
      return Status::InvalidArgument("period " + FormatPeriod(p, true) +
                                     " is a year-to-date span but " + who + " is not cumulative");
    }
    return p;
  }
  if (cumulative && p.freq == Frequency::kAnnual && series_freq != Frequency::kAnnual) {
    // A bare year in a cumulative series is the full-year span.
    return Period{series_freq,
                  p.index * PeriodsPerYear(series_freq) + PeriodsPerYear(series_freq) - 1};
  }
  if (cumulative && p.freq == Frequency::kQuarterly && series_freq == Frequency::kMonthly) {
    // A quarter of a year-to-date monthly series: the span ending with its last month.
    return Period::Month(p.year(), p.sub() * 3);
  }
  return Status::InvalidArgument("period " + FormatPeriod(p, parsed.span) + " is " +
                                 FrequencyName(p.freq) + " but " + who + " is " +
                                 FrequencyName(series_freq));
}

std::string FormatPeriod(Period p, bool cumulative) {
  char buf[32];
  const int y = p.year();
  const int s = p.sub();
  switch (p.freq) {
    case Frequency::kAnnual:
      std::snprintf(buf, sizeof buf, "%d", y);
      break;
    case Frequency::kQuarterly:
      if (!cumulative || s == 1) {
        std::snprintf(buf, sizeof buf, "%dQ%d", y, s);
      } else if (s == 2) {
        std::snprintf(buf, sizeof buf, "%dH1", y);
      } else {
        std::snprintf(buf, sizeof buf, "%dQ1-Q%d", y, s);
      }
      break;
    case Frequency::kMonthly:
      if (!cumulative) {
        std::snprintf(buf, sizeof buf, "%d-%02d", y, s);
      } else if (s == 1) {
        std::snprintf(buf, sizeof buf, "%dM01", y);
      } else {
        std::snprintf(buf, sizeof buf, "%dM01-M%02d", y, s);
      }
      break;
  }
  return buf;
}

}  // namespace ixdb
