#include "query/internal/row_collector.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <variant>

#include "common/period.hpp"
#include "common/strings.hpp"
#include "query/internal/series_data.hpp"
#include "query/parser.hpp"

namespace ixdb::query {

struct RowCollector::Compiled {
  ast::Condition::Kind kind;
  int col = -1;
  std::string op;
  std::string literal;
  bool literal_null = false;
  std::optional<double> number;
  std::optional<ParsedPeriod> period;  // a period literal (span rule of series_data.hpp)
  std::vector<std::unique_ptr<Compiled>> args;
};

RowCollector::RowCollector(const ast::Query& q, std::vector<Column> columns,
                           const QueryOptions& options, std::string_view text)
    : columns_(std::move(columns)), options_(options), text_(text) {
  if (q.where) where_ = Compile(*q.where);
  for (const auto& k : q.order)
    order_.push_back({ColumnIndex(k.column, k.pos, "order by"), k.descending});
  if (q.limit) {
    limit_ = static_cast<size_t>(std::max<int64_t>(0, *q.limit));
  }
}

RowCollector::~RowCollector() = default;

bool RowCollector::Add(std::vector<Cell>&& row, bool cumulative) {
  if (where_ && !Eval(*where_, row, cumulative)) return true;
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

void RowCollector::Reserve(size_t n) {
  if (!where_ && n <= options_.max_rows) rows_.reserve(rows_.size() + n);
}

Table RowCollector::Finish(std::vector<std::string> notes) {
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

int RowCollector::ColumnIndex(const std::string& name, size_t pos, const char* where) {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return static_cast<int>(i);
  }
  std::string names;
  for (const auto& c : columns_) names += (names.empty() ? "" : ", ") + c.name;
  Fail(Status::InvalidArgument(FormatErrorAt(
      text_, pos, "unknown column '" + name + "' in " + where + " (columns: " + names + ")")));
}

std::unique_ptr<RowCollector::Compiled> RowCollector::Compile(const ast::Condition& c) {
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
          text_, c.pos,
          "column '" + c.column + "' holds numbers: '" + c.literal + "' is not one")));
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
    out->period = *p;
  }
  return out;
}

static int Cmp3(double a, double b) { return a < b ? -1 : (a > b ? 1 : 0); }

bool RowCollector::Eval(const Compiled& c, const std::vector<Cell>& row,
                        bool row_cumulative) const {
  switch (c.kind) {
    case ast::Condition::Kind::kAnd:
      return Eval(*c.args[0], row, row_cumulative) && Eval(*c.args[1], row, row_cumulative);
    case ast::Condition::Kind::kOr:
      return Eval(*c.args[0], row, row_cumulative) || Eval(*c.args[1], row, row_cumulative);
    case ast::Condition::Kind::kNot:
      return !Eval(*c.args[0], row, row_cumulative);
    case ast::Condition::Kind::kCompare:
      break;
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
  } else if (c.period) {
    if (!std::holds_alternative<std::string>(cell)) return false;
    auto p = ParsePeriod(std::get<std::string>(cell));
    if (!p.ok()) return false;
    // A row's period is a year-to-date span when its series is cumulative (2023Q1 of a
    // cumulative series prints like a plain quarter) or when it is written as one.
    const bool cumulative = row_cumulative || p->span;
    const Period r = p->period;
    if (c.op == "=") return RowInRange(r, cumulative, &*c.period, &*c.period);
    if (c.op == "!=") return !RowInRange(r, cumulative, &*c.period, &*c.period);
    if (c.op == ">=") return RowInRange(r, cumulative, &*c.period, nullptr);
    if (c.op == "<=") return RowInRange(r, cumulative, nullptr, &*c.period);
    if (c.op == ">") return RowAfter(r, cumulative, *c.period);
    if (c.op == "<") return RowBefore(r, cumulative, *c.period);
    return false;
  } else {
    std::string text = std::holds_alternative<std::string>(cell) ? std::get<std::string>(cell)
                       : std::holds_alternative<double>(cell)
                           ? NumberText(std::get<double>(cell))
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

int RowCollector::CompareCells(const Cell& a, const Cell& b, ColumnType type) const {
  const bool an = std::holds_alternative<std::monostate>(a);
  const bool bn = std::holds_alternative<std::monostate>(b);
  if (an || bn) return an == bn ? 0 : (an ? 2 : -2);  // +-2: null ordering ignores direction
  auto num = [](const Cell& c) {
    return std::holds_alternative<double>(c)    ? std::get<double>(c)
           : std::holds_alternative<int64_t>(c) ? static_cast<double>(std::get<int64_t>(c))
                                                : kNaN;
  };
  if (std::holds_alternative<std::string>(a) && std::holds_alternative<std::string>(b)) {
    const auto& x = std::get<std::string>(a);
    const auto& y = std::get<std::string>(b);
    if (type == ColumnType::kPeriod) {
      auto px = ParsePeriod(x), py = ParsePeriod(y);
      if (px.ok() && py.ok()) {
        auto sx = BoundMonths(*px), sy = BoundMonths(*py);
        if (sx != sy) return sx < sy ? -1 : 1;
      }
    }
    int c = x.compare(y);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  double x = num(a), y = num(b);
  return x < y ? -1 : (x > y ? 1 : 0);
}

void RowCollector::Sort(size_t keep) {
  auto less = [this](const std::vector<Cell>& a, const std::vector<Cell>& b) {
    for (const auto& [col, desc] : order_) {
      int c = CompareCells(a[col], b[col], columns_[col].type);
      if (c == 2 || c == -2) return c < 0;
      if (c != 0) return desc ? c > 0 : c < 0;
    }
    return false;
  };
  if (keep < rows_.size()) {
    std::partial_sort(rows_.begin(), rows_.begin() + static_cast<ptrdiff_t>(keep), rows_.end(),
                      less);
  } else {
    std::stable_sort(rows_.begin(), rows_.end(), less);
  }
}

void RowCollector::CheckSize() {
  if ((++added_ & 1023) == 0) {
    if (Status c = CheckCancelled(options_); !c.ok()) Fail(c);
  }
  if (rows_.size() > options_.max_rows) {
    Fail(Status::LimitExceeded("the result has more than " + std::to_string(options_.max_rows) +
                               " rows; narrow it with a period range, where or limit"));
  }
}

}  // namespace ixdb::query
