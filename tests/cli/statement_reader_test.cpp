#include "cli/statement_reader.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace ixdb::cli {

TEST_CASE("StatementReader: where statements end", "[cli]") {
  struct Case {
    std::vector<std::string> lines;
    std::vector<std::string> statements;  // completed after the lines, in order
    bool pending_at_end;
  };
  const Case cases[] = {
      {{"gdp"}, {"gdp"}, false},
      {{"  gdp ;  "}, {"gdp"}, false},
      {{"yoy(gdp", ")"}, {"yoy(gdp\n)"}, false},
      {{"yoy(", "gdp)[2019:", "2023]"}, {"yoy(\ngdp)[2019:\n2023]"}, false},
      {{"yoy(gdp # a comment (", ")"}, {"yoy(gdp # a comment (\n)"}, false},
      {{"gdp + \\", "retail"}, {"gdp +\nretail"}, false},
      {{"search(\"(\")"}, {"search(\"(\")"}, false},  // a bracket in quotes
      {{"search('a)b'"}, {}, true},                   // the ( is still open
      {{"gdp)"}, {"gdp)"}, false},                    // a stray closer ends it
      {{"yoy(gdp"}, {}, true},
      {{"", "   "}, {}, false},
      {{"a", "b;"}, {"a", "b"}, false},
      // Later lines keep their indentation (columns of errors are columns of the source), and
      // a blank line inside a statement keeps its place.
      {{"yoy(", "   gdp", "", ")"}, {"yoy(\n   gdp\n\n)"}, false},
      {{"gdp\r"}, {"gdp"}, false},
  };
  for (const auto& c : cases) {
    StatementReader reader;
    std::vector<std::string> got;
    size_t line_no = 0;
    for (const auto& line : c.lines) {
      if (reader.AddLine(line, ++line_no)) got.push_back(reader.Take().text);
    }
    INFO("first line: " << c.lines.front());
    CHECK(got == c.statements);
    CHECK(reader.pending() == c.pending_at_end);
  }
}

TEST_CASE("StatementReader: where a statement starts and maps to the source", "[cli]") {
  StatementReader reader;
  CHECK_FALSE(reader.AddLine("", 1));
  CHECK_FALSE(reader.AddLine("   yoy(gdp", 2));
  CHECK(reader.AddLine("  , 2)", 3));
  const Statement s = reader.Take();
  CHECK(s.text == "yoy(gdp\n  , 2)");
  CHECK(s.start.line == 2);
  CHECK(s.start.column == 4);
  // "1:5" of the statement is column 4 - 1 + 5 = 8 of line 2; "2:3" is line 3, column 3.
  CHECK(ToSource(s, 1, 5).line == 2);
  CHECK(ToSource(s, 1, 5).column == 8);
  CHECK(ToSource(s, 2, 3).line == 3);
  CHECK(ToSource(s, 2, 3).column == 3);
  // U+3000 (the ideographic space) is one character of indentation.
  CHECK_FALSE(reader.AddLine("\u3000(", 7));
  CHECK(reader.Take().start.column == 2);
}

TEST_CASE("StatementReader: the bracket left open, at its line", "[cli]") {
  StatementReader reader;
  CHECK(reader.AddLine("targets(2024)", 10));
  reader.Take();
  CHECK_FALSE(reader.AddLine("  yoy(gdp[2019:", 11));
  CHECK_FALSE(reader.AddLine("2023]", 12));
  CHECK_FALSE(reader.AddLine("gdp_growth", 13));
  auto open = reader.Unclosed();
  REQUIRE(open.has_value());
  CHECK(open->bracket == '(');
  CHECK(open->position.line == 11);
  CHECK(open->position.column == 6);  // "  yoy(": the ( is the 6th character
  // A statement pending only because of a trailing backslash has no open bracket.
  StatementReader other;
  CHECK_FALSE(other.AddLine("gdp + \\", 1));
  CHECK_FALSE(other.Unclosed().has_value());
  // A Chinese name before the bracket: columns count characters.
  StatementReader cjk;
  CHECK_FALSE(cjk.AddLine("search(零售) + yoy(", 5));
  // s e a r c h ( 零 售 ) _ + _ y o y ( : the last ( is the 17th character.
  CHECK(cjk.Unclosed()->position.column == 17);
}
}  // namespace ixdb::cli
