#pragma once
// REQUIRE_OK prints the Status message when it fails (like RocksDB's ASSERT_OK).
#include <catch2/catch.hpp>

#define REQUIRE_OK(expr)                         \
  do {                                           \
    const auto _s = (expr); /* a copy: expr may be a temporary */ \
    INFO(_s.ToString());                         \
    REQUIRE(_s.ok());                            \
  } while (0)
