#include "cli/shell.hpp"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "session_test_util.hpp"
#include "tests/common/test_util.hpp"
#include "tests/common/text_lines.hpp"

namespace ixdb::cli {
namespace {

using ixdb::test::Lines;

using test::DemoBackend;
using test::EchoBackend;
using test::RunScript;
using test::ShellRun;

ShellRun Echo(const std::string& script, const std::string& format = "csv",
              std::vector<std::string>* queries = nullptr) {
  EchoBackend backend;
  ShellSettings settings;
  settings.format = format;
  ShellRun r = RunScript(backend, script, settings);
  if (queries != nullptr) *queries = backend.queries;
  return r;
}

}  // namespace

TEST_CASE("Shell script: every statement runs, failures are counted and placed", "[cli]") {
  std::vector<std::string> queries;
  ShellRun r = Echo(
      "# a comment\n"
      "gdp\n"
      "yoy(gdp\n"
      "  )[2019:2023];\n"
      "bad\n"
      "retail\n",
      "csv", &queries);
  CHECK(queries == std::vector<std::string>{"gdp", "yoy(gdp\n  )[2019:2023]", "bad", "retail"});
  // CSV results in one stream are apart by a blank line.
  CHECK(r.out ==
        "indicator,value\ngdp,1.5\n"
        "\n"
        "indicator,value\n\"yoy(gdp\n  )[2019:2023]\",1.5\n"
        "\n"
        "indicator,value\nretail,1.5\n");
  // The error names the script line; this one has no column.
  CHECK(r.err == "<stdin>:5: unknown series 'bad' (did you mean: bed?)\n");
  CHECK(r.failures == 1);
  CHECK_FALSE(r.bailed);
}

TEST_CASE("Shell script: --bail stops at the first error", "[cli]") {
  EchoBackend backend;
  ShellSettings settings;
  settings.format = "csv";
  settings.bail = true;
  ShellRun r = RunScript(backend, "gdp\nbad\nretail\n", settings);
  CHECK(backend.queries == std::vector<std::string>{"gdp", "bad"});
  CHECK(r.out == "indicator,value\ngdp,1.5\n");
  CHECK(r.err == "<stdin>:2: unknown series 'bad' (did you mean: bed?)\n");
  CHECK(r.failures == 1);
  CHECK(r.bailed);
}

TEST_CASE("Shell script: errors name the script's line and column, not the statement's", "[cli]") {
  DemoBackend demo;
  ShellOptions options;
  test::TempDir dir;
  options.files = {dir.Write("report.q",
                             "# The report's tables\n"              // 1
                             ".format csv\n"                        // 2
                             "\n"                                   // 3
                             "gdp[2023]\n"                          // 4
                             "gdp_growth[2024]\n"                   // 5
                             "# the history\n"                      // 6
                             "yoy(gdp)[2018]\n"                     // 7
                             "  targets(2024) \\\n"                 // 8
                             "  where indicator = gdp_growth \\\n"  // 9
                             "  and status = nosuch\n"              // 10
                             "share(gdp,\n"                         // 11
                             "    gpd)\n"                           // 12
                             "gdp_growth[2024\n")};                 // 13
  ShellRun r = RunScript(*demo.backend, "", {}, options);
  const std::string file = dir.Sub("report.q");
  CHECK(r.out ==
        "indicator,period,value,unit,vintage,status,qualifier\n"
        "gdp,2023,20011.65,亿元,2024-01-28,preliminary,\n"
        "\n"
        "indicator,period,value,unit,vintage,status,qualifier\n"
        "gdp_growth,2024Q1-Q4,5.2,%,2025-03-31,preliminary,\n"
        "\n"
        // 13410.34 (2017) to 14847.29 (2018): (14847.29 / 13410.34 - 1) * 100 = 10.7152...
        "indicator,period,value,unit\n"
        "gdp,2018,10.715239136367916,%\n"
        "\n"
        // No gdp_growth target has the status `nosuch`: an empty result, not an error.
        "indicator,period,comparator,target,actual,gap,status,unit,gap_unit,tolerance,shortfall,"
        "actual_vintage,actual_status,text,source,note,target_high,on\n");
  // Line 12, column 5 of the script (line 2, column 5 of its statement); the statement of
  // line 13 never closes its [ and is reported at its place when the file ends.
  CHECK(r.err == file +
                     ":12:5: unknown series 'gpd'; did you mean gdp?\n"
                     "      gpd)\n"
                     "      ^\n" +
                     file + ":13:11: unclosed '[': the input ended before it was closed\n");
  CHECK(r.failures == 2);
}

TEST_CASE("Shell script: a UTF-8 BOM at the start of a script is skipped", "[cli]") {
  DemoBackend demo;
  test::TempDir dir;
  ShellOptions options;
  options.files = {dir.Write("bom.q", "\xEF\xBB\xBF.format csv\ngdp[2023]\n")};
  ShellRun r = RunScript(*demo.backend, "", {}, options);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "indicator,period,value,unit,vintage,status,qualifier\n"
        "gdp,2023,20011.65,亿元,2024-01-28,preliminary,\n");
}

TEST_CASE("Shell script: json mode writes one line per result (JSON Lines)", "[cli]") {
  DemoBackend demo;
  ShellSettings settings;
  settings.format = "json";
  ShellRun r =
      RunScript(*demo.backend,
                "gdp[2022:2023]\nnosuch_series\ngdp_growth[2024]\nlist(code=nosuch*)\n", settings);
  CHECK(r.out ==
        "[{\"indicator\":\"gdp\",\"period\":\"2022\",\"value\":18866.43,\"unit\":\"亿元\","
        "\"vintage\":\"2023-02-01\",\"status\":\"preliminary\",\"qualifier\":null},"
        "{\"indicator\":\"gdp\",\"period\":\"2023\",\"value\":20011.65,\"unit\":\"亿元\","
        "\"vintage\":\"2024-01-28\",\"status\":\"preliminary\",\"qualifier\":null}]\n"
        "[{\"indicator\":\"gdp_growth\",\"period\":\"2024Q1-Q4\",\"value\":5.2,\"unit\":\"%\","
        "\"vintage\":\"2025-03-31\",\"status\":\"preliminary\",\"qualifier\":null}]\n"
        "[]\n");
  CHECK(r.failures == 1);
}

TEST_CASE("Shell script: -c commands run in order, errors without a place", "[cli]") {
  EchoBackend backend;
  ShellOptions options;
  options.commands = {".format csv", "gdp", "bad"};
  ShellRun r = RunScript(backend, "", {}, options);
  CHECK(r.out == "indicator,value\ngdp,1.5\n");
  CHECK(r.err == "error: unknown series 'bad' (did you mean: bed?)\n");
  CHECK(r.failures == 1);
}

TEST_CASE("Shell: meta commands, both spellings", "[cli]") {
  SECTION(".format and \\format") {
    for (const char* cmd : {".format json", "\\format json", ".mode json", "\\mode json"}) {
      ShellRun r = Echo(std::string(cmd) + "\ngdp\n.format\n", "table");
      INFO(cmd);
      CHECK(r.out == "[{\"indicator\":\"gdp\",\"value\":1.5}]\njson\n");
      CHECK(r.failures == 0);
    }
  }
  SECTION(".format table gives the boxed table") {
    ShellRun r = Echo(".format table\ngdp\n");
    CHECK(r.out.find("│ gdp       │   1.5 │") != std::string::npos);
    CHECK(r.out.find("1 row\n") != std::string::npos);
  }
  SECTION(".bom on prefixes the first CSV result only") {
    ShellRun r = Echo("\\bom on\ngdp\nretail\n");
    CHECK(r.out ==
          "\xEF\xBB\xBF"
          "indicator,value\ngdp,1.5\n\nindicator,value\nretail,1.5\n");
  }
  SECTION(".series is the catalog search of the query language") {
    std::vector<std::string> queries;
    Echo(".series 生产总值\n\\series\n.series say \"hi\"\n", "csv", &queries);
    CHECK(queries ==
          std::vector<std::string>{"search(\"生产总值\")", "list()", "search('say \"hi\"')"});
  }
  SECTION(".quit, \\q, quit and exit stop reading") {
    for (const char* stop : {".quit", "\\q", ".exit", "quit", "exit", "quit;"}) {
      std::vector<std::string> queries;
      Echo(std::string("a\n") + stop + "\nb\n", "csv", &queries);
      INFO(stop);
      CHECK(queries == std::vector<std::string>{"a"});
    }
  }
  SECTION("unknown meta commands and bad arguments are errors, not the end") {
    std::vector<std::string> queries;
    ShellRun r = Echo(".frob\n.format xml\n\\timer maybe\n\\x sideways\n.precision many\ngdp\n",
                      "csv", &queries);
    CHECK(r.failures == 5);
    CHECK(queries == std::vector<std::string>{"gdp"});
    CHECK(r.err ==
          "<stdin>:1: unknown command '.frob' (try .help)\n"
          "<stdin>:2: unknown format 'xml' (expected table, csv, json or line)\n"
          "<stdin>:3: .timer takes on or off, not 'maybe'\n"
          "<stdin>:4: \\x takes on, off or auto, not 'sideways'\n"
          "<stdin>:5: .precision takes a number of decimal places from 0 to 15, or off\n");
  }
  SECTION(".help, \\? and help list the meta commands") {
    for (const char* help : {".help", "\\?", "help"}) {
      ShellRun r = Echo(std::string(help) + "\n");
      INFO(help);
      for (const char* word :
           {".format", ".series", ".quit", ".timer", ".bom", ".d", ".x", ".plot", ".spark", ".asof",
            ".pager", ".precision", ".nullvalue", ".separators", ".o", ".i"}) {
        CHECK(r.out.find("\n  " + std::string(word) + " ") != std::string::npos);
      }
      for (const auto& line : Lines(r.out)) CHECK(line.size() <= 100);
    }
  }
  SECTION(".asof and \\asof set the backend's date and the prompt") {
    EchoBackend backend;
    ShellSettings settings;
    std::ostringstream out, err;
    Session session(backend, settings, out, err);
    session.BeginInput(InputSource{"<test>"});
    CHECK(session.Prompt() == "ixdb> ");
    session.Feed("\\asof 2024-01-27");
    REQUIRE(backend.as_of.has_value());
    CHECK(FormatDate(*backend.as_of) == "2024-01-27");
    CHECK(session.Prompt() == "ixdb asof 2024-01-27> ");
    session.Feed(".asof");
    CHECK(out.str() == "2024-01-27\n");
    session.Feed(".asof off");
    CHECK_FALSE(backend.as_of.has_value());
    CHECK(session.Prompt() == "ixdb> ");
    session.Feed(".asof 2024-02-30");
    CHECK(err.str() == "<test>:4: .asof takes a date YYYY-MM-DD or off: " +
                           ParseDate("2024-02-30").status().message() + "\n");
  }
}

TEST_CASE("Shell: display settings: backslash-x, .precision, .nullvalue, .separators", "[cli]") {
  DemoBackend demo;
  ShellSettings settings;
  // gdp 2023 is 20011.65; yoy(gdp)[2012] has no 2011 value to compare with (the demo's
  // history starts in 2012), so it is missing.
  ShellRun r = RunScript(*demo.backend,
                         ".precision 1\n.separators on\n.nullvalue (none)\n"
                         "gdp[2023]\n"
                         "yoy(gdp)[2012]\n"
                         "\\x on\n"
                         "gdp[2023]\n",
                         settings);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "┌───────────┬────────┬──────────┬──────┬────────────┬─────────────┐\n"
        "│ indicator │ period │ value    │ unit │ vintage    │ status      │\n"
        "├───────────┼────────┼──────────┼──────┼────────────┼─────────────┤\n"
        "│ gdp       │ 2023   │ 20,011.7 │ 亿元 │ 2024-01-28 │ preliminary │\n"
        "└───────────┴────────┴──────────┴──────┴────────────┴─────────────┘\n"
        "1 row\n"
        "empty columns not shown: qualifier (--format csv or json shows every column)\n"
        "┌───────────┬────────┬────────┬──────┐\n"
        "│ indicator │ period │ value  │ unit │\n"
        "├───────────┼────────┼────────┼──────┤\n"
        "│ gdp       │ 2012   │ (none) │ %    │\n"
        "└───────────┴────────┴────────┴──────┘\n"
        "1 row\n"
        "note: changes of levels, counts and ratios are in percent (%)\n"
        // Labels 9 wide, values 11 ("preliminary"): 9 + 3 + 11 = 23 columns.
        "─[ RECORD 1 ]──────────\n"
        "indicator │ gdp\n"
        "period    │ 2023\n"
        "value     │ 20,011.7\n"
        "unit      │ 亿元\n"
        "vintage   │ 2024-01-28\n"
        "status    │ preliminary\n"
        "1 row\n"
        "empty columns not shown: qualifier (--format csv or json shows every column)\n");
}

TEST_CASE("Shell: backslash-o FILE and backslash-i FILE", "[cli]") {
  DemoBackend demo;
  test::TempDir dir;
  const std::string out_file = dir.Sub("out.csv");
  const std::string inner = dir.Write("inner.q", "gdp_growth[2024]\nnosuch\n");
  ShellSettings settings;
  settings.format = "csv";
  ShellRun r = RunScript(*demo.backend,
                         "\\o " + out_file +
                             "\n"
                             "gdp[2023]\n"
                             "\\i " +
                             inner +
                             "\n"
                             ".output\n"
                             "gdp[2022]\n"
                             ".read " +
                             dir.Sub("missing.q") + "\n",
                         settings);
  CHECK(test::ReadFile(out_file) ==
        "indicator,period,value,unit,vintage,status,qualifier\n"
        "gdp,2023,20011.65,亿元,2024-01-28,preliminary,\n"
        "\n"
        "indicator,period,value,unit,vintage,status,qualifier\n"
        "gdp_growth,2024Q1-Q4,5.2,%,2025-03-31,preliminary,\n");
  CHECK(r.out ==
        "indicator,period,value,unit,vintage,status,qualifier\n"
        "gdp,2022,18866.43,亿元,2023-02-01,preliminary,\n");
  // The file's errors name the file; reading a missing file is the \i line's error.
  CHECK(r.err.rfind(inner + ":2:1: unknown series 'nosuch'", 0) == 0);
  CHECK(r.err.find("<stdin>:6: cannot read '" + dir.Sub("missing.q") + "'\n") != std::string::npos);
  CHECK(r.failures == 2);
}

TEST_CASE("Shell: a file that reads itself stops at 16 levels", "[cli]") {
  EchoBackend backend;
  test::TempDir dir;
  const std::string self = dir.Sub("self.q");
  dir.Write("self.q", "\\i " + self + "\n");
  ShellRun r = RunScript(backend, "\\i " + self + "\n");
  CHECK(r.err.find("nest more than 16 deep (does '" + self + "' read itself?)") !=
        std::string::npos);
  CHECK(r.failures == 1);
}

TEST_CASE("Shell: ~/.ixdbrc ($IXDB_RC) holds meta commands only", "[cli]") {
  EchoBackend backend;
  test::TempDir dir;
  const std::string rc = dir.Write("rc", "# my settings\n.format csv\ngdp\n\\timer off\n");
  ::setenv("IXDB_RC", rc.c_str(), 1);
  ShellSettings settings;
  ShellOptions options;
  std::istringstream in("retail\n");
  std::ostringstream out, err;
  const ShellOutcome o = RunShellScript(backend, settings, options, in, out, err);
  ::unsetenv("IXDB_RC");
  CHECK(backend.queries == std::vector<std::string>{"retail"});
  CHECK(out.str() == "indicator,value\nretail,1.5\n");
  CHECK(err.str() == rc + ":3: only meta commands (.x or \\x) belong in this file, not queries\n");
  CHECK(o.failures == 0);  // the rc file's mistakes are shown, not counted against the script
}

TEST_CASE("Shell: .help FUNCTION from functions()", "[cli]") {
  DemoBackend demo;
  ShellRun r = RunScript(*demo.backend, ".help yoy\n\\h cagr(\n.help yyo\n.help .x\n");
  CHECK(
      r.out.rfind("yoy(x)\n"
                  "  year-over-year change\n"
                  // 80 columns at most: "  formula: " (11) and 69 of the formula.
                  "  formula: levels: (x[p] / x[p-k] - 1) * 100; rates: x[p] - x[p-k] (k periods\n"
                  "           per year)\n"
                  "  unit: % for levels, counts and ratios; pp for rates, shares and growth rates\n"
                  "  returns: series\n"
                  "  example: yoy(gdp)\n",
                  0) == 0);
  CHECK(r.out.find("cagr(x, from, to)\n") != std::string::npos);
  CHECK(r.out.find(".x [on|off|auto]\n  records instead of a table") != std::string::npos);
  CHECK(r.err ==
        "<stdin>:3: no function 'yyo'; did you mean yoy, ytd? (functions() lists them all, .help "
        "the meta "
        "commands)\n");
}

TEST_CASE("Shell: a Chinese name where a code goes suggests search(...)", "[cli]") {
  DemoBackend demo;
  ShellRun r = RunScript(*demo.backend, "yoy(地区生产总值（经济总量）)\n");
  CHECK(r.failures == 1);
  CHECK(r.err.find("\nhint: 地区生产总值（经济总量） is a name, not a series code; "
                   "search(\"地区生产总值（经济总量）\") finds gdp (地区生产总值（经济总量）)\n") !=
        std::string::npos);
}

TEST_CASE("Shell: .plot and .spark of a value query, and of what is not one", "[cli]") {
  DemoBackend demo;
  ShellRun r = RunScript(*demo.backend,
                         ".spark gdp_growth\n.plot targets(2024)\n.plot series(gdp, gdp_growth)\n");
  // 20 values, one block each: level round((v + 40.5) / 98.9 * 7) between the lowest -40.5
  // (2020Q1: ▁) and the highest 58.4 (2021Q1: █); 11.4 (2012) is 3.67 -> ▅, 8.8 is 3.49 -> ▄,
  // -4.7 (2020) is 2.53 -> ▄, 28.6 (2021H1) is 4.89 -> ▆, 18.8 and 12.2 -> ▅, the rest ▄.
  CHECK(r.out == "gdp_growth ▅▄▄▄▄▄▄▄▁▄█▆▅▅▄▄▄▄▄▄ 2012Q1-Q4…2024Q1-Q4  -40.5…58.4 %\n");
  CHECK(r.err ==
        "<stdin>:2: only the values of series can be drawn: the result has no 'value' column\n"
        "<stdin>:3: one axis cannot show gdp (亿元) and gdp_growth (%): draw them one at a time\n");
  CHECK(r.failures == 2);
}

TEST_CASE("Shell: .plot marks the targets in the axis's unit and names the others", "[cli]") {
  test::TempDir files;
  const std::string obs = files.Write("obs.csv",
                                      "indicator,period,vintage,value,unit,measure,frequency\n"
                                      "gdp,2021,2022-01-20,17716.76,亿元,level,annual\n"
                                      "gdp,2022,2023-01-20,18866.43,亿元,level,annual\n"
                                      "gdp,2023,2024-01-20,20011.65,亿元,level,annual\n");
  const std::string targets = files.Write("targets.csv",
                                          "indicator,period,target,comparator,unit,vintage\n"
                                          "gdp,2022,19000,>=,亿元,2022-01-10\n"
                                          "gdp,2023,2,>=,万亿元,2023-01-10\n"
                                          "gdp,2030,3,>=,万亿元,2023-01-10\n");
  DemoBackend store({obs, targets});
  ShellRun r = RunScript(*store.backend, ".plot gdp\n");
  INFO(r.out << r.err);
  CHECK(r.err.empty());
  // The 19000 亿元 target of 2022 is drawn, within the axis 17716.76 .. 20011.65 (the values'
  // range; markers would widen it); the 2 万亿元 of 2023 is named, not drawn; 2030 lies outside
  // the plotted years and is left out.
  CHECK(r.out.find("┈┈ target ≥ 19000 (2022)") != std::string::npos);
  CHECK(r.out.find("20011.65 ┤") != std::string::npos);
  CHECK(r.out.find("17716.76 ┤") != std::string::npos);
  CHECK(r.out.find(
            "targets in another unit than the axis (亿元), not drawn: gdp 2023 (2 万亿元)\n") !=
        std::string::npos);
  CHECK(r.out.find("2030") == std::string::npos);
}

}  // namespace ixdb::cli
