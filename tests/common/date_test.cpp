#include "common/date.hpp"

#include <catch2/catch.hpp>

TEST_CASE("Date: parse and format round trip", "[common]") {
  for (const char* text : {"1970-01-01", "2024-01-20", "2024-02-29", "1995-12-31", "2099-01-01"}) {
    auto d = ixdb::ParseDate(text);
    REQUIRE(d.ok());
    CHECK(ixdb::FormatDate(*d) == text);
  }
  CHECK(ixdb::ParseDate("2024/01/28")->days == ixdb::ParseDate("2024-01-28")->days);
  CHECK(ixdb::ParseDate("20240128")->days == ixdb::ParseDate("2024-01-28")->days);
  CHECK(ixdb::ParseDate("1970-01-02")->days == 1);
}

TEST_CASE("Date: impossible dates are rejected", "[common]") {
  for (const char* text :
       {"2023-02-29", "2024-13-01", "2024-00-10", "2024-1-20", "x", "", "2024-01-20x"}) {
    INFO(text);
    CHECK_FALSE(ixdb::ParseDate(text).ok());
  }
}
