#pragma once
// Grammar tables for PEGTL rules (PEGTL contrib_json test style): inputs a rule accepts whole
// and inputs it rejects. Used by the grammar tests of query/ and extract/.

#include <catch2/catch.hpp>
#include <string>
#include <tao/pegtl.hpp>
#include <vector>

namespace ixdb::test {

// True when `Rule` matches the whole of `text` (a must<> that raises is a rejection).
template <typename Rule>
bool Matches(const std::string& text) {
  tao::pegtl::memory_input<> in(text, "test");
  try {
    return tao::pegtl::parse<tao::pegtl::seq<Rule, tao::pegtl::eof>>(in);
  } catch (const tao::pegtl::parse_error&) {
    return false;
  }
}

// Checks that `Rule` accepts each of `good` and rejects each of `bad`, naming the input that
// fails.
template <typename Rule>
void CheckTable(const std::vector<std::string>& good, const std::vector<std::string>& bad) {
  for (const auto& s : good) {
    INFO("should accept: '" << s << "'");
    CHECK(Matches<Rule>(s));
  }
  for (const auto& s : bad) {
    INFO("should reject: '" << s << "'");
    CHECK_FALSE(Matches<Rule>(s));
  }
}

}  // namespace ixdb::test
