#include "load/internal/text.hpp"

#include <catch2/catch.hpp>
#include <cmath>

using namespace ixdb;
using namespace ixdb::load::internal;

TEST_CASE("ParseNumber: forms as published", "[load]") {
  const std::pair<const char*, double> good[] = {
      {"20011.65", 20011.65},
      {"-3", -3},
      {"+2", 2},
      {"1.5e3", 1500},
      {".5", 0.5},
      {"20,011.65", 20011.65},
      {"1,234,567", 1234567},
      {" 7 ", 7},
      {"5.5%", 5.5},
      {"48*", 48},
      {"48**", 48},
      {"6†", 6},
      {"6‡", 6},
      {"6#", 6},
      {"99.4①", 99.4},
      {"99.4⑳", 99.4},
      {"1.45[1]", 1.45},
      {"1.45[a]", 1.45},
      {"3 [12]", 3},
      {"5.2(p)", 5.2},
      {"5.2 (E)", 5.2},
      {"-1,000.5", -1000.5},
      {"7　", 7},
  };
  for (const auto& [cell, want] : good) {
    double v = NAN;
    INFO(cell);
    REQUIRE(ParseNumber(cell, &v));
    REQUIRE(v == want);
  }
  const char* bad[] = {"",    "abc",  "1,23",       "12,3456", ",123",   "1..2",     "inf", "nan",
                       "1 2", "0x10", "1.45[abcd]", "(p)",     "5.2(x)", "1,234,56", "--1"};
  for (const char* cell : bad) {
    double v = 42;
    INFO(cell);
    REQUIRE_FALSE(ParseNumber(cell, &v));
    REQUIRE(v == 42);
  }
  FootnoteStatus f = FootnoteStatus::kNone;
  double v;
  REQUIRE(ParseNumber("5.2(p)", &v, &f));
  REQUIRE(f == FootnoteStatus::kPreliminary);
  REQUIRE(ParseNumber("5.2(e)*", &v, &f));
  REQUIRE(f == FootnoteStatus::kEstimate);
  REQUIRE(ParseNumber("5.2(r)", &v, &f));
  REQUIRE(f == FootnoteStatus::kRevised);
}

TEST_CASE("IsMissingMarker: blanks and yearbook dashes", "[load]") {
  for (const char* m : {"", "  ", "-", "--", "—", "..", "...", "…", "NA", "n/a", "N/A"}) {
    INFO(m);
    REQUIRE(IsMissingMarker(m));
  }
  for (const char* m : {"0", "x", "-1", "nan"}) {
    INFO(m);
    REQUIRE_FALSE(IsMissingMarker(m));
  }
}

TEST_CASE("ParsePeriodFast agrees with ParsePeriod", "[load]") {
  for (const char* p :
       {"2023",         "2023Q3",         "2023q1",      "2023-07",   "2023M07",     "2023-Q1",
        "2023-M01",     "2023-S1",        "2023H1",      "2023Q1-Q3", "2023M01-M05", "2023年一季度",
        "2023年上半年", "2023年前三季度", "2023年1-5月", "2023-13",   "2023Q5",      "0999",
        "999",          "2023-1",         "2023M7"}) {
    INFO(p);
    auto a = ParsePeriodFast(p);
    auto b = ParsePeriod(p);
    REQUIRE(a.ok() == b.ok());
    if (a.ok()) {
      REQUIRE(a->period == b->period);
      REQUIRE(a->span == b->span);
    }
  }
}

TEST_CASE("ParseDateFast agrees with ParseDate", "[load]") {
  for (const char* d : {"2024-01-20", "2024-02-29", "2023-02-29", "2024-13-01", "2024-00-10",
                        "2024/01/20", "20240120", "2024-1-20", "abcd-ef-gh", "0999-01-01"}) {
    INFO(d);
    auto a = ParseDateFast(d);
    auto b = ParseDate(d);
    REQUIRE(a.ok() == b.ok());
    if (a.ok()) REQUIRE(a->days == b->days);
  }
}

TEST_CASE("CsvReader: RFC 4180 quoting, CRLF, empty lines, line numbers", "[load]") {
  const std::string text =
      "a,b,c\r\n"
      "\r\n"
      "1,\"x, y\",\"say \"\"hi\"\"\"\r\n"
      "2,\"two\nlines\",z\n"
      "3,,\n"
      "4,last,no-newline";
  CsvReader r(text);
  std::vector<std::string_view> f;
  std::string err;
  uint32_t ef = 0;
  REQUIRE(r.Next(&f, &err, &ef));
  REQUIRE(f == std::vector<std::string_view>{"a", "b", "c"});
  REQUIRE(r.record_line() == 1);
  REQUIRE(r.Next(&f, &err, &ef));
  REQUIRE(r.record_line() == 3);
  REQUIRE(f == std::vector<std::string_view>{"1", "x, y", "say \"hi\""});
  REQUIRE(r.Next(&f, &err, &ef));
  REQUIRE(r.record_line() == 4);
  REQUIRE(f == std::vector<std::string_view>{"2", "two\nlines", "z"});
  REQUIRE(r.Next(&f, &err, &ef));
  REQUIRE(r.record_line() == 6);
  REQUIRE(f == std::vector<std::string_view>{"3", "", ""});
  REQUIRE(r.Next(&f, &err, &ef));
  REQUIRE(r.record_line() == 7);
  REQUIRE(f == std::vector<std::string_view>{"4", "last", "no-newline"});
  REQUIRE_FALSE(r.Next(&f, &err, &ef));
  REQUIRE(err.empty());
}

TEST_CASE("CsvReader: malformed quotes are errors with their field", "[load]") {
  {
    CsvReader r("a,\"b\"x,c\nok,1,2\n");
    std::vector<std::string_view> f;
    std::string err;
    uint32_t ef = 0;
    REQUIRE_FALSE(r.Next(&f, &err, &ef));
    REQUIRE(ef == 2);
    REQUIRE(r.record_line() == 1);
    REQUIRE(err.find("closing quote") != std::string::npos);
    err.clear();
    REQUIRE(r.Next(&f, &err, &ef));
    REQUIRE(r.record_line() == 2);
    REQUIRE(f.size() == 3);
  }
  {
    CsvReader r("h\n1,\"open\n2\n");
    std::vector<std::string_view> f;
    std::string err;
    uint32_t ef = 0;
    REQUIRE(r.Next(&f, &err, &ef));
    REQUIRE_FALSE(r.Next(&f, &err, &ef));
    REQUIRE(r.record_line() == 2);
    REQUIRE(ef == 2);
    REQUIRE(err.find("unterminated") != std::string::npos);
  }
}

TEST_CASE("Encodings: UTF-8 validation and GB18030 conversion", "[load]") {
  REQUIRE(FindInvalidUtf8("plain ascii, 武汉 and more ascii text") == std::string_view::npos);
  REQUIRE(FindInvalidUtf8("abc\xC0\xAF") == 3);              // overlong
  REQUIRE(FindInvalidUtf8("abcdefghij\xED\xA0\x80") == 10);  // surrogate
  REQUIRE(FindInvalidUtf8("\xE6\xAD") == 0);                 // truncated
  // 武汉 in GB18030 is CE E4 BA BA.
  std::string out;
  size_t bad = 0;
  REQUIRE(Gb18030ToUtf8("x,\xCE\xE4\xBA\xBA\n", &out, &bad));
  REQUIRE(out == "x,武汉\n");
  REQUIRE_FALSE(Gb18030ToUtf8("ok\n\xFF\xFF", &out, &bad));
  REQUIRE(bad == 3);
  uint64_t line;
  uint32_t field;
  LineAndField("a,b\nc,d,\xFF", 8, &line, &field);
  REQUIRE(line == 2);
  REQUIRE(field == 3);
}
