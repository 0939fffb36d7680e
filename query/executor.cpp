// The executor: runs a bound query against one snapshot (internal/executor.hpp). Function
// implementations live in query/functions/, one file per family.
#include "query/executor.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/date.hpp"
#include "common/period.hpp"
#include "common/strings.hpp"
#include "query/internal/binder.hpp"
#include "query/internal/bound_query_cache.hpp"
#include "query/internal/executor.hpp"
#include "query/internal/for_each_binding.hpp"
#include "query/internal/formula.hpp"
#include "query/internal/function_registry.hpp"
#include "query/internal/value_rows.hpp"
#include "query/parser.hpp"

namespace ixdb::query {

using storage::MeasureKind;
using storage::SeriesMeta;

namespace {

// Longest code pattern or filter value (glob matching is quadratic in the worst case).
constexpr size_t kMaxPatternBytes = 256;

// A straight read of stored data (a formula's values are computed: they have no vintages).
bool IsRaw(const ast::Node& n, const Plan& plan) {
  using K = ast::Node::Kind;
  if (n.kind == K::kSeries) return !plan.single.at(&n)->IsFormula();
  if (n.kind == K::kCall && n.text == "series") return true;
  if (n.kind == K::kRange || n.kind == K::kConvert) return IsRaw(*n.args[0], plan);
  if (n.kind == K::kCall && (n.text == "asof" || n.text == "first"))
    return IsRaw(*n.bound[0].expr, plan);
  return false;
}

// cagr(...) and avg_growth(...) rows cover from_period..period: the rows show both.
bool HasFromColumn(const ast::Node& n) {
  using K = ast::Node::Kind;
  if (n.kind == K::kCall && n.def->from_column) return true;
  if (n.kind == K::kRange || n.kind == K::kConvert) return HasFromColumn(*n.args[0]);
  if (n.kind == K::kCall && n.def->wraps_tables) return HasFromColumn(*n.bound[0].expr);
  return false;
}

}  // namespace

void Executor::Err(size_t pos, const std::string& msg) const {
  Fail(Status::InvalidArgument(FormatErrorAt(text_, pos, msg)));
}

void Executor::NotFoundAt(size_t pos, const std::string& msg) const {
  Fail(Status::NotFound(FormatErrorAt(text_, pos, msg)));
}

void Executor::Note(std::string note) {
  if (std::find(notes_.begin(), notes_.end(), note) == notes_.end())
    notes_.push_back(std::move(note));
}

const SeriesMeta& Executor::Meta(const std::string& code) {
  const SeriesMeta* m = view_.FindMeta(code);
  if (m == nullptr || m->IsFormula()) Fail(view_.GetSeries(code).status());  // its NotFound
  return *m;
}

const SeriesMeta& Executor::LookupSeries(const std::string& code, size_t pos) {
  if (const SeriesMeta* m = view_.FindMeta(code)) return *m;
  // Suggest the nearest codes: small edit distance, or codes sharing a prefix / containing it.
  std::vector<std::pair<size_t, std::string>> near;
  const size_t cap = std::max<size_t>(2, code.size() / 3);
  for (const SeriesMeta* s : AllSeries()) {
    size_t d = EditDistance(Lower(code), Lower(s->code), cap);
    if (d > cap && s->code.find(code) != std::string::npos) d = cap;
    if (d <= cap) near.emplace_back(d, s->code);
  }
  std::sort(near.begin(), near.end());
  std::string msg = "unknown series '" + code + "'";
  if (!near.empty()) {
    msg += "; did you mean ";
    for (size_t i = 0; i < near.size() && i < 5; ++i) msg += (i ? ", " : "") + near[i].second;
    msg += "?";
  } else {
    msg += " (list() shows every series, search(text) finds them by name)";
  }
  Fail(Status::NotFound(FormatErrorAt(text_, pos, msg)));
}

MetaList Executor::Select(const ast::Selector& call, size_t pos) {
  using K = ast::Filter::Key;
  std::optional<MeasureKind> kind;
  std::optional<bool> formula;  // kind=formula | kind=data
  std::optional<Frequency> freq;
  std::optional<bool> cumulative;
  for (const auto& f : call.filters) {
    if (f.key == K::kKind && (Lower(f.value) == "formula" || Lower(f.value) == "data")) {
      formula = Lower(f.value) == "formula";
    } else if (f.key == K::kKind) {
      auto k = storage::ParseMeasure(f.value);
      if (!k.ok()) Err(f.pos, k.status().message());
      kind = *k;
    } else if (f.key == K::kFreq) {
      auto k = ParseFrequency(f.value);
      if (!k.ok()) Err(f.pos, k.status().message());
      freq = *k;
    } else if (f.key == K::kCumulative) {
      std::string v = Lower(f.value);
      if (v == "true" || v == "yes" || v == "1")
        cumulative = true;
      else if (v == "false" || v == "no" || v == "0")
        cumulative = false;
      else
        Err(f.pos, "cumulative takes true or false");
    }
  }
  for (const auto& p : call.patterns) {
    if (p.size() > kMaxPatternBytes) Err(pos, "code pattern too long (at most 256 bytes)");
  }
  for (const auto& f : call.filters) {
    if (f.value.size() > kMaxPatternBytes) Err(f.pos, "filter value too long (at most 256 bytes)");
  }
  MetaList out;
  for (const SeriesMeta* m : AllSeries()) {
    const SeriesMeta& s = *m;
    if (!call.patterns.empty()) {
      bool any = false;
      for (const auto& p : call.patterns) any = any || GlobMatch(p, s.code);
      if (!any) continue;
    }
    bool ok = true;
    for (const auto& f : call.filters) {
      switch (f.key) {
        case K::kCode:
          ok = GlobMatch(f.value, s.code);
          break;
        case K::kName:
          ok = ContainsIgnoreCase(s.name_zh, f.value) || ContainsIgnoreCase(s.name_en, f.value) ||
               ContainsIgnoreCase(s.code, f.value);
          break;
        case K::kUnit:
          ok = s.unit == f.value;
          break;
        case K::kKind:
          ok = kind ? s.measure == *kind : s.IsFormula() == *formula;
          break;
        case K::kFreq:
          ok = s.frequency == *freq;
          break;
        case K::kRegion:
          ok = s.region == f.value;
          break;
        case K::kCumulative:
          ok = s.cumulative == *cumulative;
          break;
      }
      if (!ok) break;
    }
    if (ok) out.push_back(m);
  }
  return out;
}

void Executor::Resolve(const ast::Node& n, Plan& plan) {
  if (n.kind == ast::Node::Kind::kSeries) {
    const SeriesMeta& m = LookupSeries(n.text, n.pos);
    if (m.IsFormula()) AddFormula(m, plan);
    plan.single.emplace(&n, &m);
    return;
  }
  if (n.kind == ast::Node::Kind::kCall) {
    if (n.def != nullptr && n.def->folds_selection) {
      ResolveFold(n, plan);
      return;
    }
    if (n.text == "series") {
      if (plan.driver != nullptr) {
        Err(n.pos,
            "an expression may hold one series(...) selection; combine it with single "
            "series, e.g. series(kind=level) / gdp");
      }
      plan.driver = &n;
      plan.driver_series = Select(n.bound[0].selector, n.pos);
      for (const SeriesMeta* m : plan.driver_series) {
        if (m->IsFormula()) AddFormula(*m, plan);
      }
      return;
    }
  }
  for (const auto& a : n.args) Resolve(*a, plan);
  for (const auto& b : n.bound) {
    if (b.expr) Resolve(*b.expr, plan);
  }
}

// sum(series(...)) and the other folds: the selection inside is the call's own; single series
// inside it are resolved as everywhere.
void Executor::ResolveFold(const ast::Node& call, Plan& plan) {
  const ast::Node* selection = nullptr;
  std::vector<const ast::Node*> stack = {call.bound[0].expr};
  while (!stack.empty()) {
    const ast::Node* n = stack.back();
    stack.pop_back();
    if (n->kind == ast::Node::Kind::kCall && n->text == "series") {
      if (selection != nullptr) {
        Err(n->pos, call.text + "() folds one series(...) selection; this is a second one");
      }
      selection = n;
      continue;
    }
    if (n->kind == ast::Node::Kind::kCall && n->def != nullptr && n->def->folds_selection) {
      Err(n->pos, "a fold inside " + call.text + "(): fold one selection at a time");
    }
    if (n->kind == ast::Node::Kind::kSeries) {
      const SeriesMeta& m = LookupSeries(n->text, n->pos);
      if (m.IsFormula()) AddFormula(m, plan);
      plan.single.emplace(n, &m);
    }
    for (const auto& a : n->args) stack.push_back(a.get());
    for (const auto& b : n->bound) {
      if (b.expr) stack.push_back(b.expr);
    }
  }
  if (selection == nullptr) {
    Err(call.bound[0].pos, call.text + "() folds the series of a selection: write " + call.text +
                               "(series(...)), e.g. " + call.text + "(series(gdp_*))");
  }
  MetaList folded = Select(selection->bound[0].selector, selection->pos);
  for (const SeriesMeta* m : folded) {
    if (m->IsFormula()) AddFormula(*m, plan);
  }
  plan.folded[&call] = std::move(folded);
}

Plan Executor::MakePlan(const ast::Node& root) {
  Plan plan;
  Resolve(root, plan);
  return plan;
}

MetaList Executor::Selection(const ast::Node& n, Ctx* ctx) {
  if (n.kind == ast::Node::Kind::kSeries) {
    const SeriesMeta& m = LookupSeries(n.text, n.pos);
    if (m.IsFormula()) {
      Err(n.pos,
          n.text + " is a formula (" + FormulaText(m) +
              "): its values are computed when read, it has no versions or targets of its own");
    }
    return {&m};
  }
  if (n.kind == ast::Node::Kind::kCall) {
    if (n.text == "series") {
      // Formulas have no versions or targets of their own: a selection means the stored series.
      MetaList all = Select(n.bound[0].selector, n.pos);
      all.erase(std::remove_if(all.begin(), all.end(),
                               [](const SeriesMeta* m) { return m->IsFormula(); }),
                all.end());
      return all;
    }
    if (n.text == "asof") {
      ctx->mode = storage::ReadMode::kAsOf;
      ctx->as_of = *n.bound[1].date;
      return Selection(*n.bound[0].expr, ctx);
    }
    if (n.text == "first") {
      ctx->mode = storage::ReadMode::kFirst;
      ctx->first_status = FirstStatus(n);
      return Selection(*n.bound[0].expr, ctx);
    }
  }
  Err(n.pos, "expected a series code or series(...) here");
}

namespace {

// One series of a value expression on its way out: its columns, and what the notes need.
struct ValueSlot {
  SeriesColumns columns;
  storage::MeasureKind measure = storage::MeasureKind::kLevel;
  bool qualified = false;               // a non-missing value has a qualifier
  std::vector<std::vector<Cell>> rows;  // Values only: the Table rows of `columns`
};

void ToSlot(SeriesData&& d, ValueSlot& out) {
  out.qualified = d.AnyQualified();
  out.measure = d.measure;
  SeriesColumns& c = out.columns;
  c.indicator = std::move(d.label);
  c.unit = std::move(d.unit);
  c.frequency = d.freq;
  c.cumulative = d.cumulative;
  c.period = std::move(d.period);
  c.value = std::move(d.value);
  c.extent = std::move(d.extent);
  c.from = std::move(d.from);
  c.raw = d.raw;
  c.vintage = std::move(d.vintage);
  c.status = std::move(d.status);
  c.qualifier = std::move(d.qualifier);
}

// The notes of a value expression's result, gathered series by series.
struct ValueNotes {
  bool points = false, percent = false, qualified = false;
  void Add(const ValueSlot& s) {
    qualified = qualified || (s.qualified && !s.columns.raw);
    points = points || s.columns.unit == "pp";
    percent =
        percent || (s.columns.unit == "%" && s.measure == MeasureKind::kGrowth && !s.columns.raw);
  }
  std::vector<std::string> Texts() const {
    std::vector<std::string> notes;
    if (points)
      notes.push_back("changes of rates, shares and growth rates are in percentage points (pp)");
    if (percent) notes.push_back("changes of levels, counts and ratios are in percent (%)");
    if (qualified) {
      notes.push_back(
          "qualifier: a value computed from a qualified figure (突破, 以上: >=) is itself a "
          "bound (>=, <=) or approximate (~); ? where bounds point opposite ways");
    }
    return notes;
  }
};

}  // namespace

Table Executor::Values(const ast::Node& root, const Ctx& ctx) {
  Plan plan = MakePlan(root);
  const bool raw = IsRaw(root, plan);
  const bool cagr = HasFromColumn(root);
  // The qualifier column is dropped at the end when no row has one.
  RowCollector rc = Rows(ValueColumns(cagr, raw));
  auto map = [&](SeriesData&& d, ValueSlot& out) {
    if (d.unit == kPercentProductUnit) ErrPercentProduct(root);
    ToSlot(std::move(d), out);
    AppendValueRows(out.columns, cagr, raw, &out.rows);
  };
  std::optional<std::string> common_unit;
  bool same_unit = true;
  ValueNotes notes;
  ForEachBinding<ValueSlot>(root, ctx, plan, kBindingChunk, map, [&](ValueSlot&& r) {
    notes.Add(r);
    if (!common_unit) common_unit = r.columns.unit;
    same_unit = same_unit && *common_unit == r.columns.unit;
    rc.Reserve(r.rows.size());
    for (auto& row : r.rows) {
      if (!rc.Add(std::move(row), r.columns.cumulative)) return false;
    }
    return true;
  });
  Table t = rc.Finish(notes.Texts());
  if (same_unit && common_unit) t.columns[2].unit = *common_unit;
  if (!raw && !notes.qualified) {
    t.columns.pop_back();
    for (auto& row : t.rows) row.pop_back();
  }
  return t;
}

Table Executor::EvalTable(const ast::Node& n, const Ctx& ctx) {
  if (ReturnsTable(n)) return n.def->table(*this, n, ctx);
  return Values(n, ctx);
}

Ctx Executor::RootCtx() const {
  Ctx ctx;
  if (options_.as_of) {
    ctx.mode = storage::ReadMode::kAsOf;
    ctx.as_of = *options_.as_of;
  }
  return ctx;
}

Table Executor::Run() {
  Table t = EvalTable(*q_.expr, RootCtx());
  for (const std::string& note : notes_) {
    if (std::find(t.notes.begin(), t.notes.end(), note) == t.notes.end()) t.notes.push_back(note);
  }
  return t;
}

void Executor::ErrPercentProduct(const ast::Node& root) const {
  Err(root.pos, ExprText(root, nullptr) +
                    " multiplies two percentages: divide it by 100 for "
                    "percentage points (拉动 = growth * share / 100 is in pp)");
}

std::optional<storage::ObsStatus> FirstStatus(const ast::Node& first_call) {
  const ast::Node::Bound& b = first_call.bound.at(1);
  if (!b.given) return std::nullopt;
  auto s = storage::ParseObsStatus(b.word);
  if (!s.ok() || *s == storage::ObsStatus::kUnspecified) return std::nullopt;  // the binder checked
  return *s;
}

ColumnarResult Executor::RunColumns() {
  if (q_.where || !q_.order.empty() || q_.limit) {
    Fail(Status::InvalidArgument(
        "RunValueQuery takes an expression without where, order by or limit"));
  }
  const ast::Node& root = *q_.expr;
  if (ReturnsTable(root)) Err(root.pos, root.text + "() returns a table; use RunQuery");
  Plan plan = MakePlan(root);
  ColumnarResult out;
  out.raw_columns = IsRaw(root, plan);
  out.from_column = HasFromColumn(root);
  ValueNotes notes;
  size_t points = 0;
  auto map = [&](SeriesData&& d, ValueSlot& s) {
    if (d.unit == kPercentProductUnit) ErrPercentProduct(root);
    ToSlot(std::move(d), s);
  };
  ForEachBinding<ValueSlot>(root, RootCtx(), plan, kBindingChunk, map, [&](ValueSlot&& s) {
    points += s.columns.period.size();
    if (points > options_.max_rows) {
      // The words of RunQuery's limit (RowCollector), so that either path fails the same way.
      Fail(Status::LimitExceeded("the result has more than " + std::to_string(options_.max_rows) +
                                 " rows; narrow it with a period range, where or limit"));
    }
    notes.Add(s);
    out.series.push_back(std::move(s.columns));
    return true;
  });
  out.qualifier_column = out.raw_columns || notes.qualified;
  out.notes = notes.Texts();
  for (const std::string& note : notes_) {
    if (std::find(out.notes.begin(), out.notes.end(), note) == out.notes.end())
      out.notes.push_back(note);
  }
  return out;
}

namespace {

// fn() with the exceptions of binding and evaluation as the Status they stand for.
template <typename T, typename Fn>
Result<T> Caught(const Fn& fn) {
  try {
    return fn();
  } catch (const QueryError& e) {
    return e.status;
  } catch (const std::bad_alloc&) {
    return Status::LimitExceeded("out of memory evaluating the query");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("cannot evaluate the query: ") + e.what());
  }
}

Answer RunAnswerOf(const ast::Query& query, Executor& ex) {
  Answer a;
  a.columnar = !query.where && query.order.empty() && !query.limit && !ReturnsTable(*query.expr);
  if (a.columnar) {
    a.values = ex.RunColumns();
  } else {
    a.table = ex.Run();
  }
  return a;
}

}  // namespace

Result<std::shared_ptr<const ast::Query>> ParseAndBind(std::string_view text) {
  BoundQueryCache& cache = BoundQueryCache::Shared();
  if (std::shared_ptr<const ast::Query> hit = cache.Find(text)) return hit;
  auto parsed = ParseQuery(text);
  if (!parsed.ok()) return parsed.status();
  auto query = std::make_shared<ast::Query>(std::move(*parsed));
  Result<bool> bound = Caught<bool>([&]() -> Result<bool> {
    Bind(*query, text);
    return true;
  });
  if (!bound.ok()) return bound.status();
  cache.Insert(text, query);
  return std::shared_ptr<const ast::Query>(std::move(query));
}

Result<Table> ExecuteBound(const ast::Query& query, std::string_view text, storage::ReadView& view,
                           const QueryOptions& options) {
  return Caught<Table>([&]() -> Result<Table> {
    Executor ex(query, text, view, options);
    return ex.Run();
  });
}

Result<ColumnarResult> ExecuteBoundColumns(const ast::Query& query, std::string_view text,
                                           storage::ReadView& view, const QueryOptions& options) {
  return Caught<ColumnarResult>([&]() -> Result<ColumnarResult> {
    Executor ex(query, text, view, options);
    return ex.RunColumns();
  });
}

Result<Answer> ExecuteBoundAnswer(const ast::Query& query, std::string_view text,
                                  storage::ReadView& view, const QueryOptions& options) {
  return Caught<Answer>([&]() -> Result<Answer> {
    Executor ex(query, text, view, options);
    return RunAnswerOf(query, ex);
  });
}

}  // namespace ixdb::query
