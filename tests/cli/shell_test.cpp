#include "cli/shell.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

namespace ixdb::cli {
namespace {

// A backend that answers each query with a one-row table holding the query text, and fails
// the query "bad" like an unknown series, so the shell can be tested without a store.
class EchoBackend : public QueryBackend {
 public:
  std::vector<std::string> queries;

  Result<query::Table> Query(const std::string& text) override {
    queries.push_back(text);
    if (text == "bad") return Status::NotFound("unknown series 'bad' (did you mean: bed?)");
    query::Table t;
    t.columns = {{"indicator", query::ColumnType::kString, ""},
                 {"value", query::ColumnType::kNumber, ""}};
    t.rows.push_back({text, 1.5});
    return t;
  }
  std::string Describe() const override { return "echo"; }
};

struct ShellRun {
  std::string out, err;
  int failures = 0;
  std::vector<std::string> queries;
};

ShellRun RunScript(const std::string& script, const std::string& format = "csv") {
  EchoBackend backend;
  ShellSettings settings;
  settings.format = format;
  std::istringstream in(script);
  std::ostringstream out, err;
  ShellRun r;
  r.failures = RunShellStream(backend, in, out, err, settings);
  r.out = out.str();
  r.err = err.str();
  r.queries = backend.queries;
  return r;
}

}  // namespace

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
      {{"search(\"(\")"}, {"search(\"(\")"}, false},        // a bracket in quotes
      {{"search('a)b'"}, {}, true},                          // the ( is still open
      {{"gdp)"}, {"gdp)"}, false},                           // a stray closer ends it
      {{"yoy(gdp"}, {}, true},
      {{"", "   "}, {}, false},
      {{"a", "b;"}, {"a", "b"}, false},
  };
  for (const auto& c : cases) {
    StatementReader reader;
    std::vector<std::string> got;
    for (const auto& line : c.lines) {
      if (reader.AddLine(line)) got.push_back(reader.Take());
    }
    INFO("first line: " << c.lines.front());
    CHECK(got == c.statements);
    CHECK(reader.pending() == c.pending_at_end);
  }
}

TEST_CASE("Shell: a piped script runs every statement and reports failures", "[cli]") {
  ShellRun r = RunScript(
      "# a comment\n"
      "gdp\n"
      "yoy(gdp\n"
      "  )[2019:2023];\n"
      "bad\n"
      "retail\n");
  CHECK(r.queries == std::vector<std::string>{"gdp", "yoy(gdp\n)[2019:2023]", "bad", "retail"});
  CHECK(r.out ==
        "indicator,value\ngdp,1.5\n"
        "indicator,value\n\"yoy(gdp\n)[2019:2023]\",1.5\n"
        "indicator,value\nretail,1.5\n");
  CHECK(r.err == "error: unknown series 'bad' (did you mean: bed?)\n");
  CHECK(r.failures == 1);
}

TEST_CASE("Shell: meta commands", "[cli]") {
  SECTION(".format switches the rendering") {
    ShellRun r = RunScript(".format json\ngdp\n.format\n", "table");
    CHECK(r.out == "[\n  {\"indicator\":\"gdp\",\"value\":1.5}\n]\njson\n");
    CHECK(r.failures == 0);
  }
  SECTION(".format table gives the boxed table") {
    ShellRun r = RunScript(".format table\ngdp\n");
    CHECK(r.out.find("│ gdp       │   1.5 │") != std::string::npos);
    CHECK(r.out.find("1 row\n") != std::string::npos);
  }
  SECTION(".bom on prefixes CSV") {
    ShellRun r = RunScript(".bom on\ngdp\n");
    CHECK(r.out.rfind("\xEF\xBB\xBF" "indicator,value\n", 0) == 0);
  }
  SECTION(".series is the catalog search of the query language") {
    ShellRun r = RunScript(".series 生产总值\n.series\n.series say \"hi\"\n");
    CHECK(r.queries ==
          std::vector<std::string>{"search(\"生产总值\")", "list()", "search('say \"hi\"')"});
  }
  SECTION(".quit stops reading") {
    ShellRun r = RunScript("a\n.quit\nb\n");
    CHECK(r.queries == std::vector<std::string>{"a"});
  }
  SECTION(".exit stops reading too") {
    ShellRun r = RunScript(".exit\nb\n");
    CHECK(r.queries.empty());
  }
  SECTION("unknown meta commands and bad arguments are errors, not the end") {
    ShellRun r = RunScript(".frob\n.format xml\n.timer maybe\ngdp\n");
    CHECK(r.failures == 3);
    CHECK(r.queries == std::vector<std::string>{"gdp"});
    CHECK(r.err.find("unknown command '.frob'") != std::string::npos);
    CHECK(r.err.find("unknown format 'xml'") != std::string::npos);
  }
  SECTION(".help names the meta commands") {
    ShellRun r = RunScript(".help\n");
    for (const char* word : {".format", ".series", ".quit", ".timer", ".bom"}) {
      CHECK(r.out.find(word) != std::string::npos);
    }
  }
}

TEST_CASE("Shell: a statement left open at end of input is still run", "[cli]") {
  ShellRun r = RunScript("yoy(gdp\n");
  CHECK(r.queries == std::vector<std::string>{"yoy(gdp"});
}

}  // namespace ixdb::cli
