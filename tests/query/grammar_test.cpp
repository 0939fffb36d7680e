// Grammar tables: inputs each rule accepts and rejects (PEGTL contrib_json test style), the
// grammar analysis, and the AST the parser builds from them.
#include "query/grammar.hpp"

#include <catch2/catch.hpp>
#include <tao/pegtl/contrib/analyze.hpp>

#include <string>
#include <vector>

#include "query/parser.hpp"

namespace ixdb::query {
namespace {

namespace pegtl = tao::pegtl;
namespace g = grammar;

template <typename Rule>
bool Matches(const std::string& text) {
  pegtl::memory_input<> in(text, "test");
  try {
    return pegtl::parse<pegtl::seq<Rule, pegtl::eof>>(in);
  } catch (const pegtl::parse_error&) {
    return false;  // must<> inside the rule raised
  }
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

TEST_CASE("Grammar: analysis finds no infinite loops or left recursion", "[query]") {
  REQUIRE(pegtl::analyze<g::Query>() == 0);
}

TEST_CASE("Grammar: literals", "[query]") {
  CheckTable<g::Number>({"0", "12", "3.5", "1e3", "2.5E-2", "7."}, {"", ".5", "-1", "1e", "abc", "1,5"});
  CheckTable<g::Integer>({"0", "42"}, {"", "-1", "4.2", "x"});
  CheckTable<g::PeriodLit>({"2023", "2023Q3", "2023-07", "2023M07", "2023H1", "2023Q1-Q3",
                            "2023M01-M05", "2023年上半年", "2023年1-5月"},
                           {"", "202", "Q3", "x2023"});
  CheckTable<g::DateLit>({"2024-02-01", "2024/02/01", "20240201"}, {"", "24-02-01", "2024-02-01x"});
  CheckTable<g::String>({"\"\"", "\"abc\"", "'万亿元'", "\"a b\""}, {"", "abc", "\"abc", "'x"});
  CheckTable<g::UnitText>({"万亿元", "%", "亿美元", "个/万人", "\"万 元\""}, {"", "a b", "(x)"});
  CheckTable<g::MethodWord>({"sum", "avg", "end"}, {"", "mean", "sums", "Sum"});
}

TEST_CASE("Grammar: expressions", "[query]") {
  CheckTable<g::Expr>(
      {"gdp", "gdp_growth", "GDP2", "yoy(gdp)", "yoy( gdp )", "gdp[2019:2023]", "gdp[2019:]",
       "gdp[:2023]", "gdp[:]", "gdp[2023]", "gdp [2020:2021]", "gdp+1", "gdp + 1", "-gdp",
       "- - gdp", "(gdp)", "gdp*2/3-1", "a - (b - c)", "gdp in 万亿元", "gdp in \"%\"",
       "asof(gdp, 2024-02-01)", "first(gdp)", "revisions(gdp, 2023)", "changes(2024-01-28)",
       "pop(x)", "diff(x)", "diff(x, 4)", "lag(x,1)", "lead(x, 2)", "cagr(x, 2019, 2023)",
       "log(x)", "rolling(x, 3)", "rolling(x, 3, sum)", "discrete(x)", "annual(x, sum)",
       "quarterly(x, avg)", "share(a, b)", "targets(2024)", "targets()", "gap(x, 2024)",
       "need(x, 2024)", "series(gdp*)", "series()", "series(kind=rate, unit=%)",
       "series(name=\"零售 总额\")", "list()", "list(kind=rate)", "describe(gdp)",
       "search(零售)", "search(\"GDP growth\")", "stats(yoy(series(kind=level)))",
       "yoy(gdp)[2020:2023] in 万亿元", "gdp # a comment\n + 1", "yoy(yoy(gdp))"},
      {"", "gdp +", "yoy(gdp", "yoy()", "yoy(gdp, 2)", "gdp[2019", "gdp[x]", "()", "1 +* 2",
       "asof(gdp)", "asof(gdp, x)", "diff(gdp, x)", "rolling(gdp)", "annual(gdp)",
       "annual(gdp, median)", "foo(gdp)", "gdp in", "series(kind=)", "search()",
       "cagr(gdp, 2019)", "\"gdp\"", "gdp)", "[2019]"});
}

TEST_CASE("Grammar: where, order by and limit", "[query]") {
  CheckTable<g::Query>(
      {"gdp where value > 5", "gdp where value>5", "gdp where status = missed",
       "gdp where unit = \"万亿元\"", "gdp where value = null", "gdp where value != null",
       "gdp where not value > 5", "gdp where (value > 5 or value < 1) and period >= 2020",
       "gdp where value <> 3", "gdp where name ~ 零售", "gdp order by value",
       "gdp order by value desc, period asc", "gdp limit 10",
       "targets(2024) where status = missed order by gap limit 5", "  gdp  "},
      {"gdp where", "gdp where value", "gdp where value >", "gdp where value > 5 and",
       "gdp order value", "gdp order by", "gdp limit", "gdp limit -1", "gdp limit 1 where value > 1",
       "gdp where (value > 1", "gdp gdp"});
}

TEST_CASE("Parser: builds the AST with precedence, ranges and call arguments", "[query]") {
  auto q = ParseQuery("yoy(gdp)[2020:] * 2 - x in 万亿元 where value > 1 order by value desc limit 3");
  REQUIRE(q.ok());
  const ast::Node& conv = *q->expr;
  REQUIRE(conv.kind == ast::Node::Kind::kConvert);
  CHECK(conv.text == "万亿元");
  const ast::Node& minus = *conv.args[0];
  REQUIRE(minus.kind == ast::Node::Kind::kBinary);
  CHECK(minus.op == '-');
  const ast::Node& times = *minus.args[0];
  REQUIRE(times.kind == ast::Node::Kind::kBinary);
  CHECK(times.op == '*');
  const ast::Node& range = *times.args[0];
  REQUIRE(range.kind == ast::Node::Kind::kRange);
  CHECK(range.has_from);
  CHECK_FALSE(range.has_to);
  CHECK(range.periods[0].parsed.period == Period::Annual(2020));
  const ast::Node& yoy = *range.args[0];
  REQUIRE(yoy.kind == ast::Node::Kind::kCall);
  CHECK(yoy.func == ast::Func::kYoy);
  CHECK(yoy.args[0]->text == "gdp");
  REQUIRE(q->where);
  CHECK(q->where->column == "value");
  CHECK(q->where->op == ">");
  CHECK(q->where->literal == "1");
  REQUIRE(q->order.size() == 1);
  CHECK(q->order[0].descending);
  CHECK(q->limit == 3);

  auto a = ParseQuery("a - b - c");  // left associative: (a - b) - c
  REQUIRE(a.ok());
  CHECK(a->expr->args[0]->kind == ast::Node::Kind::kBinary);
  CHECK(a->expr->args[1]->text == "c");

  auto n = ParseQuery("--gdp");  // two minus signs cancel
  REQUIRE(n.ok());
  CHECK(n->expr->kind == ast::Node::Kind::kSeries);
  auto m = ParseQuery("-(-gdp)");
  REQUIRE(m.ok());
  CHECK(m->expr->kind == ast::Node::Kind::kNegate);
  CHECK(m->expr->args[0]->kind == ast::Node::Kind::kNegate);

  auto c = ParseQuery("rolling(asof(x, 2024-02-01), 3, sum)");
  REQUIRE(c.ok());
  CHECK(c->expr->count == 3);
  CHECK(c->expr->method == ast::Method::kSum);
  CHECK(c->expr->args[0]->date == DateFromYmd(2024, 2, 1));

  auto s = ParseQuery("series(gdp*, kind=rate, name='零售')");
  REQUIRE(s.ok());
  REQUIRE(s->expr->patterns.size() == 1);
  CHECK(s->expr->patterns[0] == "gdp*");
  REQUIRE(s->expr->filters.size() == 2);
  CHECK(s->expr->filters[1].key == ast::Filter::Key::kName);
  CHECK(s->expr->filters[1].value == "零售");
}

TEST_CASE("Parser: errors give line:col, what was expected and a caret", "[query]") {
  struct Case {
    std::string query;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"yoy(gdp", "1:8: expected ')' (or too many arguments)\n  yoy(gdp\n         ^"},
      {"gdp +", "1:6: expected an operand (a series code, a number, a function call or '(')\n  gdp +\n       ^"},
      {"gdp\n  where", "2:8: expected a condition like value > 5\n    where\n         ^"},
      {"asof(gdp, 2024-02-30)", "1:11: not a date"},
      {"gdp[2023Q9]", "1:5: bad period '2023Q9': quarter must be 1-4"},
      {"增长(gdp)", "1:1: expected an operand"},
      {"series(零售 x)", "1:8: expected ')'"},
      {"foo(1)", "1:1: unknown function"},
      {"gdp limit 99999999999999999999", "1:11: limit too large"},
      {"1e999", "1:1: number out of range"},
  };
  for (const auto& c : cases) {
    INFO(c.query);
    auto r = ParseQuery(c.query);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().IsInvalidArgument());
    CHECK(r.status().message().rfind(c.message, 0) == 0);
  }
  // The caret counts display columns: a CJK character is two columns wide.
  auto r = ParseQuery("search(零售) +");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() ==
        "1:13: expected an operand (a series code, a number, a function call or '(')\n"
        "  search(零售) +\n"
        "                ^");
}

TEST_CASE("Parser: nesting, length and repetition are bounded", "[query]") {
  CHECK(ParseQuery(std::string(64, '(') + "gdp" + std::string(64, ')')).ok() == false);
  CHECK(ParseQuery(std::string(60, '(') + "gdp" + std::string(60, ')')).ok());
  auto deep = ParseQuery(std::string(100000, '(') + "gdp");
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.status().message().find("query too long") != std::string::npos);
  auto deep2 = ParseQuery(std::string(5000, '('));
  REQUIRE_FALSE(deep2.ok());
  CHECK(deep2.status().message().find("nested too deeply") != std::string::npos);
  auto minus = ParseQuery(std::string(5000, '-') + "gdp");
  REQUIRE_FALSE(minus.ok());
  CHECK(minus.status().message().find("nested too deeply") != std::string::npos);
  auto conds = ParseQuery("gdp where " + std::string(5000, '(') + "value > 1");
  REQUIRE_FALSE(conds.ok());
  CHECK(conds.status().message().find("nested too deeply") != std::string::npos);
  // Long flat chains are fine (no recursion per operator).
  std::string chain = "gdp";
  for (int i = 0; i < 2000; ++i) chain += "+gdp";
  CHECK(ParseQuery(chain).ok());
}

}  // namespace
}  // namespace ixdb::query
