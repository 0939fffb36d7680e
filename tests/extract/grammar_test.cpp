// Grammar tables: inputs each rule accepts whole and rejects, with real phrasings from plan
// reports and bulletins, plus the grammar analysis.
#include "extract/internal/grammar.hpp"

#include <catch2/catch.hpp>
#include <tao/pegtl/contrib/analyze.hpp>

#include <string>
#include <vector>

namespace ixdb::extract {
namespace {

namespace pegtl = tao::pegtl;
namespace g = grammar;

template <typename Rule>
bool Matches(const std::string& text) {
  pegtl::memory_input<> in(text, "test");
  return pegtl::parse<pegtl::seq<Rule, pegtl::eof>>(in);
}

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

TEST_CASE("Extract grammar: no rule can loop without consuming input", "[extract]") {
  REQUIRE(pegtl::analyze<g::Sentence>() == 0);
}

TEST_CASE("Extract grammar: Number", "[extract]") {
  CheckTable<g::Number>({"6", "0.3", "20011.65", "56,708.71", "1,234,567", "2198"},
                        {"", "1.2.3", "56,70", "1,2345", ".5", "5."});
}

}  // namespace
}  // namespace ixdb::extract
