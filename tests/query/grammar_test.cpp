// Grammar tables: inputs each rule accepts and rejects (PEGTL contrib_json test style), the
// grammar analysis, and the AST the parser builds from them.
#include "query/grammar.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <tao/pegtl/contrib/analyze.hpp>
#include <vector>

#include "query/parser.hpp"
#include "tests/common/grammar_table.hpp"

namespace ixdb::query {
namespace {

namespace pegtl = tao::pegtl;
namespace g = grammar;

using test::CheckTable;
using test::Matches;

TEST_CASE("Grammar: analysis finds no infinite loops or left recursion", "[query]") {
  REQUIRE(pegtl::analyze<g::Query>() == 0);
}

TEST_CASE("Grammar: literals", "[query]") {
  CheckTable<g::Number>({"0", "12", "3.5", "1e3", "2.5E-2", "7."},
                        {"", ".5", "-1", "1e", "abc", "1,5"});
  CheckTable<g::Integer>({"0", "42"}, {"", "-1", "4.2", "x"});
  CheckTable<g::PeriodLit>({"2023", "2023Q3", "2023-07", "2023M07", "2023H1", "2023Q1-Q3",
                            "2023M01-M05", "2023年上半年", "2023年1-5月"},
                           {"", "202", "Q3", "x2023"});
  CheckTable<g::WordToken>({"2024-02-01", "2024/02/01", "20240201", "2022:2023", "2023年上半年"},
                           {"", "24-02-01", "x2024"});
  CheckTable<g::String>({"\"\"", "\"abc\"", "'万亿元'", "\"a b\""}, {"", "abc", "\"abc", "'x"});
  CheckTable<g::UnitText>({"万亿元", "%", "亿美元", "个/万人", "\"万 元\""}, {"", "a b", "(x)"});
  CheckTable<g::PatternToken>({"gdp*", "*", "g?p", "*_growth", "a*b?"}, {"", "gdp", "gdp-*"});
}

TEST_CASE("Grammar: expressions", "[query]") {
  CheckTable<g::Expr>(
      {"gdp", "gdp_growth", "GDP2", "yoy(gdp)", "yoy( gdp )", "gdp[2019:2023]", "gdp[2019:]",
       "gdp[:2023]", "gdp[:]", "gdp[2023]", "gdp [2020:2021]", "gdp+1", "gdp + 1", "-gdp",
       "- - gdp", "(gdp)", "gdp*2/3-1", "a - (b - c)", "gdp in 万亿元", "gdp in \"%\"",
       "asof(gdp, 2024-02-01)", "first(gdp)", "revisions(gdp, 2023)", "changes(2024-01-28)",
       "pop(x)", "diff(x)", "diff(x, 4)", "lag(x,1)", "lead(x, 2)", "cagr(x, 2019, 2023)", "log(x)",
       "rolling(x, 3)", "rolling(x, 3, sum)", "discrete(x)", "annual(x, sum)", "quarterly(x, avg)",
       "share(a, b)", "targets(2024)", "targets()", "gap(x, 2024)", "need(x, 2024)", "series(gdp*)",
       "series()", "series(kind=rate, unit=%)", "series(name=\"零售 总额\")", "list()",
       "list(kind=rate)", "describe(gdp)", "search(零售)", "search(\"GDP growth\")",
       "stats(yoy(series(kind=level)))", "yoy(gdp)[2020:2023] in 万亿元", "gdp # a comment\n + 1",
       "yoy(yoy(gdp))", "gdp ^ 2", "2 ^ -1", "-gdp^2", "(1 + g / 100) ^ (1 / 5)", "a ^ b ^ c",
       "revisions(gdp, 2022:2023)", "first(gdp, \"preliminary\")", "round(x, -1)",
       // The grammar reads every call alike; the binder checks names and arguments.
       "yoy()", "yoy(gdp, 2)", "foo(gdp)", "annual(gdp)", "search()"},
      {"", "gdp +", "yoy(gdp", "gdp[2019", "gdp[x]", "()", "1 +* 2", "gdp ^", "gdp in",
       "series(kind=)", "\"gdp\"", "gdp)", "[2019]", "yoy(gdp,)", "search(GDP growth)"});
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
       "gdp order value", "gdp order by", "gdp limit", "gdp limit -1",
       "gdp limit 1 where value > 1", "gdp where (value > 1", "gdp gdp"});
}

TEST_CASE("Parser: builds the AST with precedence, ranges and call arguments", "[query]") {
  auto q =
      ParseQuery("yoy(gdp)[2020:] * 2 - x in 万亿元 where value > 1 order by value desc limit 3");
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
  CHECK(yoy.text == "yoy");
  REQUIRE(yoy.call_args.size() == 1);
  CHECK(yoy.call_args[0].kind == ast::CallArg::Kind::kExpr);
  CHECK(yoy.call_args[0].expr->text == "gdp");
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
  const auto& args = c->expr->call_args;
  REQUIRE(args.size() == 3);
  CHECK(args[0].expr->text == "asof");
  CHECK(args[0].expr->call_args[1].kind == ast::CallArg::Kind::kWord);
  CHECK(args[0].expr->call_args[1].text == "2024-02-01");
  CHECK(args[1].expr->number == 3);
  CHECK(args[2].expr->text == "sum");  // a bare word is read as a name; the binder decides

  auto s = ParseQuery("series(gdp*, kind=rate, name='零售', \"a b\")");
  REQUIRE(s.ok());
  const auto& sa = s->expr->call_args;
  REQUIRE(sa.size() == 4);
  CHECK(sa[0].kind == ast::CallArg::Kind::kPattern);
  CHECK(sa[0].text == "gdp*");
  CHECK(sa[1].kind == ast::CallArg::Kind::kFilter);
  CHECK(sa[1].key == "kind");
  CHECK(sa[2].text == "零售");
  CHECK(sa[3].kind == ast::CallArg::Kind::kString);

  auto p = ParseQuery("-x ^ 2 ^ 3");  // -(x ^ (2 ^ 3))
  REQUIRE(p.ok());
  REQUIRE(p->expr->kind == ast::Node::Kind::kNegate);
  const ast::Node& pow = *p->expr->args[0];
  REQUIRE(pow.kind == ast::Node::Kind::kBinary);
  CHECK(pow.op == '^');
  CHECK(pow.args[0]->text == "x");
  CHECK(pow.args[1]->op == '^');

  auto t = ParseQuery("search(零售 总额)");
  REQUIRE(t.ok());
  CHECK(t->expr->call_args[0].kind == ast::CallArg::Kind::kText);
  CHECK(t->expr->call_args[0].text == "零售 总额");
}

TEST_CASE("Parser: errors give line:col, what was expected and a caret", "[query]") {
  struct Case {
    std::string query;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"yoy(gdp", "1:8: expected ')' (or too many arguments)\n  yoy(gdp\n         ^"},
      {"gdp +",
       "1:6: expected an operand (a series code, a number, a function call or '(')\n  gdp +\n      "
       " ^"},
      {"gdp\n  where", "2:8: expected a condition like value > 5\n    where\n         ^"},
      {"gdp[2023Q9]", "1:5: bad period '2023Q9': quarter must be 1-4"},
      {"增长(gdp)", "1:1: expected an operand"},
      {"yoy(gdp,)", "1:9: expected an argument after ','"},
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
  // A flat chain builds a tree as deep as it is long, which the binder, the evaluator and the
  // destructor walk recursively (about 2 KB of stack a level in a release build): 256 levels
  // are fine, the next one is refused where it is written, and a chain filling the whole 64 KiB
  // a query may have is refused, not a crash.
  std::string chain = "gdp";
  for (int i = 1; i < 256; ++i) chain += "+gdp";
  CHECK(ParseQuery(chain).ok());  // 255 '+': 256 deep
  chain += "+gdp";
  auto too_deep = ParseQuery(chain);
  REQUIRE_FALSE(too_deep.ok());
  CHECK(too_deep.status().message().rfind("1:1024: the expression is 256 operations deep", 0) == 0);
  std::string longest = "a";
  while (longest.size() + 2 <= kMaxQueryBytes) longest += "*a";
  CHECK_FALSE(ParseQuery(longest).ok());
  // The same number of terms in groups stays shallow.
  std::string group = "(a";
  for (int i = 1; i < 200; ++i) group += "+a";
  group += ")";
  std::string grouped = group;
  for (int g = 0; g < 20; ++g) grouped += "+" + group;  // 4200 terms, ~222 deep
  CHECK(ParseQuery(grouped).ok());
}

}  // namespace
}  // namespace ixdb::query
