#include "query/executor.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/date.hpp"
#include "common/period.hpp"
#include "common/strings.hpp"
#include "common/units.hpp"
#include "query/parser.hpp"

namespace ixdb::query {

using storage::MeasureKind;
using storage::SeriesMeta;

namespace {

// Largest n accepted by diff/lag/lead: 1000 periods (83 years of months).
constexpr int64_t kMaxShift = 1000;
// Largest rolling window: 120 periods (ten years of months); a window costs n per row.
constexpr int64_t kMaxWindow = 120;
// Longest code pattern or filter value (glob matching is quadratic in the worst case).
constexpr size_t kMaxPatternBytes = 256;
// Below this many series a selection is evaluated on the calling thread only.
constexpr size_t kParallelThreshold = 64;
// Series evaluated per parallel round before their rows are handed to the collector.
constexpr size_t kChunk = 1024;

// Inside the executor errors travel as exceptions and become a Status at Execute's edge.
struct QueryError {
  Status status;
};
[[noreturn]] void Fail(Status s) { throw QueryError{std::move(s)}; }

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Decimal places (0..9) of a value that came from text (5.7 -> 1, 20011.65 -> 2), or -1 when it
// has more (a computed value).
int DecimalPlaces(double v) {
  double scaled = v;
  for (int k = 0; k <= 9; ++k) {
    if (!(std::fabs(scaled) < 1e15)) return -1;
    if (std::fabs(scaled - std::round(scaled)) <= 1e-13 * std::max(1.0, std::fabs(scaled))) return k;
    scaled *= 10;
  }
  return -1;
}

// a - b (or a + b) for published decimals: the exact decimal result has no more places than
// the operands, so the double nearest to it is returned (5.2 - 6 = -0.8, not
// -0.7999999999999998). Computed operands (more than 9 places) are left as binary arithmetic.
double DecimalSum(double a, double b) {
  const double r = a + b;
  if (!std::isfinite(r)) return r;
  const int da = DecimalPlaces(a), db = DecimalPlaces(b);
  if (da < 0 || db < 0) return r;
  static constexpr double kPow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  const double scale = kPow10[std::max(da, db)];
  if (!(std::fabs(r * scale) < 1e15)) return r;
  return std::round(r * scale) / scale;
}
double DecimalDiff(double a, double b) { return DecimalSum(a, -b); }

// v converted by a unit factor. Factors between units are powers of ten (亿 -> 万亿: 1e-4), and
// neither 1e-4 nor the product is exact in binary: for a published decimal the result is the
// double nearest to the decimal answer (20011.65 亿元 = 2.001165 万亿元, not 2.0011650000000003).
double ScaleByUnit(double v, double factor) {
  if (!(factor > 0) || !std::isfinite(v)) return v * factor;
  const double e = std::round(std::log10(factor));
  const int d = DecimalPlaces(v);
  if (d < 0 || std::fabs(e) > 12 || std::fabs(factor / std::pow(10.0, e) - 1) > 1e-9) {
    return v * factor;
  }
  const double mantissa = std::round(v * std::pow(10.0, d));  // exact: |v * 10^d| < 1e15
  const int shift = static_cast<int>(e) - d;                   // result = mantissa * 10^shift
  return shift >= 0 ? mantissa * std::pow(10.0, shift) : mantissa / std::pow(10.0, -shift);
}

std::string NumberText(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

Cell Num(double v) { return std::isnan(v) ? Cell{} : Cell{v}; }
Cell Str(std::string s) { return Cell{std::move(s)}; }
Cell OptStr(std::string s) { return s.empty() ? Cell{} : Cell{std::move(s)}; }

int FloorDiv(int a, int b) { return (a >= 0 ? a : a - b + 1) / b; }

// The months a period covers, as [first, last] month numbers (year * 12 + month - 1). For a
// cumulative series a period is read as its last quarter/month (the period it ends with), the
// same convention as ParsePeriod's spans.
std::pair<int64_t, int64_t> MonthSpan(Period p) {
  switch (p.freq) {
    case Frequency::kAnnual: return {int64_t{p.index} * 12, int64_t{p.index} * 12 + 11};
    case Frequency::kQuarterly: return {int64_t{p.index} * 3, int64_t{p.index} * 3 + 2};
    case Frequency::kMonthly: return {p.index, p.index};
  }
  return {0, 0};
}

// FormatPeriod without snprintf (a result of many rows formats a period per row); equal to
// FormatPeriod for every period (tests/query/executor_test.cpp checks it).
std::string FastPeriodText(Period p, bool cumulative) {
  const int y = p.year();
  if (y < 1000 || y > 9999) return FormatPeriod(p, cumulative);
  const int s = p.sub();
  char buf[16];
  char* o = buf;
  *o++ = static_cast<char>('0' + y / 1000);
  *o++ = static_cast<char>('0' + y / 100 % 10);
  *o++ = static_cast<char>('0' + y / 10 % 10);
  *o++ = static_cast<char>('0' + y % 10);
  auto two = [&](int v) {
    *o++ = static_cast<char>('0' + v / 10);
    *o++ = static_cast<char>('0' + v % 10);
  };
  switch (p.freq) {
    case Frequency::kAnnual: break;
    case Frequency::kQuarterly:
      if (!cumulative || s == 1) {
        *o++ = 'Q';
        *o++ = static_cast<char>('0' + s);
      } else if (s == 2) {
        *o++ = 'H';
        *o++ = '1';
      } else {
        *o++ = 'Q';
        *o++ = '1';
        *o++ = '-';
        *o++ = 'Q';
        *o++ = static_cast<char>('0' + s);
      }
      break;
    case Frequency::kMonthly:
      if (!cumulative) {
        *o++ = '-';
        two(s);
      } else {
        *o++ = 'M';
        *o++ = '0';
        *o++ = '1';
        if (s != 1) {
          *o++ = '-';
          *o++ = 'M';
          two(s);
        }
      }
      break;
  }
  return std::string(buf, o);
}

bool IsPointsUnit(const std::string& unit) {
  UnitInfo u = ParseUnit(unit);
  return u.percent || u.percentage_points;
}

// ---------------------------------------------------------------------------------------------
// Evaluated series: columns of periods and values plus what the transforms need to know.
struct SeriesData {
  std::string label;  // the indicator column
  Frequency freq = Frequency::kAnnual;
  bool cumulative = false;
  std::string unit;
  MeasureKind measure = MeasureKind::kLevel;
  std::vector<Period> period;
  std::vector<double> value;
  // Straight from storage: the vintage/status/qualifier columns are filled.
  bool raw = false;
  std::vector<Date> vintage;
  std::vector<uint8_t> status, qualifier;
  std::vector<Period> from;  // cagr: the start period of each row
  bool scalar = false;       // a number literal (value in `number`)
  double number = 0;
  size_t size() const { return period.size(); }
  bool Points() const {
    return storage::ChangesInPoints(measure) || IsPointsUnit(unit);
  }
  void Derived() {
    raw = false;
    vintage.clear();
    status.clear();
    qualifier.clear();
  }
};

struct Ctx {
  storage::ReadMode mode = storage::ReadMode::kLatest;
  Date as_of = kMaxDate;
};

bool IsTableFunc(ast::Func f) {
  switch (f) {
    case ast::Func::kRevisions: case ast::Func::kChanges: case ast::Func::kTargets:
    case ast::Func::kGap: case ast::Func::kNeed: case ast::Func::kList:
    case ast::Func::kDescribe: case ast::Func::kSearch: case ast::Func::kStats:
      return true;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Rows out: where, order by and limit applied as rows arrive, with max_rows enforced.
class RowCollector {
 public:
  RowCollector(const ast::Query& q, std::vector<Column> columns, const QueryOptions& options,
               std::string_view text)
      : columns_(std::move(columns)), options_(options), text_(text) {
    if (q.where) where_ = Compile(*q.where);
    for (const auto& k : q.order) order_.push_back({ColumnIndex(k.column, k.pos, "order by"), k.descending});
    if (q.limit) {
      limit_ = static_cast<size_t>(std::max<int64_t>(0, *q.limit));
    }
  }

  // Adds a row; false when no more rows are wanted (limit reached without ordering).
  bool Add(std::vector<Cell>&& row) {
    if (where_ && !Eval(*where_, row)) return true;
    if (order_.empty()) {
      if (limit_ && rows_.size() >= *limit_) return false;
      rows_.push_back(std::move(row));
      CheckSize();
      return !(limit_ && rows_.size() >= *limit_);
    }
    rows_.push_back(std::move(row));
    if (limit_ && rows_.size() > 2 * *limit_ + 1024) {
      // Keep only the best `limit` rows so far: ordering with a limit needs bounded memory.
      Sort(*limit_);
      rows_.resize(*limit_);
    }
    CheckSize();
    return true;
  }
  bool Done() const { return order_.empty() && limit_ && rows_.size() >= *limit_; }
  // A hint: about n more rows are coming (avoids re-allocating the row vector).
  void Reserve(size_t n) {
    if (!where_ && n <= options_.max_rows) rows_.reserve(rows_.size() + n);
  }

  Table Finish(std::vector<std::string> notes) {
    if (!order_.empty()) {
      Sort(limit_ ? std::min(*limit_, rows_.size()) : rows_.size());
      if (limit_ && rows_.size() > *limit_) rows_.resize(*limit_);
    }
    Table t;
    t.columns = std::move(columns_);
    t.rows = std::move(rows_);
    t.notes = std::move(notes);
    return t;
  }

  const std::vector<Column>& columns() const { return columns_; }

 private:
  struct Compiled {
    ast::Condition::Kind kind;
    int col = -1;
    std::string op;
    std::string literal;
    bool literal_null = false;
    std::optional<double> number;
    std::optional<std::pair<int64_t, int64_t>> span;
    std::vector<std::unique_ptr<Compiled>> args;
  };

  int ColumnIndex(const std::string& name, size_t pos, const char* where) {
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i].name == name) return static_cast<int>(i);
    }
    std::string names;
    for (const auto& c : columns_) names += (names.empty() ? "" : ", ") + c.name;
    Fail(Status::InvalidArgument(FormatErrorAt(
        text_, pos, "unknown column '" + name + "' in " + where + " (columns: " + names + ")")));
  }

  std::unique_ptr<Compiled> Compile(const ast::Condition& c) {
    auto out = std::make_unique<Compiled>();
    out->kind = c.kind;
    if (c.kind != ast::Condition::Kind::kCompare) {
      for (const auto& a : c.args) out->args.push_back(Compile(*a));
      return out;
    }
    out->col = ColumnIndex(c.column, c.pos, "where");
    out->op = c.op;
    out->literal = c.literal;
    out->literal_null = c.literal_null;
    const ColumnType type = columns_[out->col].type;
    if (c.literal_null) {
      if (c.op != "=" && c.op != "!=") {
        Fail(Status::InvalidArgument(
            FormatErrorAt(text_, c.pos, "null can only be compared with = or !=")));
      }
      return out;
    }
    if (type == ColumnType::kNumber || type == ColumnType::kInteger) {
      double v = 0;
      auto [p, ec] = std::from_chars(c.literal.data(), c.literal.data() + c.literal.size(), v);
      if (ec != std::errc() || p != c.literal.data() + c.literal.size()) {
        Fail(Status::InvalidArgument(FormatErrorAt(
            text_, c.pos, "column '" + c.column + "' holds numbers: '" + c.literal + "' is not one")));
      }
      if (c.op == "~") {
        Fail(Status::InvalidArgument(FormatErrorAt(
            text_, c.pos, "~ (contains) compares text; column '" + c.column + "' holds numbers")));
      }
      out->number = v;
    } else if (type == ColumnType::kPeriod && c.op != "~") {
      auto p = ParsePeriod(c.literal);
      if (!p.ok()) {
        Fail(Status::InvalidArgument(FormatErrorAt(text_, c.pos, p.status().message())));
      }
      out->span = MonthSpan(p->period);
    }
    return out;
  }

  static int Cmp3(double a, double b) { return a < b ? -1 : (a > b ? 1 : 0); }

  bool Eval(const Compiled& c, const std::vector<Cell>& row) const {
    switch (c.kind) {
      case ast::Condition::Kind::kAnd: return Eval(*c.args[0], row) && Eval(*c.args[1], row);
      case ast::Condition::Kind::kOr: return Eval(*c.args[0], row) || Eval(*c.args[1], row);
      case ast::Condition::Kind::kNot: return !Eval(*c.args[0], row);
      case ast::Condition::Kind::kCompare: break;
    }
    const Cell& cell = row[c.col];
    const bool is_null = std::holds_alternative<std::monostate>(cell);
    if (c.literal_null) return c.op == "=" ? is_null : !is_null;
    if (is_null) return false;
    int cmp = 0;
    if (c.number) {
      double v = std::holds_alternative<double>(cell) ? std::get<double>(cell)
                 : std::holds_alternative<int64_t>(cell)
                     ? static_cast<double>(std::get<int64_t>(cell))
                     : kNaN;
      if (std::isnan(v)) return false;
      cmp = Cmp3(v, *c.number);
    } else if (c.span) {
      if (!std::holds_alternative<std::string>(cell)) return false;
      auto p = ParsePeriod(std::get<std::string>(cell));
      if (!p.ok()) return false;
      auto s = MonthSpan(p->period);
      // A period compares with a coarser one by inclusion: 2023Q2 = 2023 is true, 2023Q2 >=
      // 2023 is true, 2023Q2 < 2024 is true.
      if (c.op == "=") return s.first >= c.span->first && s.second <= c.span->second;
      if (c.op == "!=") return !(s.first >= c.span->first && s.second <= c.span->second);
      if (c.op == ">=") return s.first >= c.span->first;
      if (c.op == ">") return s.first > c.span->second;
      if (c.op == "<=") return s.second <= c.span->second;
      if (c.op == "<") return s.second < c.span->first;
      return false;
    } else {
      std::string text = std::holds_alternative<std::string>(cell) ? std::get<std::string>(cell)
                         : std::holds_alternative<double>(cell) ? NumberText(std::get<double>(cell))
                                                                : std::to_string(std::get<int64_t>(cell));
      if (c.op == "~") return ContainsIgnoreCase(text, c.literal);
      cmp = text.compare(c.literal);
      cmp = cmp < 0 ? -1 : (cmp > 0 ? 1 : 0);
    }
    if (c.op == "=") return cmp == 0;
    if (c.op == "!=") return cmp != 0;
    if (c.op == "<") return cmp < 0;
    if (c.op == "<=") return cmp <= 0;
    if (c.op == ">") return cmp > 0;
    if (c.op == ">=") return cmp >= 0;
    return false;
  }

  // Orders two cells of one column; nulls last whatever the direction.
  int CompareCells(const Cell& a, const Cell& b, ColumnType type) const {
    const bool an = std::holds_alternative<std::monostate>(a);
    const bool bn = std::holds_alternative<std::monostate>(b);
    if (an || bn) return an == bn ? 0 : (an ? 2 : -2);  // +-2: null ordering ignores direction
    auto num = [](const Cell& c) {
      return std::holds_alternative<double>(c) ? std::get<double>(c)
             : std::holds_alternative<int64_t>(c) ? static_cast<double>(std::get<int64_t>(c))
                                                  : kNaN;
    };
    if (std::holds_alternative<std::string>(a) && std::holds_alternative<std::string>(b)) {
      const auto& x = std::get<std::string>(a);
      const auto& y = std::get<std::string>(b);
      if (type == ColumnType::kPeriod) {
        auto px = ParsePeriod(x), py = ParsePeriod(y);
        if (px.ok() && py.ok()) {
          auto sx = MonthSpan(px->period), sy = MonthSpan(py->period);
          if (sx != sy) return sx < sy ? -1 : 1;
        }
      }
      int c = x.compare(y);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    double x = num(a), y = num(b);
    return x < y ? -1 : (x > y ? 1 : 0);
  }

  void Sort(size_t keep) {
    auto less = [this](const std::vector<Cell>& a, const std::vector<Cell>& b) {
      for (const auto& [col, desc] : order_) {
        int c = CompareCells(a[col], b[col], columns_[col].type);
        if (c == 2 || c == -2) return c < 0;
        if (c != 0) return desc ? c > 0 : c < 0;
      }
      return false;
    };
    if (keep < rows_.size()) {
      std::partial_sort(rows_.begin(), rows_.begin() + static_cast<ptrdiff_t>(keep), rows_.end(), less);
    } else {
      std::stable_sort(rows_.begin(), rows_.end(), less);
    }
  }

  void CheckSize() {
    if (rows_.size() > options_.max_rows) {
      Fail(Status::LimitExceeded("the result has more than " + std::to_string(options_.max_rows) +
                                 " rows; narrow it with a period range, where or limit"));
    }
  }

  std::vector<Column> columns_;
  const QueryOptions& options_;
  std::string_view text_;
  std::unique_ptr<Compiled> where_;
  std::vector<std::pair<int, bool>> order_;
  std::optional<size_t> limit_;
  std::vector<std::vector<Cell>> rows_;
};

// ---------------------------------------------------------------------------------------------
// Plan: the series each selector names, resolved once before evaluation.
struct Plan {
  std::unordered_map<const ast::Node*, SeriesMeta> single;  // kSeries leaves
  const ast::Node* driver = nullptr;                        // the series(...) iterated over
  std::vector<SeriesMeta> driver_series;
};

// The query text of an expression in canonical form (labels of combinations, error messages).
// `bound` names the series a series(...) selection stands for in this evaluation.
std::string ExprText(const ast::Node& n, const SeriesMeta* bound, int parent_prec = 0,
                     bool right = false) {
  using K = ast::Node::Kind;
  switch (n.kind) {
    case K::kNumber: return NumberText(n.number);
    case K::kSeries: return n.text;
    case K::kNegate: return "-" + ExprText(*n.args[0], bound, 3);
    case K::kRange: return ExprText(*n.args[0], bound, parent_prec, right);  // rows show periods
    case K::kConvert: {
      std::string s = ExprText(*n.args[0], bound, 1) + " in " + n.text;
      return parent_prec > 0 ? "(" + s + ")" : s;
    }
    case K::kBinary: {
      const int prec = (n.op == '+' || n.op == '-') ? 1 : 2;
      std::string s = ExprText(*n.args[0], bound, prec) + std::string(1, n.op) +
                      ExprText(*n.args[1], bound, prec, true);
      return (prec < parent_prec || (right && prec == parent_prec)) ? "(" + s + ")" : s;
    }
    case K::kCall: {
      if (n.func == ast::Func::kSeries && bound) return bound->code;
      std::string s = std::string(ast::FuncName(n.func)) + "(";
      bool first = true;
      auto add = [&](const std::string& a) {
        s += (first ? "" : ",") + a;
        first = false;
      };
      for (const auto& a : n.args) add(ExprText(*a, bound));
      if (n.date) add(FormatDate(*n.date));
      for (const auto& p : n.periods) add(p.text);
      if (n.count) add(std::to_string(*n.count));
      if (n.method) add(ast::MethodName(*n.method));
      return s + ")";
    }
  }
  return "?";
}

class Executor;

// Evaluates value expressions for one binding of the driver selection at a time. One per
// thread: it owns a read view and a cache of the single series it has read.
class Evaluator {
 public:
  Evaluator(storage::ReadView& view, const Plan& plan, std::string_view text,
            const QueryOptions& options)
      : view_(view), plan_(plan), text_(text) {
    (void)options;
  }

  SeriesData Eval(const ast::Node& n, const Ctx& ctx, const SeriesMeta* bound);
  SeriesData Read(const SeriesMeta& meta, const Ctx& ctx);

 private:
  [[noreturn]] void Err(size_t pos, const std::string& msg) const {
    Fail(Status::InvalidArgument(FormatErrorAt(text_, pos, msg)));
  }
  SeriesData EvalCall(const ast::Node& n, const Ctx& ctx, const SeriesMeta* bound);
  SeriesData Binary(const ast::Node& n, SeriesData a, SeriesData b, const SeriesMeta* bound);
  SeriesData Change(const ast::Node& n, SeriesData d, int lag, bool percent_if_level);
  SeriesData Shift(SeriesData d, int64_t n);
  SeriesData Rolling(const ast::Node& n, SeriesData d, int64_t w, ast::Method m);
  SeriesData Discrete(const ast::Node& n, SeriesData d);
  SeriesData ToFrequency(const ast::Node& n, SeriesData d, Frequency to, ast::Method m);
  SeriesData Cagr(const ast::Node& n, SeriesData d);
  SeriesData Share(const ast::Node& n, SeriesData a, SeriesData b);
  SeriesData ConvertUnit(const ast::Node& n, SeriesData d);
  SeriesData RangeFilter(const ast::Node& n, SeriesData d);
  Period ResolveArg(const ast::PeriodArg& p, const SeriesData& d) const;

  storage::ReadView& view_;
  const Plan& plan_;
  std::string_view text_;
  std::unordered_map<const ast::Node*, SeriesData> cache_;
  const SeriesMeta* bound_ = nullptr;  // the binding being evaluated (for messages)
};

SeriesData Evaluator::Read(const SeriesMeta& meta, const Ctx& ctx) {
  storage::ReadRequest req;
  req.mode = ctx.mode;
  req.as_of = ctx.as_of;
  auto r = view_.ReadSeries(meta.code, req);
  if (!r.ok()) Fail(r.status());
  storage::SeriesValues& v = *r;
  SeriesData d;
  d.label = meta.code;
  d.freq = meta.frequency;
  d.cumulative = meta.cumulative;
  d.unit = meta.unit;
  d.measure = meta.measure;
  d.period = std::move(v.period);
  d.value = std::move(v.value);
  d.raw = true;
  d.vintage = std::move(v.vintage);
  d.status = std::move(v.status);
  d.qualifier = std::move(v.qualifier);
  return d;
}

SeriesData Evaluator::Eval(const ast::Node& n, const Ctx& ctx, const SeriesMeta* bound) {
  using K = ast::Node::Kind;
  bound_ = bound;
  switch (n.kind) {
    case K::kNumber: {
      SeriesData d;
      d.scalar = true;
      d.number = n.number;
      d.label = NumberText(n.number);
      return d;
    }
    case K::kSeries: {
      auto it = cache_.find(&n);
      if (it != cache_.end()) return it->second;
      SeriesData d = Read(plan_.single.at(&n), ctx);
      if (plan_.driver != nullptr) cache_.emplace(&n, d);  // reused for every binding
      return d;
    }
    case K::kNegate: {
      SeriesData d = Eval(*n.args[0], ctx, bound);
      if (d.scalar) {
        d.number = -d.number;
        d.label = NumberText(d.number);
        return d;
      }
      for (double& v : d.value) v = -v;
      if (n.args[0]->kind != ast::Node::Kind::kSeries) d.label = ExprText(n, bound);
      else d.label = "-" + d.label;
      d.Derived();
      return d;
    }
    case K::kBinary:
      return Binary(n, Eval(*n.args[0], ctx, bound), Eval(*n.args[1], ctx, bound), bound);
    case K::kRange:
      return RangeFilter(n, Eval(*n.args[0], ctx, bound));
    case K::kConvert:
      return ConvertUnit(n, Eval(*n.args[0], ctx, bound));
    case K::kCall:
      return EvalCall(n, ctx, bound);
  }
  Err(n.pos, "cannot evaluate");
}

SeriesData Evaluator::EvalCall(const ast::Node& n, const Ctx& ctx, const SeriesMeta* bound) {
  using F = ast::Func;
  auto arg = [&](size_t i, const Ctx& c) {
    SeriesData d = Eval(*n.args.at(i), c, bound);
    if (d.scalar) Err(n.args[i]->pos, std::string(ast::FuncName(n.func)) + "() needs a series, not a number");
    return d;
  };
  switch (n.func) {
    case F::kSeries:
      return Read(*bound, ctx);
    case F::kAsof: {
      Ctx c = ctx;
      c.mode = storage::ReadMode::kAsOf;
      c.as_of = *n.date;
      return arg(0, c);
    }
    case F::kFirst: {
      Ctx c = ctx;
      c.mode = storage::ReadMode::kFirst;
      return arg(0, c);
    }
    case F::kYoy: {
      SeriesData d = arg(0, ctx);
      return Change(n, std::move(d), PeriodsPerYear(d.freq), true);
    }
    case F::kPop: {
      SeriesData d = arg(0, ctx);
      if (d.cumulative) {
        Err(n.pos, "pop() of cumulative series " + d.label +
                       " would compare spans of different length (H1 with Q1); use "
                       "pop(discrete(x)) for levels or yoy(x)");
      }
      return Change(n, std::move(d), 1, true);
    }
    case F::kDiff: {
      SeriesData d = arg(0, ctx);
      int64_t k = n.count.value_or(1);
      if (k < 1 || k > kMaxShift) Err(n.pos, "diff() needs n between 1 and " + std::to_string(kMaxShift));
      if (d.cumulative && k % PeriodsPerYear(d.freq) != 0) {
        Err(n.pos, "diff() of cumulative series " + d.label + " needs n a multiple of " +
                       std::to_string(PeriodsPerYear(d.freq)) +
                       " (the same span a year earlier); use diff(discrete(x), n)");
      }
      return Change(n, std::move(d), static_cast<int>(k), false);
    }
    case F::kLag:
    case F::kLead: {
      SeriesData d = arg(0, ctx);
      int64_t k = n.count.value_or(1);
      if (k < 0 || k > kMaxShift) Err(n.pos, std::string(ast::FuncName(n.func)) + "() needs n between 0 and " + std::to_string(kMaxShift));
      return Shift(std::move(d), n.func == F::kLag ? k : -k);
    }
    case F::kCagr:
      return Cagr(n, arg(0, ctx));
    case F::kLog: {
      SeriesData d = arg(0, ctx);
      for (double& v : d.value) v = (std::isnan(v) || v <= 0) ? kNaN : std::log(v);
      d.unit = "";
      d.measure = MeasureKind::kRatio;
      d.Derived();
      return d;
    }
    case F::kRolling: {
      int64_t w = n.count.value_or(0);
      if (w < 1 || w > kMaxWindow) Err(n.pos, "rolling() needs n between 1 and " + std::to_string(kMaxWindow));
      return Rolling(n, arg(0, ctx), w, n.method.value_or(ast::Method::kAvg));
    }
    case F::kDiscrete:
      return Discrete(n, arg(0, ctx));
    case F::kAnnual:
      return ToFrequency(n, arg(0, ctx), Frequency::kAnnual, *n.method);
    case F::kQuarterly:
      return ToFrequency(n, arg(0, ctx), Frequency::kQuarterly, *n.method);
    case F::kShare:
      return Share(n, arg(0, ctx), arg(1, ctx));
    default:
      Err(n.pos, std::string(ast::FuncName(n.func)) +
                     "() returns a table and cannot be used inside an expression");
  }
}

SeriesData Evaluator::Binary(const ast::Node& n, SeriesData a, SeriesData b,
                             const SeriesMeta* bound) {
  const char op = n.op;
  auto apply = [op](double x, double y) {
    switch (op) {
      case '+': return DecimalSum(x, y);
      case '-': return DecimalDiff(x, y);
      case '*': return x * y;
      default: return y == 0 ? kNaN : x / y;
    }
  };
  std::string label = n.args.size() == 2 ? ExprText(n, bound) : std::string();
  const std::string a_text = n.args.size() == 2 ? ExprText(*n.args[0], bound) : a.label;
  const std::string b_text = n.args.size() == 2 ? ExprText(*n.args[1], bound) : b.label;
  if (a.scalar && b.scalar) {
    SeriesData d;
    d.scalar = true;
    d.number = apply(a.number, b.number);
    d.label = NumberText(d.number);
    return d;
  }
  // Units of the result, and the factor that brings b into a's unit.
  double factor = 1;
  std::string unit;
  MeasureKind measure = a.scalar ? b.measure : a.measure;
  auto name = [](const SeriesData& d, const std::string& text) {
    return text + " (" + (d.unit.empty() ? std::string("no unit") : d.unit) + ")";
  };
  const char* verb = op == '+' ? "add" : op == '-' ? "subtract" : op == '*' ? "multiply" : "divide";
  if (op == '+' || op == '-') {
    if (a.scalar) {
      unit = b.unit;
    } else if (b.scalar) {
      unit = a.unit;
    } else if (a.unit == b.unit) {
      unit = a.unit;
      if (op == '-' && ParseUnit(a.unit).percent) {
        unit = "pp";  // the difference of two rates is in percentage points
        measure = MeasureKind::kRate;
      }
    } else if (IsPointsUnit(a.unit) && IsPointsUnit(b.unit)) {
      unit = ParseUnit(a.unit).percent || ParseUnit(b.unit).percent ? "%" : "pp";
    } else {
      auto f = UnitConversionFactor(b.unit, a.unit);
      if (!f.ok()) {
        Err(n.pos, std::string("cannot ") + verb + " " + name(a, a_text) + " and " + name(b, b_text) +
                       ": the units measure different things");
      }
      factor = *f;
      unit = a.unit;
    }
  } else if (op == '*') {
    measure = MeasureKind::kRatio;
    if (a.scalar || b.unit.empty()) {
      unit = a.scalar ? b.unit : a.unit;
      measure = a.scalar ? b.measure : a.measure;
    } else if (b.scalar || a.unit.empty()) {
      unit = b.scalar ? a.unit : b.unit;
      measure = b.scalar ? a.measure : b.measure;
    } else {
      unit = a.unit + "*" + b.unit;
    }
  } else {
    measure = MeasureKind::kRatio;
    if (b.scalar) {
      unit = a.unit;
      measure = a.measure;
    } else if (a.scalar) {
      unit = b.unit.empty() ? "" : "1/" + b.unit;
    } else if (a.unit == b.unit) {
      unit = "";
    } else {
      auto f = UnitConversionFactor(b.unit, a.unit);
      if (f.ok()) {
        factor = *f;
        unit = "";
      } else {
        unit = (a.unit.empty() ? "1" : a.unit) + "/" + (b.unit.empty() ? "1" : b.unit);
      }
    }
  }
  SeriesData out;
  out.label = std::move(label);
  out.unit = unit;
  out.measure = measure;
  if (a.scalar || b.scalar) {
    SeriesData& s = a.scalar ? b : a;
    out.freq = s.freq;
    out.cumulative = s.cumulative;
    out.period = std::move(s.period);
    out.value = std::move(s.value);
    const double k = a.scalar ? a.number : b.number;
    for (double& v : out.value) v = a.scalar ? apply(k, v) : apply(v, k);
    return out;
  }
  if (a.freq != b.freq || a.cumulative != b.cumulative) {
    auto desc = [](const SeriesData& d, const std::string& text) {
      return text + " (" + FrequencyName(d.freq) + (d.cumulative ? ", cumulative" : "") + ")";
    };
    Err(n.pos, "cannot align " + desc(a, a_text) + " with " + desc(b, b_text) +
                   " by period; convert one first, e.g. annual(x, sum) or discrete(x)");
  }
  out.freq = a.freq;
  out.cumulative = a.cumulative;
  out.period.reserve(std::min(a.size(), b.size()));
  out.value.reserve(std::min(a.size(), b.size()));
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a.period[i].index < b.period[j].index) {
      ++i;
    } else if (b.period[j].index < a.period[i].index) {
      ++j;
    } else {
      out.period.push_back(a.period[i]);
      out.value.push_back(apply(a.value[i], ScaleByUnit(b.value[j], factor)));
      ++i;
      ++j;
    }
  }
  return out;
}

// x against the value `lag` periods earlier (calendar-aware: by period index, so a missing
// period gives a null, never a comparison with an older one).
SeriesData Evaluator::Change(const ast::Node& n, SeriesData d, int lag, bool percent_if_level) {
  const bool points = d.Points();
  const bool percent = percent_if_level && !points;
  // In place, from the end: the base of row i is a row j < i, not yet overwritten.
  size_t count = d.size();
  double* v = d.value.data();
  const Period* p = d.period.data();
  if (count > 0 && p[count - 1].index - p[0].index == static_cast<int32_t>(count - 1)) {
    // No gaps (the common case): the base of row i is row i - lag; a branch-free loop.
    const size_t l = static_cast<size_t>(lag);
    for (size_t i = count; i-- > l;) {
      const double base = v[i - l], cur = v[i];
      v[i] = percent ? (base != 0 ? (cur / base - 1) * 100 : kNaN) : DecimalDiff(cur, base);
    }
    for (size_t i = 0; i < std::min(l, count); ++i) v[i] = kNaN;
    count = 0;  // done
  }
  size_t j = count;  // candidate base row, moving down
  for (size_t i = count; i-- > 0;) {
    const int32_t target = p[i].index - lag;
    if (j > i) j = i;
    while (j > 0 && p[j - 1].index >= target) --j;
    // now j is the first row with index >= target (or 0)
    double r = kNaN;
    if (j < i && p[j].index == target) {
      const double base = v[j], cur = v[i];
      if (percent) {
        if (base != 0) r = (cur / base - 1) * 100;  // NaN in either stays NaN
      } else {
        r = DecimalDiff(cur, base);
      }
    }
    v[i] = r;
  }
  if (percent) {
    d.unit = "%";
    d.measure = MeasureKind::kGrowth;
  } else if (points) {
    d.unit = "pp";
    d.measure = MeasureKind::kRate;
  }
  d.Derived();
  return d;
}

SeriesData Evaluator::Shift(SeriesData d, int64_t k) {
  for (Period& p : d.period) p = p.Shifted(static_cast<int32_t>(k));
  d.Derived();
  return d;
}

SeriesData Evaluator::Rolling(const ast::Node& n, SeriesData d, int64_t w, ast::Method m) {
  if (m == ast::Method::kEnd) Err(n.pos, "rolling() takes avg or sum");
  if (d.cumulative) {
    Err(n.pos, "rolling() over cumulative series " + d.label +
                   " would add overlapping spans; use rolling(discrete(x), n)");
  }
  if (m == ast::Method::kSum && d.Points()) {
    Err(n.pos, "a rolling sum of " + d.label + " (" + d.unit + ") adds rates; use avg");
  }
  std::vector<double> out(d.size(), kNaN);
  for (size_t i = 0; i < d.size(); ++i) {
    if (i + 1 < static_cast<size_t>(w)) continue;
    const size_t first = i + 1 - static_cast<size_t>(w);
    if (d.period[i].index - d.period[first].index != w - 1) continue;  // a period is missing
    double s = 0;
    for (size_t k = first; k <= i; ++k) s += d.value[k];  // NaN propagates
    out[i] = m == ast::Method::kSum ? s : s / static_cast<double>(w);
  }
  d.value = std::move(out);
  d.Derived();
  return d;
}

SeriesData Evaluator::Discrete(const ast::Node& n, SeriesData d) {
  if (!d.cumulative) {
    Err(n.pos, "discrete() needs a cumulative (year-to-date) series; " + d.label + " is not");
  }
  if (d.Points()) {
    Err(n.pos, "discrete() derives single periods from cumulative levels; " + d.label +
                   " holds " + storage::MeasureName(d.measure) + " values (" + d.unit +
                   "), and single-period growth cannot be derived from cumulative growth rates");
  }
  std::vector<double> out(d.size(), kNaN);
  for (size_t i = 0; i < d.size(); ++i) {
    if (d.period[i].sub() == 1) {
      out[i] = d.value[i];
    } else if (i > 0 && d.period[i - 1].index == d.period[i].index - 1) {
      out[i] = DecimalDiff(d.value[i], d.value[i - 1]);
    }
  }
  d.value = std::move(out);
  d.cumulative = false;
  d.Derived();
  return d;
}

SeriesData Evaluator::ToFrequency(const ast::Node& n, SeriesData d, Frequency to,
                                  ast::Method m) {
  const int ratio = PeriodsPerYear(d.freq) / PeriodsPerYear(to);
  if (PeriodsPerYear(d.freq) <= PeriodsPerYear(to)) {
    Err(n.pos, std::string(ast::FuncName(n.func)) + "() converts to a lower frequency; " +
                   d.label + " is " + FrequencyName(d.freq));
  }
  if (d.cumulative && m != ast::Method::kEnd) {
    Err(n.pos, "cumulative series " + d.label +
                   " already adds up the year: use end, or discrete(x) before sum/avg");
  }
  if (m == ast::Method::kSum && d.Points()) {
    Err(n.pos, "a sum of " + d.label + " (" + d.unit + ") adds rates; use avg or end");
  }
  SeriesData out;
  out.label = d.label;
  out.freq = to;
  out.cumulative = d.cumulative && to != Frequency::kAnnual;
  out.unit = d.unit;
  out.measure = d.measure;
  size_t i = 0;
  while (i < d.size()) {
    const int group = FloorDiv(d.period[i].index, ratio);
    double sum = 0;
    int present = 0;
    double last = kNaN;
    size_t k = i;
    for (; k < d.size() && FloorDiv(d.period[k].index, ratio) == group; ++k) {
      if (!std::isnan(d.value[k])) {
        sum += d.value[k];
        ++present;
      }
      if (d.period[k].index == group * ratio + ratio - 1) last = d.value[k];
    }
    double v = kNaN;
    if (m == ast::Method::kEnd) {
      v = last;
    } else if (present == ratio) {  // only complete periods
      v = m == ast::Method::kSum ? sum : sum / ratio;
    }
    out.period.push_back(Period{to, group});
    out.value.push_back(v);
    i = k;
  }
  return out;
}

Period Evaluator::ResolveArg(const ast::PeriodArg& p, const SeriesData& d) const {
  auto r = ResolvePeriod(p.parsed, d.freq, d.cumulative, d.label);
  if (!r.ok()) Fail(Status::InvalidArgument(FormatErrorAt(text_, p.pos, r.status().message())));
  return *r;
}

SeriesData Evaluator::Cagr(const ast::Node& n, SeriesData d) {
  const Period from = ResolveArg(n.periods.at(0), d);
  const Period to = ResolveArg(n.periods.at(1), d);
  if (to.index <= from.index) Err(n.periods[1].pos, "cagr() needs the end after the start");
  auto at = [&](Period p) {
    auto it = std::lower_bound(d.period.begin(), d.period.end(), p,
                               [](const Period& a, const Period& b) { return a.index < b.index; });
    return (it != d.period.end() && it->index == p.index) ? d.value[it - d.period.begin()] : kNaN;
  };
  const double a = at(from), b = at(to);
  const double years = static_cast<double>(to.index - from.index) / PeriodsPerYear(d.freq);
  double r = kNaN;
  if (!std::isnan(a) && !std::isnan(b) && a > 0 && b >= 0) r = (std::pow(b / a, 1 / years) - 1) * 100;
  SeriesData out;
  out.label = d.label;
  out.freq = d.freq;
  out.cumulative = d.cumulative;
  out.unit = "%";
  out.measure = MeasureKind::kGrowth;
  out.period = {to};
  out.value = {r};
  out.from = {from};
  return out;
}

SeriesData Evaluator::Share(const ast::Node& n, SeriesData a, SeriesData b) {
  auto f = UnitConversionFactor(b.unit, a.unit);
  if (!f.ok()) {
    Err(n.pos, "share(): cannot compare " + a.label + " (" + a.unit + ") with " + b.label + " (" +
                   b.unit + "): the units measure different things");
  }
  ast::Node div;
  div.kind = ast::Node::Kind::kBinary;
  div.op = '/';
  div.pos = n.pos;
  std::string label = ExprText(n, bound_);
  SeriesData r = Binary(div, std::move(a), std::move(b), bound_);
  for (double& v : r.value) v *= 100;
  r.label = std::move(label);
  r.unit = "%";
  r.measure = MeasureKind::kShare;
  return r;
}

SeriesData Evaluator::ConvertUnit(const ast::Node& n, SeriesData d) {
  if (d.scalar) Err(n.pos, "a number has no unit to convert");
  if (d.unit == n.text) return d;
  auto f = UnitConversionFactor(d.unit, n.text);
  if (!f.ok()) {
    Err(n.pos, "cannot convert " + ExprText(*n.args[0], bound_) + " (" + (d.unit.empty() ? "no unit" : d.unit) +
                   ") to " + n.text + ": the units measure different things");
  }
  for (double& v : d.value) v = ScaleByUnit(v, *f);
  d.unit = n.text;
  return d;
}

SeriesData Evaluator::RangeFilter(const ast::Node& n, SeriesData d) {
  if (d.scalar) Err(n.pos, "a range needs a series, not a number");
  const int64_t lo = n.has_from ? MonthSpan(n.periods[0].parsed.period).first
                                : std::numeric_limits<int64_t>::min();
  const int64_t hi = n.has_to ? MonthSpan(n.periods[1].parsed.period).second
                              : std::numeric_limits<int64_t>::max();
  if (lo > hi) Err(n.periods[1].pos, "the range ends before it starts");
  size_t w = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    auto s = MonthSpan(d.period[i]);
    if (s.first < lo || s.second > hi) continue;
    d.period[w] = d.period[i];
    d.value[w] = d.value[i];
    if (d.raw) {
      d.vintage[w] = d.vintage[i];
      d.status[w] = d.status[i];
      d.qualifier[w] = d.qualifier[i];
    }
    if (!d.from.empty()) d.from[w] = d.from[i];
    ++w;
  }
  d.period.resize(w);
  d.value.resize(w);
  if (d.raw) {
    d.vintage.resize(w);
    d.status.resize(w);
    d.qualifier.resize(w);
  }
  if (!d.from.empty()) d.from.resize(w);
  return d;
}

// ---------------------------------------------------------------------------------------------
std::vector<Column> MetaColumns(bool describe) {
  std::vector<Column> c = {{"indicator", ColumnType::kString, ""},
                           {"name", ColumnType::kString, ""},
                           {"name_en", ColumnType::kString, ""},
                           {"unit", ColumnType::kString, ""},
                           {"measure", ColumnType::kString, ""},
                           {"frequency", ColumnType::kString, ""},
                           {"cumulative", ColumnType::kString, ""},
                           {"region", ColumnType::kString, ""},
                           {"level_series", ColumnType::kString, ""}};
  if (describe) {
    for (const char* name : {"source", "notes", "updated"}) {
      c.push_back({name, name == std::string("updated") ? ColumnType::kDate : ColumnType::kString, ""});
    }
    c.push_back({"periods", ColumnType::kInteger, ""});
    c.push_back({"first_period", ColumnType::kPeriod, ""});
    c.push_back({"last_period", ColumnType::kPeriod, ""});
    c.push_back({"last_vintage", ColumnType::kDate, ""});
    c.push_back({"targets", ColumnType::kInteger, ""});
  }
  return c;
}

std::vector<Cell> MetaCells(const SeriesMeta& m) {
  return {Str(m.code),           OptStr(m.name_zh),
          OptStr(m.name_en),     OptStr(m.unit),
          Str(storage::MeasureName(m.measure)), Str(FrequencyName(m.frequency)),
          Str(m.cumulative ? "true" : "false"), OptStr(m.region),
          OptStr(m.level_series)};
}

// The comparator as the targets table shows it (qualitative targets have none to show).
const char* ComparatorText(Comparator c) {
  return c == Comparator::kQualitative ? "" : ComparatorSymbol(c);
}

class Executor {
 public:
  Executor(const ast::Query& q, std::string_view text, storage::ReadView& view,
           const QueryOptions& options)
      : q_(q), text_(text), view_(view), options_(options) {}

  Table Run();
  ColumnarResult RunColumns();

 private:
  [[noreturn]] void Err(size_t pos, const std::string& msg) const {
    Fail(Status::InvalidArgument(FormatErrorAt(text_, pos, msg)));
  }
  const SeriesMeta& Meta(const std::string& code);
  SeriesMeta LookupSeries(const ast::Node& n);
  std::vector<SeriesMeta> Select(const ast::Node& call);
  void Resolve(const ast::Node& n, Plan& plan);
  // The series named by x of revisions/gap/need (a code or series(...)), and its read context.
  std::vector<SeriesMeta> Selection(const ast::Node& n, Ctx* ctx);

  Table Values(const ast::Node& root, const Ctx& ctx);
  Table Stats(const ast::Node& root, const Ctx& ctx);
  Table Revisions(const ast::Node& n, const Ctx& ctx);
  Table Changes(const ast::Node& n, const Ctx& ctx);
  Table Targets(const ast::Node& n, const Ctx& ctx);
  Table Need(const ast::Node& n, const Ctx& ctx);
  Table Metadata(const ast::Node& n);

  // Evaluates `root` once per series of the plan's driver (in parallel when allowed) and
  // hands each result to `sink` in order; stops early when sink returns false.
  // `map` runs on the worker thread that evaluated a series and turns it into a Slot (rows,
  // a partial aggregate...); `sink` then receives the slots in selection order on the calling
  // thread and stops early by returning false.
  template <typename Slot, typename Map, typename Sink>
  void ForEachBinding(const ast::Node& root, const Ctx& ctx, const Plan& plan, size_t chunk,
                      const Map& map, const Sink& sink);

  std::vector<Cell> TargetRow(const storage::Target& t, const Ctx& ctx, std::string* note);
  double ActualAt(const SeriesMeta& meta, Period p, const Ctx& ctx, Date* vintage,
                  uint8_t* status);

  const ast::Query& q_;
  std::string_view text_;
  storage::ReadView& view_;
  const QueryOptions& options_;
  std::map<std::string, SeriesMeta> meta_cache_;
  std::vector<std::string> notes_;
};

const SeriesMeta& Executor::Meta(const std::string& code) {
  auto it = meta_cache_.find(code);
  if (it != meta_cache_.end()) return it->second;
  auto m = view_.GetSeries(code);
  if (!m.ok()) Fail(m.status());
  return meta_cache_.emplace(code, *m).first->second;
}

SeriesMeta Executor::LookupSeries(const ast::Node& n) {
  auto m = view_.GetSeries(n.text);
  if (m.ok()) return *m;
  if (!m.status().IsNotFound()) Fail(m.status());
  // Suggest the nearest codes: small edit distance, or codes sharing a prefix / containing it.
  std::vector<std::pair<size_t, std::string>> near;
  auto all = view_.ListSeries();
  if (all.ok()) {
    const size_t cap = std::max<size_t>(2, n.text.size() / 3);
    for (const auto& s : *all) {
      size_t d = EditDistance(Lower(n.text), Lower(s.code), cap);
      if (d > cap && s.code.find(n.text) != std::string::npos) d = cap;
      if (d <= cap) near.emplace_back(d, s.code);
    }
  }
  std::sort(near.begin(), near.end());
  std::string msg = "unknown series '" + n.text + "'";
  if (!near.empty()) {
    msg += "; did you mean ";
    for (size_t i = 0; i < near.size() && i < 5; ++i) msg += (i ? ", " : "") + near[i].second;
    msg += "?";
  } else {
    msg += " (list() shows every series, search(text) finds them by name)";
  }
  Fail(Status::NotFound(FormatErrorAt(text_, n.pos, msg)));
}

std::vector<SeriesMeta> Executor::Select(const ast::Node& call) {
  using K = ast::Filter::Key;
  std::optional<MeasureKind> kind;
  std::optional<Frequency> freq;
  std::optional<bool> cumulative;
  for (const auto& f : call.filters) {
    if (f.key == K::kKind) {
      auto k = storage::ParseMeasure(f.value);
      if (!k.ok()) Err(f.pos, k.status().message());
      kind = *k;
    } else if (f.key == K::kFreq) {
      auto k = ParseFrequency(f.value);
      if (!k.ok()) Err(f.pos, k.status().message());
      freq = *k;
    } else if (f.key == K::kCumulative) {
      std::string v = Lower(f.value);
      if (v == "true" || v == "yes" || v == "1") cumulative = true;
      else if (v == "false" || v == "no" || v == "0") cumulative = false;
      else Err(f.pos, "cumulative takes true or false");
    }
  }
  for (const auto& p : call.patterns) {
    if (p.size() > kMaxPatternBytes) Err(call.pos, "code pattern too long (at most 256 bytes)");
  }
  for (const auto& f : call.filters) {
    if (f.value.size() > kMaxPatternBytes) Err(f.pos, "filter value too long (at most 256 bytes)");
  }
  auto all = view_.ListSeries();
  if (!all.ok()) Fail(all.status());
  std::vector<SeriesMeta> out;
  for (auto& s : *all) {
    if (!call.patterns.empty()) {
      bool any = false;
      for (const auto& p : call.patterns) any = any || GlobMatch(p, s.code);
      if (!any) continue;
    }
    bool ok = true;
    for (const auto& f : call.filters) {
      switch (f.key) {
        case K::kCode: ok = GlobMatch(f.value, s.code); break;
        case K::kName:
          ok = ContainsIgnoreCase(s.name_zh, f.value) || ContainsIgnoreCase(s.name_en, f.value) ||
               ContainsIgnoreCase(s.code, f.value);
          break;
        case K::kUnit: ok = s.unit == f.value; break;
        case K::kKind: ok = s.measure == *kind; break;
        case K::kFreq: ok = s.frequency == *freq; break;
        case K::kRegion: ok = s.region == f.value; break;
        case K::kCumulative: ok = s.cumulative == *cumulative; break;
      }
      if (!ok) break;
    }
    if (ok) out.push_back(std::move(s));
  }
  return out;
}

void Executor::Resolve(const ast::Node& n, Plan& plan) {
  if (n.kind == ast::Node::Kind::kSeries) {
    plan.single.emplace(&n, LookupSeries(n));
    return;
  }
  if (n.kind == ast::Node::Kind::kCall) {
    if (IsTableFunc(n.func)) {
      Err(n.pos, std::string(ast::FuncName(n.func)) +
                     "() returns a table and cannot be used inside an expression");
    }
    if (n.func == ast::Func::kSeries) {
      if (plan.driver != nullptr) {
        Err(n.pos, "an expression may hold one series(...) selection; combine it with single "
                   "series, e.g. series(kind=level) / gdp");
      }
      plan.driver = &n;
      plan.driver_series = Select(n);
      return;
    }
  }
  for (const auto& a : n.args) Resolve(*a, plan);
}

std::vector<SeriesMeta> Executor::Selection(const ast::Node& n, Ctx* ctx) {
  if (n.kind == ast::Node::Kind::kSeries) return {LookupSeries(n)};
  if (n.kind == ast::Node::Kind::kCall) {
    if (n.func == ast::Func::kSeries) return Select(n);
    if (n.func == ast::Func::kAsof) {
      ctx->mode = storage::ReadMode::kAsOf;
      ctx->as_of = *n.date;
      return Selection(*n.args[0], ctx);
    }
    if (n.func == ast::Func::kFirst) {
      ctx->mode = storage::ReadMode::kFirst;
      return Selection(*n.args[0], ctx);
    }
  }
  Err(n.pos, "expected a series code or series(...) here");
}

// ---- Values ----------------------------------------------------------------------------------
bool IsRaw(const ast::Node& n) {
  using K = ast::Node::Kind;
  if (n.kind == K::kSeries) return true;
  if (n.kind == K::kCall && n.func == ast::Func::kSeries) return true;
  if (n.kind == K::kRange || n.kind == K::kConvert) return IsRaw(*n.args[0]);
  if (n.kind == K::kCall && (n.func == ast::Func::kAsof || n.func == ast::Func::kFirst))
    return IsRaw(*n.args[0]);
  return false;
}
bool IsCagr(const ast::Node& n) {
  using K = ast::Node::Kind;
  if (n.kind == K::kCall && n.func == ast::Func::kCagr) return true;
  if (n.kind == K::kRange || n.kind == K::kConvert) return IsCagr(*n.args[0]);
  if (n.kind == K::kCall && (n.func == ast::Func::kAsof || n.func == ast::Func::kFirst))
    return IsCagr(*n.args[0]);
  return false;
}

template <typename Slot, typename Map, typename Sink>
void Executor::ForEachBinding(const ast::Node& root, const Ctx& ctx, const Plan& plan,
                              size_t chunk, const Map& map, const Sink& sink) {
  if (plan.driver == nullptr) {
    Evaluator ev(view_, plan, text_, options_);
    SeriesData d = ev.Eval(root, ctx, nullptr);
    if (d.scalar) Err(root.pos, "the query names no series (e.g. gdp, yoy(gdp), series(kind=rate))");
    Slot slot;
    map(std::move(d), slot);
    sink(std::move(slot));
    return;
  }
  const auto& all = plan.driver_series;
  const int threads = options_.new_view && all.size() >= kParallelThreshold
                          ? std::max(1, std::min(options_.threads, 16))
                          : 1;
  std::vector<std::unique_ptr<storage::ReadView>> views;
  std::vector<std::unique_ptr<Evaluator>> evals;
  evals.push_back(std::make_unique<Evaluator>(view_, plan, text_, options_));
  for (int t = 1; t < threads; ++t) {
    views.push_back(options_.new_view());
    if (!views.back()) break;
    evals.push_back(std::make_unique<Evaluator>(*views.back(), plan, text_, options_));
  }
  std::vector<Slot> slots;
  for (size_t begin = 0; begin < all.size(); begin += chunk) {
    const size_t end = std::min(all.size(), begin + chunk);
    slots.clear();
    slots.resize(end - begin);
    // Series are handed out in small blocks: fewer atomic operations, still balanced.
    constexpr size_t kBlock = 16;
    std::atomic<size_t> next{begin};
    std::atomic<bool> failed{false};
    std::optional<Status> error;
    std::mutex error_mu;
    auto work = [&](Evaluator& ev) {
      try {
        while (!failed) {
          const size_t first = next.fetch_add(kBlock);
          if (first >= end) break;
          for (size_t i = first; i < std::min(end, first + kBlock); ++i) {
            map(ev.Eval(root, ctx, &all[i]), slots[i - begin]);
          }
        }
      } catch (const QueryError& e) {
        std::lock_guard<std::mutex> l(error_mu);
        if (!error) error = e.status;
        failed = true;
      } catch (const std::bad_alloc&) {
        std::lock_guard<std::mutex> l(error_mu);
        if (!error) error = Status::LimitExceeded("out of memory evaluating the query");
        failed = true;
      }
    };
    std::vector<std::thread> pool;
    for (size_t t = 1; t < evals.size(); ++t) pool.emplace_back(work, std::ref(*evals[t]));
    work(*evals[0]);
    for (auto& th : pool) th.join();
    if (error) Fail(*error);
    for (auto& slot : slots) {
      if (!sink(std::move(slot))) return;
    }
  }
}

Table Executor::Values(const ast::Node& root, const Ctx& ctx) {
  Plan plan;
  Resolve(root, plan);
  const bool raw = IsRaw(root);
  const bool cagr = IsCagr(root);
  std::vector<Column> cols = {{"indicator", ColumnType::kString, ""},
                              {"period", ColumnType::kPeriod, ""},
                              {"value", ColumnType::kNumber, ""},
                              {"unit", ColumnType::kString, ""}};
  if (cagr) cols.push_back({"from_period", ColumnType::kPeriod, ""});
  if (raw) {
    cols.push_back({"vintage", ColumnType::kDate, ""});
    cols.push_back({"status", ColumnType::kString, ""});
    cols.push_back({"qualifier", ColumnType::kString, ""});
  }
  RowCollector rc(q_, cols, options_, text_);
  struct Rows {
    std::vector<std::vector<Cell>> rows;
    std::string unit;
    MeasureKind measure = MeasureKind::kLevel;
    bool raw = false;
  };
  const size_t ncols = cols.size();
  auto map = [&](SeriesData&& d, Rows& out) {
    out.unit = d.unit;
    out.measure = d.measure;
    out.raw = d.raw;
    out.rows.reserve(d.size());
    const Cell unit_cell = OptStr(d.unit);
    for (size_t i = 0; i < d.size(); ++i) {
      std::vector<Cell>& row = out.rows.emplace_back();
      row.reserve(ncols);
      row.emplace_back(d.label);
      row.emplace_back(FastPeriodText(d.period[i], d.cumulative));
      row.push_back(Num(d.value[i]));
      row.push_back(unit_cell);
      if (cagr) row.emplace_back(FastPeriodText(d.from[i], d.cumulative));
      if (raw) {
        row.push_back(Str(FormatDate(d.vintage[i])));
        row.push_back(OptStr(storage::ObsStatusName(static_cast<storage::ObsStatus>(d.status[i]))));
        row.push_back(OptStr(storage::QualifierSymbol(static_cast<storage::Qualifier>(d.qualifier[i]))));
      }
    }
  };
  std::optional<std::string> common_unit;
  bool same_unit = true;
  bool points = false, percent = false;
  ForEachBinding<Rows>(root, ctx, plan, kChunk, map, [&](Rows&& r) {
    if (!common_unit) common_unit = r.unit;
    same_unit = same_unit && *common_unit == r.unit;
    points = points || r.unit == "pp";
    percent = percent || (r.unit == "%" && r.measure == MeasureKind::kGrowth && !r.raw);
    rc.Reserve(r.rows.size());
    for (auto& row : r.rows) {
      if (!rc.Add(std::move(row))) return false;
    }
    return true;
  });
  std::vector<std::string> notes;
  if (points) notes.push_back("changes of rates, shares and growth rates are in percentage points (pp)");
  if (percent) notes.push_back("changes of levels, counts and ratios are in percent (%)");
  Table t = rc.Finish(std::move(notes));
  if (same_unit && common_unit) t.columns[2].unit = *common_unit;
  return t;
}

Table Executor::Stats(const ast::Node& n, const Ctx& ctx) {
  const ast::Node& root = *n.args[0];
  Plan plan;
  Resolve(root, plan);
  struct Agg {
    uint64_t count = 0, nulls = 0, series = 0;
    double sum = 0, min = std::numeric_limits<double>::infinity(),
           max = -std::numeric_limits<double>::infinity();
    std::string unit;
  } agg;
  std::string unit;
  bool same_unit = true, first = true;
  // Each series is folded on its worker thread; partial sums are added in selection order so
  // that the result does not depend on scheduling.
  auto map = [](SeriesData&& d, Agg& a) {
    a.series = 1;
    a.unit = std::move(d.unit);
    double sum = 0, mn = a.min, mx = a.max;
    uint64_t count = 0;
    for (double v : d.value) {
      if (std::isnan(v)) continue;
      ++count;
      sum += v;
      mn = v < mn ? v : mn;
      mx = v > mx ? v : mx;
    }
    a.count = count;
    a.nulls = d.value.size() - count;
    a.sum = sum;
    a.min = mn;
    a.max = mx;
  };
  ForEachBinding<Agg>(root, ctx, plan, std::numeric_limits<size_t>::max() / 2, map, [&](Agg&& a) {
    if (first) unit = a.unit;
    same_unit = same_unit && unit == a.unit;
    first = false;
    agg.series += a.series;
    agg.count += a.count;
    agg.nulls += a.nulls;
    agg.sum += a.sum;
    agg.min = std::min(agg.min, a.min);
    agg.max = std::max(agg.max, a.max);
    return true;
  });
  std::vector<Column> cols = {{"series", ColumnType::kInteger, ""},
                              {"count", ColumnType::kInteger, ""},
                              {"nulls", ColumnType::kInteger, ""},
                              {"sum", ColumnType::kNumber, same_unit ? unit : ""},
                              {"mean", ColumnType::kNumber, same_unit ? unit : ""},
                              {"min", ColumnType::kNumber, same_unit ? unit : ""},
                              {"max", ColumnType::kNumber, same_unit ? unit : ""}};
  RowCollector rc(q_, cols, options_, text_);
  const bool any = agg.count > 0;
  rc.Add({Cell{static_cast<int64_t>(agg.series)}, Cell{static_cast<int64_t>(agg.count)},
          Cell{static_cast<int64_t>(agg.nulls)}, any ? Cell{agg.sum} : Cell{},
          any ? Cell{agg.sum / static_cast<double>(agg.count)} : Cell{},
          any ? Cell{agg.min} : Cell{}, any ? Cell{agg.max} : Cell{}});
  return rc.Finish({});
}

// ---- Revisions and changes -------------------------------------------------------------------
Table Executor::Revisions(const ast::Node& n, const Ctx& outer) {
  Ctx ctx = outer;
  std::vector<SeriesMeta> series = Selection(*n.args[0], &ctx);
  std::vector<Column> cols = {{"indicator", ColumnType::kString, ""},
                              {"period", ColumnType::kPeriod, ""},
                              {"vintage", ColumnType::kDate, ""},
                              {"value", ColumnType::kNumber, ""},
                              {"status", ColumnType::kString, ""},
                              {"stage", ColumnType::kString, ""},
                              {"qualifier", ColumnType::kString, ""},
                              {"source", ColumnType::kString, ""},
                              {"unit", ColumnType::kString, ""}};
  RowCollector rc(q_, cols, options_, text_);
  for (const auto& m : series) {
    auto p = ResolvePeriod(n.periods[0].parsed, m.frequency, m.cumulative, m.code);
    if (!p.ok()) {
      if (series.size() == 1) Err(n.periods[0].pos, p.status().message());
      continue;
    }
    auto r = view_.ReadRevisions(m.code, *p);
    if (!r.ok()) Fail(r.status());
    for (const auto& v : *r) {
      if (ctx.mode == storage::ReadMode::kAsOf && v.vintage > ctx.as_of) continue;
      std::vector<Cell> row = {Str(m.code),
                               Str(FormatPeriod(v.period, m.cumulative)),
                               Str(FormatDate(v.vintage)),
                               v.deleted ? Cell{} : Num(v.value),
                               v.deleted ? Str("deleted") : OptStr(storage::ObsStatusName(v.status)),
                               OptStr(v.stage),
                               OptStr(storage::QualifierSymbol(v.qualifier)),
                               OptStr(v.source),
                               OptStr(m.unit)};
      if (!rc.Add(std::move(row))) break;
    }
  }
  return rc.Finish({});
}

Table Executor::Changes(const ast::Node& n, const Ctx&) {
  auto r = view_.ReadChanges(*n.date);
  if (!r.ok()) Fail(r.status());
  std::vector<Column> cols = {{"indicator", ColumnType::kString, ""},
                              {"period", ColumnType::kPeriod, ""},
                              {"value", ColumnType::kNumber, ""},
                              {"vintage", ColumnType::kDate, ""},
                              {"status", ColumnType::kString, ""},
                              {"previous_value", ColumnType::kNumber, ""},
                              {"previous_status", ColumnType::kString, ""},
                              {"change", ColumnType::kNumber, ""},
                              {"kind", ColumnType::kString, ""},
                              {"unit", ColumnType::kString, ""}};
  RowCollector rc(q_, cols, options_, text_);
  for (const auto& c : *r) {
    const SeriesMeta& m = Meta(c.series);
    const auto& v = c.version;
    const char* kind = v.deleted ? "deleted" : !c.had_previous ? "new" : "revised";
    std::vector<Cell> row = {Str(c.series),
                             Str(FormatPeriod(v.period, m.cumulative)),
                             v.deleted ? Cell{} : Num(v.value),
                             Str(FormatDate(v.vintage)),
                             v.deleted ? Str("deleted") : OptStr(storage::ObsStatusName(v.status)),
                             c.had_previous ? Num(c.previous_value) : Cell{},
                             c.had_previous ? OptStr(storage::ObsStatusName(c.previous_status)) : Cell{},
                             c.had_previous && !v.deleted ? Num(DecimalDiff(v.value, c.previous_value)) : Cell{},
                             Str(kind),
                             OptStr(m.unit)};
    if (!rc.Add(std::move(row))) break;
  }
  return rc.Finish({});
}

// ---- Targets -----------------------------------------------------------------------------------
double Executor::ActualAt(const SeriesMeta& meta, Period p, const Ctx& ctx, Date* vintage,
                          uint8_t* status) {
  storage::ReadRequest req;
  req.mode = ctx.mode;
  req.as_of = ctx.as_of;
  req.from = p;
  req.to = p;
  auto r = view_.ReadSeries(meta.code, req);
  if (!r.ok()) Fail(r.status());
  for (size_t i = 0; i < r->size(); ++i) {
    if (r->period[i] == p) {
      if (vintage) *vintage = r->vintage[i];
      if (status) *status = r->status[i];
      return r->value[i];
    }
  }
  return kNaN;
}

std::vector<Column> TargetColumns() {
  return {{"indicator", ColumnType::kString, ""},  {"period", ColumnType::kPeriod, ""},
          {"comparator", ColumnType::kString, ""}, {"target", ColumnType::kNumber, ""},
          {"actual", ColumnType::kNumber, ""},     {"gap", ColumnType::kNumber, ""},
          {"status", ColumnType::kString, ""},     {"unit", ColumnType::kString, ""},
          {"gap_unit", ColumnType::kString, ""},   {"tolerance", ColumnType::kNumber, ""},
          {"shortfall", ColumnType::kNumber, ""},  {"actual_vintage", ColumnType::kDate, ""},
          {"actual_status", ColumnType::kString, ""}, {"text", ColumnType::kString, ""},
          {"source", ColumnType::kString, ""},     {"note", ColumnType::kString, ""}};
}

// A <= target written 控制在X左右 carries the 左右 tolerance even when none was stored.
bool SaysAbout(const storage::Target& t) { return ixdb::SaysAbout(t.text) || ixdb::SaysAbout(t.source); }

Period SamePeriodFor(Period p, const SeriesMeta& other) {
  if (p.freq == other.frequency) return p;
  if (p.freq == Frequency::kAnnual && other.cumulative) {
    return other.frequency == Frequency::kQuarterly ? Period::Quarter(p.index, 4)
                                                    : Period::Month(p.index, 12);
  }
  if (other.frequency == Frequency::kAnnual && p.sub() == PeriodsPerYear(p.freq)) {
    return Period::Annual(p.year());
  }
  return Period{other.frequency, std::numeric_limits<int32_t>::min() / 2};  // matches nothing
}

std::vector<Cell> Executor::TargetRow(const storage::Target& t, const Ctx& ctx,
                                      std::string* note_out) {
  using C = storage::Comparator;
  const SeriesMeta& m = Meta(t.series);
  std::string note;
  const std::string unit = t.unit.empty() ? m.unit : t.unit;
  const bool pct = IsPointsUnit(unit);
  Date vintage{};
  uint8_t astatus = 0;
  double actual = ActualAt(m, t.period, ctx, &vintage, &astatus);
  const bool have_actual = !std::isnan(actual);
  if (have_actual && !t.unit.empty() && t.unit != m.unit) {
    auto f = UnitConversionFactor(m.unit, t.unit);
    if (f.ok()) {
      actual = ScaleByUnit(actual, *f);
    } else {
      note = "actual in " + m.unit + " cannot be compared with a target in " + t.unit;
      actual = kNaN;
    }
  }
  double target = t.value;
  if (t.comparator == C::kRelative) {
    auto other = view_.GetSeries(t.relative_to);
    if (other.ok()) {
      meta_cache_.emplace(other->code, *other);
      target = ActualAt(*other, SamePeriodFor(t.period, *other), ctx, nullptr, nullptr);
      note = "in step with " + t.relative_to;
    } else {
      note = "relative_to series " + t.relative_to + " not found";
    }
  }
  double tol = t.tolerance;
  if (std::isnan(tol)) {
    const bool about = t.comparator == C::kAbout || t.comparator == C::kRelative ||
                       (t.comparator == C::kAtMost && SaysAbout(t));
    tol = about ? options_.default_about_tolerance : 0;
  }
  std::string status;
  double gap = kNaN, shortfall = kNaN;
  if (t.comparator == C::kQualitative) {
    status = "qualitative";
  } else if (std::isnan(actual) || std::isnan(target)) {
    status = "pending";
  } else {
    gap = DecimalDiff(actual, target);
    // A relative epsilon absorbs binary rounding (6 - 0.3 vs 5.7) at the tolerance edge.
    const double eps = 1e-9 * std::max(1.0, std::fabs(target));
    bool met;
    if (t.comparator == C::kAtMost) {
      met = actual <= target + tol + eps;
      shortfall = DecimalDiff(actual, target);
    } else {
      met = actual >= target - tol - eps;
      shortfall = DecimalDiff(target, actual);
    }
    status = met ? "met" : "missed";
  }
  if (note_out) *note_out = note;
  const bool judged = t.comparator != C::kQualitative;
  return {Str(t.series),
          Str(FormatPeriod(t.period, m.cumulative)),
          OptStr(ComparatorText(t.comparator)),
          Num(target),
          Num(actual),
          Num(gap),
          Str(status),
          OptStr(unit),
          judged ? OptStr(pct ? "pp" : unit) : Cell{},
          judged ? Num(tol) : Cell{},
          Num(shortfall),
          have_actual ? Str(FormatDate(vintage)) : Cell{},
          have_actual ? OptStr(storage::ObsStatusName(static_cast<storage::ObsStatus>(astatus)))
                      : Cell{},
          OptStr(t.text),
          OptStr(t.source),
          OptStr(note)};
}

Table Executor::Targets(const ast::Node& n, const Ctx& outer) {
  Ctx ctx = outer;
  const Date as_of = ctx.mode == storage::ReadMode::kAsOf ? ctx.as_of : kMaxDate;
  std::vector<storage::Target> targets;
  if (n.func == ast::Func::kTargets) {
    auto r = view_.ReadTargets("", std::nullopt, as_of);
    if (!r.ok()) Fail(r.status());
    std::optional<std::pair<int64_t, int64_t>> span;
    if (!n.periods.empty()) span = MonthSpan(n.periods[0].parsed.period);
    for (auto& t : *r) {
      if (span) {
        auto s = MonthSpan(t.period);
        if (s.first < span->first || s.second > span->second) continue;
      }
      targets.push_back(std::move(t));
    }
  } else {  // gap(x, period)
    std::vector<SeriesMeta> series = Selection(*n.args[0], &ctx);
    for (const auto& m : series) {
      meta_cache_.emplace(m.code, m);
      auto p = ResolvePeriod(n.periods[0].parsed, m.frequency, m.cumulative, m.code);
      if (!p.ok()) {
        if (series.size() == 1) Err(n.periods[0].pos, p.status().message());
        continue;
      }
      auto r = view_.ReadTargets(m.code, *p, ctx.mode == storage::ReadMode::kAsOf ? ctx.as_of : kMaxDate);
      if (!r.ok()) Fail(r.status());
      for (auto& t : *r) targets.push_back(std::move(t));
    }
    if (targets.empty() && series.size() == 1) {
      Fail(Status::NotFound(FormatErrorAt(text_, n.args[0]->pos,
                                          "no target for " + series[0].code + " in " +
                                              n.periods[0].text)));
    }
  }
  RowCollector rc(q_, TargetColumns(), options_, text_);
  for (const auto& t : targets) {
    if (!rc.Add(TargetRow(t, ctx, nullptr))) break;
  }
  return rc.Finish({"met: >= when actual >= target - tolerance; <= when actual <= target + "
                    "tolerance; = and ~ when actual >= target - tolerance. Default tolerance of ~ "
                    "targets: " + NumberText(options_.default_about_tolerance) +
                    "; of the others: 0"});
}

// ---- need ------------------------------------------------------------------------------------
Table Executor::Need(const ast::Node& n, const Ctx& outer) {
  using C = storage::Comparator;
  Ctx ctx = outer;
  std::vector<SeriesMeta> series = Selection(*n.args[0], &ctx);
  std::vector<Column> cols = {{"indicator", ColumnType::kString, ""},
                              {"period", ColumnType::kPeriod, ""},
                              {"from_period", ColumnType::kPeriod, ""},
                              {"from_value", ColumnType::kNumber, ""},
                              {"target", ColumnType::kNumber, ""},
                              {"need", ColumnType::kNumber, ""},
                              {"need_unit", ColumnType::kString, ""},
                              {"unit", ColumnType::kString, ""},
                              {"comparator", ColumnType::kString, ""},
                              {"method", ColumnType::kString, ""},
                              {"note", ColumnType::kString, ""}};
  RowCollector rc(q_, cols, options_, text_);
  const Date as_of = ctx.mode == storage::ReadMode::kAsOf ? ctx.as_of : kMaxDate;
  bool any_target = false;
  for (const auto& m : series) {
    auto rp = ResolvePeriod(n.periods[0].parsed, m.frequency, m.cumulative, m.code);
    if (!rp.ok()) {
      if (series.size() == 1) Err(n.periods[0].pos, rp.status().message());
      continue;
    }
    const Period period = *rp;
    auto tr = view_.ReadTargets(m.code, period, as_of);
    if (!tr.ok()) Fail(tr.status());
    for (const auto& t : *tr) {
      if (t.comparator == C::kQualitative || t.comparator == C::kRelative || std::isnan(t.value)) continue;
      any_target = true;
      const std::string unit = t.unit.empty() ? m.unit : t.unit;
      storage::ReadRequest req;
      req.mode = ctx.mode;
      req.as_of = ctx.as_of;
      auto data = view_.ReadSeries(m.code, req);
      if (!data.ok()) Fail(data.status());
      std::optional<Period> from;
      double from_value = kNaN, need = kNaN;
      std::string need_unit = "%", method, note;
      if (m.measure == MeasureKind::kGrowth) {
        // Growth target: the rest of the year given the cumulative figure so far.
        method = "rest of year";
        const int year = period.year();
        double year_value = kNaN;
        for (size_t i = 0; i < data->size(); ++i) {
          const Period p = data->period[i];
          if (p.year() != year || std::isnan(data->value[i])) continue;
          if (p.index >= period.index) {
            year_value = data->value[i];
          } else {
            from = p;
            from_value = data->value[i];
          }
        }
        if (!std::isnan(year_value)) {
          note = "the figure for the whole period is already published";
        } else if (!from) {
          need = t.value;
          note = "no figure for " + std::to_string(year) + " yet: the whole period needs the target";
        } else {
          // Weights: the level series' cumulative levels a year earlier, up to `from` and for
          // the whole year: (1+g)L_Y = (1+g1)L_k + (1+g2)(L_Y - L_k).
          double lk = kNaN, ly = kNaN;
          std::string why;
          if (m.level_series.empty()) {
            why = "series " + m.code + " names no level_series";
          } else {
            auto lm = view_.GetSeries(m.level_series);
            if (!lm.ok()) {
              why = "level_series " + m.level_series + " not found";
            } else {
              auto lv = view_.ReadSeries(m.level_series, req);
              if (!lv.ok()) Fail(lv.status());
              auto value_at = [&](Period p) {
                for (size_t i = 0; i < lv->size(); ++i) {
                  if (lv->period[i] == p) return lv->value[i];
                }
                return kNaN;
              };
              const Period k_prev = from->YearAgo();
              const Period y_prev = period.YearAgo();
              if (lm->frequency == m.frequency && lm->cumulative) {
                lk = value_at(k_prev);
                ly = value_at(y_prev);
              } else if (lm->frequency == m.frequency && !lm->cumulative) {
                double s = 0;
                const int ppy = PeriodsPerYear(m.frequency);
                const int32_t first = (year - 1) * ppy;
                bool complete = true;
                for (int32_t i = first; i < first + ppy; ++i) {
                  double v = value_at(Period{m.frequency, i});
                  if (std::isnan(v)) complete = false;
                  s += v;
                  if (i == k_prev.index) lk = complete ? s : kNaN;
                }
                ly = complete ? s : kNaN;
              } else {
                why = "level_series " + m.level_series + " is " + FrequencyName(lm->frequency) +
                      (lm->cumulative ? " cumulative" : "") + ": no split of the year";
              }
              if (why.empty() && (std::isnan(lk) || std::isnan(ly))) {
                why = "level_series " + m.level_series + " lacks " +
                      FormatPeriod(k_prev, lm->cumulative) + " or " +
                      FormatPeriod(y_prev, lm->cumulative) + " levels";
              }
            }
          }
          if (why.empty() && ly > lk && lk > 0) {
            need = (((1 + t.value / 100) * ly - (1 + from_value / 100) * lk) / (ly - lk) - 1) * 100;
            note = "weights from " + m.level_series + " a year earlier";
          } else {
            note = "cannot compute: weights missing (" + (why.empty() ? "bad levels" : why) + ")";
          }
        }
      } else if (IsPointsUnit(unit) || storage::ChangesInPoints(m.measure)) {
        method = "difference";
        need_unit = "pp";
        for (size_t i = 0; i < data->size(); ++i) {
          if (data->period[i].index < period.index && !std::isnan(data->value[i])) {
            from = data->period[i];
            from_value = data->value[i];
          }
        }
        if (from) need = DecimalDiff(t.value, from_value);
        else note = "no value before " + FormatPeriod(period, m.cumulative);
      } else {
        // Level target: compound growth per year from the latest actual before the period.
        method = "compound per year";
        for (size_t i = 0; i < data->size(); ++i) {
          if (data->period[i].index < period.index && !std::isnan(data->value[i])) {
            from = data->period[i];
            from_value = data->value[i];
          }
        }
        if (from && unit != m.unit) {
          auto f = UnitConversionFactor(m.unit, unit);
          if (f.ok()) {
            from_value = ScaleByUnit(from_value, *f);
          } else {
            note = "values in " + m.unit + " cannot be compared with a target in " + unit;
            from_value = kNaN;
          }
        }
        if (!from) {
          note = "no value before " + FormatPeriod(period, m.cumulative);
        } else if (!std::isnan(from_value) && from_value > 0) {
          const double years =
              static_cast<double>(period.index - from->index) / PeriodsPerYear(m.frequency);
          need = (std::pow(t.value / from_value, 1 / years) - 1) * 100;
          if (years != 1) note = "over " + NumberText(years) + " years";
        }
      }
      std::vector<Cell> row = {Str(m.code),
                               Str(FormatPeriod(period, m.cumulative)),
                               from ? Str(FormatPeriod(*from, m.cumulative)) : Cell{},
                               Num(from_value),
                               Num(t.value),
                               Num(need),
                               Str(need_unit),
                               OptStr(unit),
                               OptStr(ComparatorText(t.comparator)),
                               Str(method),
                               OptStr(note)};
      if (!rc.Add(std::move(row))) break;
    }
  }
  if (!any_target && series.size() == 1) {
    Fail(Status::NotFound(FormatErrorAt(text_, n.args[0]->pos,
                                        "no numeric target for " + series[0].code + " in " +
                                            n.periods[0].text)));
  }
  return rc.Finish({});
}

// ---- Metadata ---------------------------------------------------------------------------------
Table Executor::Metadata(const ast::Node& n) {
  const bool describe = n.func == ast::Func::kDescribe;
  std::vector<SeriesMeta> series;
  if (n.func == ast::Func::kSearch) {
    auto r = view_.SearchSeries(n.text);
    if (!r.ok()) Fail(r.status());
    series = std::move(*r);
  } else {
    series = Select(n);
    if (describe && series.empty() && n.filters.empty() && n.patterns.size() == 1 &&
        n.patterns[0].find_first_of("*?") == std::string::npos) {
      ast::Node fake;
      fake.text = n.patterns[0];
      fake.pos = n.pos;
      LookupSeries(fake);  // fails with suggestions
    }
  }
  RowCollector rc(q_, MetaColumns(describe), options_, text_);
  for (const auto& m : series) {
    std::vector<Cell> row = MetaCells(m);
    if (describe) {
      row.push_back(OptStr(m.source));
      row.push_back(OptStr(m.notes));
      row.push_back(m.updated.days != 0 ? Str(FormatDate(m.updated)) : Cell{});
      storage::ReadRequest req;
      auto r = view_.ReadSeries(m.code, req);
      if (!r.ok()) Fail(r.status());
      row.push_back(Cell{static_cast<int64_t>(r->size())});
      if (r->size() > 0) {
        row.push_back(Str(PeriodText(r->period.front(), m.cumulative)));
        row.push_back(Str(PeriodText(r->period.back(), m.cumulative)));
        row.push_back(Str(FormatDate(*std::max_element(r->vintage.begin(), r->vintage.end()))));
      } else {
        row.insert(row.end(), 3, Cell{});
      }
      auto t = view_.ReadTargets(m.code, std::nullopt);
      if (!t.ok()) Fail(t.status());
      row.push_back(Cell{static_cast<int64_t>(t->size())});
    }
    if (!rc.Add(std::move(row))) break;
  }
  return rc.Finish({});
}

ColumnarResult Executor::RunColumns() {
  if (q_.where || !q_.order.empty() || q_.limit) {
    Fail(Status::InvalidArgument("RunValueQuery takes an expression without where, order by or limit"));
  }
  const ast::Node& root = *q_.expr;
  Plan plan;
  Resolve(root, plan);  // fails for table functions inside expressions
  if (root.kind == ast::Node::Kind::kCall && IsTableFunc(root.func)) {
    Err(root.pos, std::string(ast::FuncName(root.func)) + "() returns a table; use RunQuery");
  }
  ColumnarResult out;
  size_t points = 0;
  auto map = [](SeriesData&& d, SeriesColumns& c) {
    c.indicator = std::move(d.label);
    c.unit = std::move(d.unit);
    c.frequency = d.freq;
    c.cumulative = d.cumulative;
    c.period = std::move(d.period);
    c.value = std::move(d.value);
  };
  ForEachBinding<SeriesColumns>(root, Ctx{}, plan, kChunk, map, [&](SeriesColumns&& c) {
    points += c.period.size();
    if (points > options_.max_rows) {
      Fail(Status::LimitExceeded("the result has more than " + std::to_string(options_.max_rows) +
                                 " values; narrow it with a period range"));
    }
    out.series.push_back(std::move(c));
    return true;
  });
  return out;
}

Table Executor::Run() {
  const ast::Node* root = q_.expr.get();
  Ctx ctx;
  // asof(...) / first(...) around a table function set its read context.
  while (root->kind == ast::Node::Kind::kCall &&
         (root->func == ast::Func::kAsof || root->func == ast::Func::kFirst) &&
         root->args[0]->kind == ast::Node::Kind::kCall && IsTableFunc(root->args[0]->func)) {
    if (root->func == ast::Func::kAsof) {
      ctx.mode = storage::ReadMode::kAsOf;
      ctx.as_of = *root->date;
    } else {
      ctx.mode = storage::ReadMode::kFirst;
    }
    root = root->args[0].get();
  }
  if (root->kind == ast::Node::Kind::kCall) {
    switch (root->func) {
      case ast::Func::kRevisions: return Revisions(*root, ctx);
      case ast::Func::kChanges: return Changes(*root, ctx);
      case ast::Func::kTargets:
      case ast::Func::kGap: return Targets(*root, ctx);
      case ast::Func::kNeed: return Need(*root, ctx);
      case ast::Func::kList:
      case ast::Func::kDescribe:
      case ast::Func::kSearch: return Metadata(*root);
      case ast::Func::kStats: return Stats(*root, ctx);
      default: break;
    }
  }
  return Values(*root, ctx);
}

}  // namespace

const char* ast::FuncName(ast::Func f) {
  switch (f) {
    case Func::kAsof: return "asof";
    case Func::kFirst: return "first";
    case Func::kRevisions: return "revisions";
    case Func::kChanges: return "changes";
    case Func::kYoy: return "yoy";
    case Func::kPop: return "pop";
    case Func::kDiff: return "diff";
    case Func::kLag: return "lag";
    case Func::kLead: return "lead";
    case Func::kCagr: return "cagr";
    case Func::kLog: return "log";
    case Func::kRolling: return "rolling";
    case Func::kDiscrete: return "discrete";
    case Func::kAnnual: return "annual";
    case Func::kQuarterly: return "quarterly";
    case Func::kShare: return "share";
    case Func::kTargets: return "targets";
    case Func::kGap: return "gap";
    case Func::kNeed: return "need";
    case Func::kSeries: return "series";
    case Func::kList: return "list";
    case Func::kDescribe: return "describe";
    case Func::kSearch: return "search";
    case Func::kStats: return "stats";
  }
  return "?";
}

const char* ast::MethodName(ast::Method m) {
  switch (m) {
    case Method::kSum: return "sum";
    case Method::kAvg: return "avg";
    case Method::kEnd: return "end";
  }
  return "?";
}

std::string PeriodText(Period p, bool cumulative) { return FastPeriodText(p, cumulative); }

size_t EditDistance(std::string_view a, std::string_view b, size_t cap) {
  if (a.size() > b.size() + cap || b.size() > a.size() + cap) return cap + 1;
  if (a.size() > 256 || b.size() > 256) return cap + 1;
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    size_t row_min = cur[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > cap) return cap + 1;
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

Result<ColumnarResult> ExecuteColumns(const ast::Query& query, std::string_view text,
                                      storage::ReadView& view, const QueryOptions& options) {
  try {
    Executor ex(query, text, view, options);
    return ex.RunColumns();
  } catch (const QueryError& e) {
    return e.status;
  } catch (const std::bad_alloc&) {
    return Status::LimitExceeded("out of memory evaluating the query");
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("cannot evaluate the query: ") + e.what());
  }
}

Result<Table> Execute(const ast::Query& query, std::string_view text, storage::ReadView& view,
                      const QueryOptions& options) {
  try {
    Executor ex(query, text, view, options);
    return ex.Run();
  } catch (const QueryError& e) {
    return e.status;
  } catch (const std::bad_alloc&) {
    return Status::LimitExceeded("out of memory evaluating the query");
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("cannot evaluate the query: ") + e.what());
  }
}

}  // namespace ixdb::query
