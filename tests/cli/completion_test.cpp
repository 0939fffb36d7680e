#include "cli/completion.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "session_test_util.hpp"

namespace ixdb::cli {
namespace {

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("Completer: codes, functions, commands, columns, methods, names, files", "[cli]") {
  test::DemoBackend demo;
  Completer c(*demo.backend);
  // A code, and functions with their bracket.
  CHECK(c.Complete("", "gdp_gr") == V{"gdp_growth"});
  CHECK(c.Complete("", "discr") == V{"discrete("});
  CHECK(c.Complete("yoy(", "gdp_g") == V{"gdp_growth"});
  CHECK(c.Complete("", "retail_sales") == V{"retail_sales", "retail_sales_growth"});
  // After an operator the word breaks do not cut at.
  CHECK(c.Complete("", "gdp/gdp_gr") == V{"gdp/gdp_growth"});
  // Meta commands, in the spelling typed.
  CHECK(c.Complete("", ".spa") == V{".spark"});
  CHECK(c.Complete("", "\\asof") == V{"\\asof"});
  CHECK(c.Complete("", "\\o") == V{"\\o", "\\output"});
  CHECK(c.Complete("\\x ", "a") == V{"auto"});
  CHECK(c.Complete(".help ", "yo") == V{"yoy"});
  CHECK(c.Complete("\\d ", "gdp_gr") == V{"gdp_growth"});
  // Method words where a method goes, and nowhere else.
  CHECK(c.Complete("annual(retail_sales, ", "s") == V{"sum"});
  CHECK(c.Complete("rolling(gdp, 3, ", "") == V{"avg", "sum"});
  const V second = c.Complete("rolling(gdp, ", "su");  // n goes there, not a method
  CHECK(std::find(second.begin(), second.end(), "sum") == second.end());
  // Column names of the result after where / order by.
  CHECK(c.Complete("targets(2024) where ", "stat") == V{"status"});
  CHECK(c.Complete("targets(2024) where status = missed order by ", "shortf") == V{"shortfall"});
  CHECK(c.Complete("gdp where ", "vint") == V{"vintage"});
  // A Chinese name becomes the code of the series it names.
  CHECK(c.Complete("yoy(", "地区生产总值（经济") == V{"gdp"});
  // Numbers and periods are not completed.
  CHECK(c.Complete("gdp[", "2023") == V{});

  test::TempDir dir;
  dir.Write("report.q", "gdp\n");
  dir.Write("rates.q", "gdp\n");
  std::filesystem::create_directory(dir.Sub("reports"));
  CHECK(c.Complete("\\i ", dir.Sub("rep")) == V{dir.Sub("report.q"), dir.Sub("reports/")});
  CHECK(c.Complete(".read ", dir.Sub("ra")) == V{dir.Sub("rates.q")});
}

TEST_CASE("CommonPrefix: whole UTF-8 characters", "[cli]") {
  CHECK(CommonPrefix({"retail", "retail_ytd"}) == "retail");
  CHECK(CommonPrefix({"gdp", "retail"}).empty());
  // 零 is E9 9B B6, 雷 is E9 9B B7: the common bytes E9 9B are not a character.
  CHECK(CommonPrefix({"零", "雷"}).empty());
}

}  // namespace ixdb::cli
