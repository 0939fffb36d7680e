#include "common/status.hpp"

#include <catch2/catch.hpp>

namespace ixdb {

TEST_CASE("Status: codes, messages and ToString", "[common]") {
  CHECK(Status::OK().ok());
  CHECK(Status::OK().ToString() == "OK");
  struct Case {
    Status s;
    const char* text;
  };
  const Case cases[] = {
      {Status::NotFound("x"), "Not found: x"},
      {Status::InvalidArgument("1:5: bad"), "Invalid argument: 1:5: bad"},
      {Status::IOError("disk"), "IO error: disk"},
      {Status::Corruption("chunk"), "Corruption: chunk"},
      {Status::NotSupported("v9"), "Not supported: v9"},
      {Status::Busy("locked"), "Busy: locked"},
      {Status::LimitExceeded("rows"), "Limit exceeded: rows"},
      {Status::Cancelled("the query was cancelled"), "Cancelled: the query was cancelled"},
      {Status::Internal("bug"), "Internal error: bug"},
  };
  for (const auto& c : cases) {
    CHECK_FALSE(c.s.ok());
    CHECK(c.s.ToString() == c.text);
  }
  CHECK(Status::Cancelled("x").IsCancelled());
  CHECK(Status::Internal("x").IsInternal());
  CHECK(Status::NotFound("m").message() == "m");
}

TEST_CASE("Result: a value or a status", "[common]") {
  Result<int> ok = 5;
  REQUIRE(ok.ok());
  CHECK(*ok == 5);
  Result<int> bad = Status::NotFound("no");
  CHECK_FALSE(bad.ok());
  CHECK(bad.status().IsNotFound());
}

}  // namespace ixdb
