#include "query/parser.hpp"

#include <algorithm>
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
  std::string filter_key;  // the key of the filter argument being read
  size_t filter_pos = 0;
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
  // Pushes a finished node. Its height (the longest path to a leaf) is bounded: a chain such as
  // a+a+...+a is flat text but a tree as deep as it is long, and the binder, the evaluator and
  // the tree's own destructor walk it recursively. Throws TooDeep at the node's operator.
  void Push(NodePtr n) {
    uint32_t h = 0;
    for (const NodePtr& a : n->args) h = std::max(h, a->height);
    for (const ast::CallArg& a : n->call_args) {
      if (a.expr) h = std::max(h, a.expr->height);
    }
    n->height = h + 1;
    if (n->height > kMaxExpressionHeight) throw TooDeep{n->pos};
    nodes.push_back(std::move(n));
  }
  struct TooDeep {
    size_t pos;
  };
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
template <> inline constexpr const char* kErrorMessage<g::Power> = "expected an operand (a series code, a number, a function call or '(')";
template <> inline constexpr const char* kErrorMessage<g::Unary> = "expected an operand after the operator";
template <> inline constexpr const char* kErrorMessage<g::Product> = "expected an operand after the operator";
template <> inline constexpr const char* kErrorMessage<g::RParen> = "expected ')'";
template <> inline constexpr const char* kErrorMessage<g::CallArg> = "expected an argument after ','";
template <> inline constexpr const char* kErrorMessage<g::CallEnd> = "expected ')' (or too many arguments)";
template <> inline constexpr const char* kErrorMessage<g::RBracket> = "expected ']' after a range such as [2019:2023]";
template <> inline constexpr const char* kErrorMessage<g::LimitCount> = "expected a whole number of rows";
template <> inline constexpr const char* kErrorMessage<g::UnitText> = "expected a unit such as 万亿元 or \"%\"";
template <> inline constexpr const char* kErrorMessage<g::FilterValue> = "expected a value after '='";
template <> inline constexpr const char* kErrorMessage<g::StringClose> = "unterminated string: expected '\"'";
template <> inline constexpr const char* kErrorMessage<g::StringClose1> = "unterminated string: expected \"'\"";
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
      throw pegtl::parse_error(
          "nested too deeply (at most " + std::to_string(kMaxNestingDepth) + " levels)", in);
    }
  }
  template <typename Input>
  static void success(const Input&, ParseState& st) noexcept {
    --st.depth;
  }
  template <typename Input>
  static void failure(const Input&, ParseState& st) noexcept {
    --st.depth;
  }
};
}  // namespace
}  // namespace ixdb::query

namespace ixdb::query {
namespace {
template <>
struct Control<g::Primary> : DepthControl<g::Primary> {};
template <>
struct Control<g::NotCond> : DepthControl<g::NotCond> {};
template <>
struct Control<g::Minus> : DepthControl<g::Minus> {
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
    st.Push(std::move(n));
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
    st.Push(std::move(n));
  }
};

template <typename In>
ast::PeriodArg MakePeriod(const In& in, ParseState& st) {
  const std::string s = in.string();
  auto parsed = ParsePeriod(s);
  if (!parsed.ok()) throw pegtl::parse_error(parsed.status().message(), in);
  return ast::PeriodArg{*parsed, s, st.Offset(in.begin())};
}

// ---- Calls: one frame per call being read; each argument is appended as it is read. ----
template <>
struct Action<g::FunctionName> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    auto n = std::make_unique<ast::Node>();
    n->kind = ast::Node::Kind::kCall;
    n->text = in.string();
    n->pos = st.Offset(in.begin());
    st.frames.push_back({std::move(n), st.nodes.size()});
  }
};
template <>
struct Action<g::Call> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    ParseState::Frame f = std::move(st.frames.back());
    f.call->end_pos = st.Offset(in.end()) - 1;
    st.frames.pop_back();
    st.nodes.resize(f.base);  // every expression argument was moved into call_args
    st.Push(std::move(f.call));
  }
};

template <typename In>
void PushArg(const In& in, ParseState& st, ast::CallArg::Kind kind, std::string text) {
  ast::CallArg a;
  a.kind = kind;
  a.text = std::move(text);
  a.pos = st.Offset(in.begin());
  st.frames.back().call->call_args.push_back(std::move(a));
}

template <>
struct Action<g::ExprArg> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    ast::CallArg a;
    a.kind = ast::CallArg::Kind::kExpr;
    a.pos = st.Offset(in.begin());
    a.expr = st.Pop();
    st.frames.back().call->call_args.push_back(std::move(a));
  }
};
template <>
struct Action<g::StringArg> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    PushArg(in, st, ast::CallArg::Kind::kString, Unquote(in.string_view()));
  }
};
template <>
struct Action<g::WordArg> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    PushArg(in, st, ast::CallArg::Kind::kWord, in.string());
  }
};
template <>
struct Action<g::PatternArg> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    PushArg(in, st, ast::CallArg::Kind::kPattern, in.string());
  }
};
template <>
struct Action<g::TextArg> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    PushArg(in, st, ast::CallArg::Kind::kText, std::string(Trim(in.string_view())));
  }
};
template <>
struct Action<g::FilterKey> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.filter_key = in.string();
    st.filter_pos = st.Offset(in.begin());
  }
};
template <>
struct Action<g::FilterValue> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    ast::CallArg a;
    a.kind = ast::CallArg::Kind::kFilter;
    a.key = st.filter_key;
    a.key_pos = st.filter_pos;
    a.pos = st.filter_pos;
    a.text = Unquote(in.string_view());
    st.frames.back().call->call_args.push_back(std::move(a));
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
      if (!r->has_from)
        throw pegtl::parse_error("empty range: write [from:to], [from:] or [:to]", in);
      r->periods[1] = r->periods[0];
      r->has_to = true;
    }
    r->pos = st.nodes.back()->pos;
    r->args.push_back(st.Pop());
    st.Push(std::move(r));
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
      st.Push(std::move(n));
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
template <>
struct Action<g::AddOp> : PushOp {};
template <>
struct Action<g::MulOp> : PushOp {};
template <>
struct Action<g::PowOp> : PushOp {};

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
    st.Push(std::move(n));
  }
};
template <>
struct Action<g::AddTail> : EndBinary {};
template <>
struct Action<g::MulTail> : EndBinary {};
template <>
struct Action<g::PowTail> : EndBinary {};

template <>
struct Action<g::UnitText> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    auto n = std::make_unique<ast::Node>();
    n->kind = ast::Node::Kind::kConvert;
    n->text = Unquote(in.string_view());
    n->pos = st.Offset(in.begin());
    n->args.push_back(st.Pop());
    st.Push(std::move(n));
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
template <>
struct Action<g::AndTail> : EndLogical<ast::Condition::Kind::kAnd> {};
template <>
struct Action<g::OrTail> : EndLogical<ast::Condition::Kind::kOr> {};
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
  } catch (const ParseState::TooDeep& e) {
    return Status::InvalidArgument(FormatErrorAt(
        text, e.pos,
        "the expression is " + std::to_string(kMaxExpressionHeight) +
            " operations deep here (at most that many; for a sum over many series use "
            "sum(series(...)))"));
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
