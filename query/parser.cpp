#include "query/parser.hpp"

#include <charconv>
#include <cmath>
#include <exception>
#include <memory>
#include <utility>
#include <vector>

#include "common/date.hpp"
#include "common/period.hpp"
#include "common/strings.hpp"
#include "common/utf8.hpp"
#include "query/grammar.hpp"

namespace ixdb::query {

namespace pegtl = tao::pegtl;
namespace g = grammar;

namespace {

using NodePtr = std::unique_ptr<ast::Node>;
using CondPtr = std::unique_ptr<ast::Condition>;

struct ParseState {
  std::string_view text;
  size_t depth = 0;
  std::vector<NodePtr> nodes;
  struct Frame {
    NodePtr call;
    size_t base = 0;  // nodes.size() when the call started: its arguments are above
  };
  std::vector<Frame> frames;
  std::vector<std::pair<char, size_t>> ops;  // pending binary operators and their offsets
  NodePtr range;                             // the range being read
  bool range_colon = false;
  size_t range_pos = 0;
  ast::Filter filter;
  // where / order by
  std::vector<CondPtr> conds;
  std::string column;
  size_t column_pos = 0;
  std::string cmp_op;
  std::string literal;
  bool literal_null = false;
  bool descending = false;
  ast::Query query;

  size_t Offset(const char* p) const { return static_cast<size_t>(p - text.data()); }
  NodePtr Pop() {
    NodePtr n = std::move(nodes.back());
    nodes.pop_back();
    return n;
  }
};

std::string Unquote(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    return std::string(s.substr(1, s.size() - 2));
  }
  return std::string(s);
}


// ---- Error messages, one per rule that can be required (PEGTL json_errors.hpp style). ----
template <typename Rule>
inline constexpr const char* kErrorMessage = "syntax error";

// clang-format off
template <> inline constexpr const char* kErrorMessage<g::Expr> = "expected an expression (a series code, a number, a function call or '(')";
template <> inline constexpr const char* kErrorMessage<g::ArgExpr> = "expected an expression (a series code, a number, a function call or '(')";
template <> inline constexpr const char* kErrorMessage<g::Operand> = "expected an operand (a series code, a number, a function call or '(')";
template <> inline constexpr const char* kErrorMessage<g::Unary> = "expected an operand after the operator";
template <> inline constexpr const char* kErrorMessage<g::Product> = "expected an operand after the operator";
template <> inline constexpr const char* kErrorMessage<g::RParen> = "expected ')'";
template <> inline constexpr const char* kErrorMessage<g::CallEnd> = "expected ')' (or too many arguments)";
template <> inline constexpr const char* kErrorMessage<g::RBracket> = "expected ']' after a range such as [2019:2023]";
template <> inline constexpr const char* kErrorMessage<g::ArgSep> = "expected ',' and another argument";
template <> inline constexpr const char* kErrorMessage<g::DateLit> = "expected a date like 2024-02-01";
template <> inline constexpr const char* kErrorMessage<g::PeriodLit> = "expected a period like 2023, 2023Q3, 2023-07 or 2023Q1-Q3";
template <> inline constexpr const char* kErrorMessage<g::Integer> = "expected a whole number";
template <> inline constexpr const char* kErrorMessage<g::LimitCount> = "expected a whole number of rows";
template <> inline constexpr const char* kErrorMessage<g::MethodWord> = "expected sum, avg or end";
template <> inline constexpr const char* kErrorMessage<g::UnitText> = "expected a unit such as 万亿元 or \"%\"";
template <> inline constexpr const char* kErrorMessage<g::FilterValue> = "expected a value after '='";
template <> inline constexpr const char* kErrorMessage<g::SearchText> = "expected the text to search for";
template <> inline constexpr const char* kErrorMessage<g::StringClose> = "unterminated string: expected '\"'";
template <> inline constexpr const char* kErrorMessage<g::StringClose1> = "unterminated string: expected \"'\"";
template <> inline constexpr const char* kErrorMessage<g::UnknownFunction> = "unknown function (functions: asof first revisions changes yoy pop diff lag lead cagr log rolling discrete annual quarterly share targets gap need series list describe search stats)";
template <> inline constexpr const char* kErrorMessage<g::Cond> = "expected a condition like value > 5";
template <> inline constexpr const char* kErrorMessage<g::NotCond> = "expected a condition like value > 5";
template <> inline constexpr const char* kErrorMessage<g::AndCond> = "expected a condition like value > 5";
template <> inline constexpr const char* kErrorMessage<g::CmpOp> = "expected a comparison (= != < <= > >= ~)";
template <> inline constexpr const char* kErrorMessage<g::Literal> = "expected a value to compare with";
template <> inline constexpr const char* kErrorMessage<g::KwBy> = "expected 'by' after 'order'";
template <> inline constexpr const char* kErrorMessage<g::OrderKey> = "expected a column name to order by";
template <> inline constexpr const char* kErrorMessage<g::QueryEnd> = "expected an operator, 'in', 'where', 'order by', 'limit' or the end of the query";
// clang-format on

template <typename Rule>
struct RaiseControl : pegtl::normal<Rule> {
  template <typename Input, typename... States>
  [[noreturn]] static void raise(const Input& in, States&&...) {
    throw pegtl::parse_error(kErrorMessage<Rule>, in);
  }
};
template <typename Rule>
struct Control : RaiseControl<Rule> {};

// Rules through which the grammar recurses count nesting so that no input can exhaust the
// stack (a query of 60k '(' would otherwise recurse 60k times).
template <typename Rule>
struct DepthControl : RaiseControl<Rule> {
  template <typename Input>
  static void start(const Input& in, ParseState& st) {
    if (++st.depth > kMaxNestingDepth) {
      throw pegtl::parse_error("nested too deeply (at most " + std::to_string(kMaxNestingDepth) +
                                   " levels)",
                               in);
    }
  }
  template <typename Input>
  static void success(const Input&, ParseState& st) noexcept { --st.depth; }
  template <typename Input>
  static void failure(const Input&, ParseState& st) noexcept { --st.depth; }
};
}  // namespace
}  // namespace ixdb::query

namespace ixdb::query {
namespace {
template <> struct Control<g::Primary> : DepthControl<g::Primary> {};
template <> struct Control<g::NotCond> : DepthControl<g::NotCond> {};
template <> struct Control<g::Minus> : DepthControl<g::Minus> {
  // Minus signs repeat without recursion (star), but each becomes an AST node: bound them too.
  template <typename Input>
  static void success(const Input&, ParseState&) noexcept {}
};
}  // namespace
}  // namespace ixdb::query

namespace ixdb::query {
namespace {

// ---- Actions: fill ParseState. ----
template <typename Rule>
struct Action : pegtl::nothing<Rule> {};

template <>
struct Action<g::NumberLit> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    double v = 0;
    const std::string s = in.string();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) {
      throw pegtl::parse_error("number out of range", in);
    }
    auto n = std::make_unique<ast::Node>();
    n->kind = ast::Node::Kind::kNumber;
    n->number = v;
    n->pos = st.Offset(in.begin());
    st.nodes.push_back(std::move(n));
  }
};

template <>
struct Action<g::SeriesRef> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    auto n = std::make_unique<ast::Node>();
    n->kind = ast::Node::Kind::kSeries;
    n->text = in.string();
    n->pos = st.Offset(in.begin());
    st.nodes.push_back(std::move(n));
  }
};

template <ast::Func F>
struct StartCall {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    auto n = std::make_unique<ast::Node>();
    n->kind = ast::Node::Kind::kCall;
    n->func = F;
    n->pos = st.Offset(in.begin());
    st.frames.push_back({std::move(n), st.nodes.size()});
  }
};
// clang-format off
template <> struct Action<g::FnAsof> : StartCall<ast::Func::kAsof> {};
template <> struct Action<g::FnFirst> : StartCall<ast::Func::kFirst> {};
template <> struct Action<g::FnRevisions> : StartCall<ast::Func::kRevisions> {};
template <> struct Action<g::FnChanges> : StartCall<ast::Func::kChanges> {};
template <> struct Action<g::FnYoy> : StartCall<ast::Func::kYoy> {};
template <> struct Action<g::FnPop> : StartCall<ast::Func::kPop> {};
template <> struct Action<g::FnDiff> : StartCall<ast::Func::kDiff> {};
template <> struct Action<g::FnLag> : StartCall<ast::Func::kLag> {};
template <> struct Action<g::FnLead> : StartCall<ast::Func::kLead> {};
template <> struct Action<g::FnCagr> : StartCall<ast::Func::kCagr> {};
template <> struct Action<g::FnLog> : StartCall<ast::Func::kLog> {};
template <> struct Action<g::FnRolling> : StartCall<ast::Func::kRolling> {};
template <> struct Action<g::FnDiscrete> : StartCall<ast::Func::kDiscrete> {};
template <> struct Action<g::FnAnnual> : StartCall<ast::Func::kAnnual> {};
template <> struct Action<g::FnQuarterly> : StartCall<ast::Func::kQuarterly> {};
template <> struct Action<g::FnShare> : StartCall<ast::Func::kShare> {};
template <> struct Action<g::FnTargets> : StartCall<ast::Func::kTargets> {};
template <> struct Action<g::FnGap> : StartCall<ast::Func::kGap> {};
template <> struct Action<g::FnNeed> : StartCall<ast::Func::kNeed> {};
template <> struct Action<g::FnSeries> : StartCall<ast::Func::kSeries> {};
template <> struct Action<g::FnList> : StartCall<ast::Func::kList> {};
template <> struct Action<g::FnDescribe> : StartCall<ast::Func::kDescribe> {};
template <> struct Action<g::FnSearch> : StartCall<ast::Func::kSearch> {};
template <> struct Action<g::FnStats> : StartCall<ast::Func::kStats> {};
// clang-format on

struct EndCall {
  static void apply0(ParseState& st) {
    ParseState::Frame f = std::move(st.frames.back());
    st.frames.pop_back();
    for (size_t i = f.base; i < st.nodes.size(); ++i) f.call->args.push_back(std::move(st.nodes[i]));
    st.nodes.resize(f.base);
    st.nodes.push_back(std::move(f.call));
  }
};
// clang-format off
template <> struct Action<g::CallAsof> : EndCall {};
template <> struct Action<g::CallFirst> : EndCall {};
template <> struct Action<g::CallRevisions> : EndCall {};
template <> struct Action<g::CallChanges> : EndCall {};
template <> struct Action<g::CallYoy> : EndCall {};
template <> struct Action<g::CallPop> : EndCall {};
template <> struct Action<g::CallDiff> : EndCall {};
template <> struct Action<g::CallLag> : EndCall {};
template <> struct Action<g::CallLead> : EndCall {};
template <> struct Action<g::CallCagr> : EndCall {};
template <> struct Action<g::CallLog> : EndCall {};
template <> struct Action<g::CallRolling> : EndCall {};
template <> struct Action<g::CallDiscrete> : EndCall {};
template <> struct Action<g::CallAnnual> : EndCall {};
template <> struct Action<g::CallQuarterly> : EndCall {};
template <> struct Action<g::CallShare> : EndCall {};
template <> struct Action<g::CallTargets> : EndCall {};
template <> struct Action<g::CallGap> : EndCall {};
template <> struct Action<g::CallNeed> : EndCall {};
template <> struct Action<g::CallSeries> : EndCall {};
template <> struct Action<g::CallList> : EndCall {};
template <> struct Action<g::CallDescribe> : EndCall {};
template <> struct Action<g::CallSearch> : EndCall {};
template <> struct Action<g::CallStats> : EndCall {};
// clang-format on

template <typename In>
ast::PeriodArg MakePeriod(const In& in, ParseState& st) {
  const std::string s = in.string();
  auto parsed = ParsePeriod(s);
  if (!parsed.ok()) throw pegtl::parse_error(parsed.status().message(), in);
  return ast::PeriodArg{*parsed, s, st.Offset(in.begin())};
}

template <>
struct Action<g::PeriodLit> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.frames.back().call->periods.push_back(MakePeriod(in, st));
  }
};

template <>
struct Action<g::DateLit> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    auto d = ParseDate(in.string());
    if (!d.ok()) throw pegtl::parse_error(d.status().message(), in);
    st.frames.back().call->date = *d;
  }
};

template <>
struct Action<g::Integer> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(in.begin(), in.end(), v);
    if (ec != std::errc() || p != in.end()) throw pegtl::parse_error("number too large", in);
    st.frames.back().call->count = v;
  }
};

template <>
struct Action<g::MethodWord> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    const std::string s = in.string();
    st.frames.back().call->method =
        s == "sum" ? ast::Method::kSum : s == "avg" ? ast::Method::kAvg : ast::Method::kEnd;
  }
};

template <>
struct Action<g::FilterKey> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    using K = ast::Filter::Key;
    const std::string s = in.string();
    K key;
    if (s == "code") key = K::kCode;
    else if (s == "name" || s == "text") key = K::kName;
    else if (s == "unit") key = K::kUnit;
    else if (s == "kind" || s == "measure") key = K::kKind;
    else if (s == "freq" || s == "frequency") key = K::kFreq;
    else if (s == "region") key = K::kRegion;
    else if (s == "cumulative") key = K::kCumulative;
    else
      throw pegtl::parse_error(
          "unknown filter '" + s + "' (filters: code, name, unit, kind, freq, region, cumulative)",
          in);
    st.filter = ast::Filter{key, {}, st.Offset(in.begin())};
  }
};

template <>
struct Action<g::FilterValue> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.filter.value = Unquote(in.string_view());
    st.frames.back().call->filters.push_back(st.filter);
  }
};

template <>
struct Action<g::Pattern> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.frames.back().call->patterns.push_back(Unquote(in.string_view()));
  }
};

template <>
struct Action<g::SearchText> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    std::string s(Trim(Unquote(Trim(in.string_view()))));
    if (s.empty()) throw pegtl::parse_error("expected the text to search for", in);
    st.frames.back().call->text = std::move(s);
  }
};

template <>
struct Action<g::RangeOpen> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.range = std::make_unique<ast::Node>();
    st.range->kind = ast::Node::Kind::kRange;
    st.range->periods.resize(2);
    st.range_colon = false;
    st.range_pos = st.Offset(in.begin());
  }
};
template <>
struct Action<g::RangeFrom> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.range->periods[0] = MakePeriod(in, st);
    st.range->has_from = true;
  }
};
template <>
struct Action<g::RangeColon> {
  static void apply0(ParseState& st) { st.range_colon = true; }
};
template <>
struct Action<g::RangeTo> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.range->periods[1] = MakePeriod(in, st);
    st.range->has_to = true;
  }
};
template <>
struct Action<g::Range> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    NodePtr r = std::move(st.range);
    if (!st.range_colon) {
      if (!r->has_from) throw pegtl::parse_error("empty range: write [from:to], [from:] or [:to]", in);
      r->periods[1] = r->periods[0];
      r->has_to = true;
    }
    r->pos = st.nodes.back()->pos;
    r->args.push_back(st.Pop());
    st.nodes.push_back(std::move(r));
  }
};

template <>
struct Action<g::Minus> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.ops.emplace_back('-', st.Offset(in.begin()));
  }
};
// After the operand of a unary minus: negate once per minus sign (pairs cancel).
template <>
struct Action<g::Unary> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    const size_t begin = st.Offset(in.begin());
    size_t minus = 0;
    while (!st.ops.empty() && st.ops.back().first == '-' && st.ops.back().second >= begin &&
           st.ops.back().second < st.nodes.back()->pos) {
      st.ops.pop_back();
      ++minus;
    }
    st.depth -= minus;  // Control<Minus> counted them
    if (minus % 2 == 1) {
      auto n = std::make_unique<ast::Node>();
      n->kind = ast::Node::Kind::kNegate;
      n->pos = begin;
      n->args.push_back(st.Pop());
      st.nodes.push_back(std::move(n));
    }
  }
};

struct PushOp {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    // Binary operators are marked with a high bit so that Unary never mistakes them for signs.
    st.ops.emplace_back(static_cast<char>(*in.begin() | 0x80), st.Offset(in.begin()));
  }
};
template <> struct Action<g::AddOp> : PushOp {};
template <> struct Action<g::MulOp> : PushOp {};

struct EndBinary {
  static void apply0(ParseState& st) {
    auto [op, pos] = st.ops.back();
    st.ops.pop_back();
    NodePtr right = st.Pop();
    NodePtr left = st.Pop();
    auto n = std::make_unique<ast::Node>();
    n->kind = ast::Node::Kind::kBinary;
    n->op = static_cast<char>(op & 0x7f);
    n->pos = pos;
    n->args.push_back(std::move(left));
    n->args.push_back(std::move(right));
    st.nodes.push_back(std::move(n));
  }
};
template <> struct Action<g::AddTail> : EndBinary {};
template <> struct Action<g::MulTail> : EndBinary {};

template <>
struct Action<g::UnitText> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    auto n = std::make_unique<ast::Node>();
    n->kind = ast::Node::Kind::kConvert;
    n->text = Unquote(in.string_view());
    n->pos = st.Offset(in.begin());
    n->args.push_back(st.Pop());
    st.nodes.push_back(std::move(n));
  }
};

// ---- where / order by / limit ----
template <>
struct Action<g::Column> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.column = in.string();
    st.column_pos = st.Offset(in.begin());
  }
};
template <>
struct Action<g::CmpOp> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.cmp_op = in.string();
    if (st.cmp_op == "<>") st.cmp_op = "!=";
  }
};
template <>
struct Action<g::Literal> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.literal = Unquote(in.string_view());
    st.literal_null = in.string_view() == "null";
  }
};
template <>
struct Action<g::Compare> {
  static void apply0(ParseState& st) {
    auto c = std::make_unique<ast::Condition>();
    c->kind = ast::Condition::Kind::kCompare;
    c->column = st.column;
    c->pos = st.column_pos;
    c->op = st.cmp_op;
    c->literal = st.literal;
    c->literal_null = st.literal_null;
    st.conds.push_back(std::move(c));
  }
};
template <>
struct Action<g::Negation> {
  static void apply0(ParseState& st) {
    auto c = std::make_unique<ast::Condition>();
    c->kind = ast::Condition::Kind::kNot;
    c->pos = st.conds.back()->pos;
    c->args.push_back(std::move(st.conds.back()));
    st.conds.back() = std::move(c);
  }
};
template <ast::Condition::Kind K>
struct EndLogical {
  static void apply0(ParseState& st) {
    auto c = std::make_unique<ast::Condition>();
    c->kind = K;
    CondPtr right = std::move(st.conds.back());
    st.conds.pop_back();
    c->pos = st.conds.back()->pos;
    c->args.push_back(std::move(st.conds.back()));
    c->args.push_back(std::move(right));
    st.conds.back() = std::move(c);
  }
};
template <> struct Action<g::AndTail> : EndLogical<ast::Condition::Kind::kAnd> {};
template <> struct Action<g::OrTail> : EndLogical<ast::Condition::Kind::kOr> {};
template <>
struct Action<g::Where> {
  static void apply0(ParseState& st) {
    st.query.where = std::move(st.conds.back());
    st.conds.pop_back();
  }
};
template <>
struct Action<g::Direction> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.descending = in.string_view() == "desc";
  }
};
template <>
struct Action<g::OrderKey> {
  static void apply0(ParseState& st) {
    st.query.order.push_back(ast::OrderKey{st.column, st.descending, st.column_pos});
    st.descending = false;
  }
};
template <>
struct Action<g::LimitCount> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(in.begin(), in.end(), v);
    if (ec != std::errc() || p != in.end()) throw pegtl::parse_error("limit too large", in);
    st.query.limit = v;
  }
};

}  // namespace

std::string FormatErrorAt(std::string_view text, size_t byte, std::string_view message) {
  if (byte > text.size()) byte = text.size();
  size_t line_start = text.rfind('\n', byte == 0 ? std::string_view::npos : byte - 1);
  line_start = (line_start == std::string_view::npos || byte == 0) ? 0 : line_start + 1;
  if (byte > 0 && text[byte - 1] == '\n') line_start = byte;
  size_t line_end = text.find('\n', byte);
  if (line_end == std::string_view::npos) line_end = text.size();
  size_t line_no = 1;
  for (size_t i = 0; i < line_start; ++i) line_no += text[i] == '\n';
  const std::string_view before = text.substr(line_start, byte - line_start);
  const size_t width = DisplayWidth(before), chars = CodePointCount(before);
  std::string out = std::to_string(line_no) + ":" + std::to_string(chars + 1) + ": ";
  out += message;
  out += "\n  ";
  std::string line(text.substr(line_start, line_end - line_start));
  for (char& c : line) {
    if (c == '\t' || c == '\r') c = ' ';
  }
  out += line;
  out += "\n  ";
  out.append(width, ' ');
  out += '^';
  return out;
}

Result<ast::Query> ParseQuery(std::string_view text) {
  if (text.size() > kMaxQueryBytes) {
    return Status::InvalidArgument("query too long (" + std::to_string(text.size()) +
                                   " bytes; at most " + std::to_string(kMaxQueryBytes) + ")");
  }
  ParseState st;
  st.text = text;
  try {
    pegtl::memory_input<> in(text.data(), text.size(), "query");
    pegtl::parse<g::Query, Action, Control>(in, st);
  } catch (const pegtl::parse_error& e) {
    size_t byte = e.positions().empty() ? 0 : e.positions().front().byte;
    return Status::InvalidArgument(FormatErrorAt(text, byte, e.message()));
  } catch (const std::bad_alloc&) {
    return Status::LimitExceeded("out of memory while parsing the query");
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("cannot parse the query: ") + e.what());
  }
  if (st.nodes.size() != 1) {
    return Status::InvalidArgument("internal error: parser left " +
                                   std::to_string(st.nodes.size()) + " expressions");
  }
  st.query.expr = std::move(st.nodes.back());
  return std::move(st.query);
}

}  // namespace ixdb::query
