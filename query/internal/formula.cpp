#include "query/internal/formula.hpp"

#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

#include "query/internal/binder.hpp"
#include "query/internal/evaluator.hpp"
#include "query/internal/executor.hpp"
#include "query/internal/function_registry.hpp"
#include "query/internal/series_data.hpp"
#include "query/parser.hpp"

namespace ixdb::query {

namespace {

[[noreturn]] void Err(std::string_view text, size_t pos, const std::string& msg) {
  Fail(Status::InvalidArgument(FormatErrorAt(text, pos, msg)));
}

// The series(...) call inside `n`, or nullptr.
const ast::Node* FindSelection(const ast::Node& n) {
  if (n.kind == ast::Node::Kind::kCall && n.text == "series") return &n;
  for (const auto& a : n.args) {
    if (const ast::Node* s = FindSelection(*a)) return s;
  }
  for (const auto& b : n.bound) {
    if (b.expr == nullptr) continue;
    if (const ast::Node* s = FindSelection(*b.expr)) return s;
  }
  return nullptr;
}

void Collect(const ast::Node& n, std::map<std::string, size_t>* out) {
  if (n.kind == ast::Node::Kind::kSeries) {
    auto [it, inserted] = out->emplace(n.text, n.pos);
    if (!inserted) it->second = std::min(it->second, n.pos);
    return;
  }
  for (const auto& a : n.args) Collect(*a, out);
  // Only series parameters: a method word written as a name (annual(x, sum)) is no code.
  for (const auto& b : n.bound) {
    if (b.expr != nullptr) Collect(*b.expr, out);
  }
}

}  // namespace

void CheckFormulaExpression(const ast::Query& q, std::string_view text) {
  const char* clauses =
      "a formula is an expression: where, order by and limit belong to the queries that read it";
  if (q.where) Err(text, q.where->pos, clauses);
  if (!q.order.empty()) Err(text, q.order.front().pos, clauses);
  if (q.limit) Err(text, std::min(text.size(), text.rfind("limit")), clauses);
  const ast::Node& root = *q.expr;
  if (ReturnsTable(root)) {
    const ast::Node* table = &root;
    while (table->def != nullptr && table->def->shape != ResultShape::kTable &&
           table->bound[0].expr) {
      table = table->bound[0].expr;  // asof(...) or first(...) around a table function
    }
    Err(text, table->pos, table->text + "() returns a table; a formula must give a series");
  }
  if (const ast::Node* s = FindSelection(root)) {
    Err(text, s->pos,
        "a formula stands for one series: series(...) selects several and cannot be used in it");
  }
}

std::unique_ptr<BoundFormula> BindFormula(const storage::SeriesMeta& meta) {
  auto f = std::make_unique<BoundFormula>();
  f->meta = meta;
  const std::string_view text = f->meta.formula;  // stable: f->meta does not change any more
  auto parsed = ParseQuery(text);
  if (!parsed.ok()) Fail(parsed.status());
  Bind(*parsed, text);
  CheckFormulaExpression(*parsed, text);
  auto convert = std::make_unique<ast::Node>();
  convert->kind = ast::Node::Kind::kConvert;
  convert->text = f->meta.unit;
  convert->args.push_back(std::move(parsed->expr));
  f->query.expr = std::move(convert);
  return f;
}

std::map<std::string, size_t> NamedCodes(const ast::Node& root) {
  std::map<std::string, size_t> out;
  Collect(root, &out);
  return out;
}

std::string FormulaText(const storage::SeriesMeta& formula) {
  return formula.code + " = " + formula.formula;
}

Status InFormula(const Status& inner, const storage::SeriesMeta& formula) {
  if (inner.ok() || inner.IsCancelled() || inner.IsLimitExceeded()) return inner;
  return inner.WithMessage("in formula " + FormulaText(formula) + ": " + inner.message());
}

// ---- The hooks of the executor and the evaluator -------------------------------------------

void Executor::AddFormula(const storage::SeriesMeta& meta, Plan& plan) {
  if (plan.formulas.count(meta.code) != 0) return;
  // Resolved with the formula's own text, so that an error points into it.
  const std::string_view outer = text_;
  try {
    std::shared_ptr<const BoundFormula> f = BindFormula(meta);
    plan.formulas.emplace(meta.code, f);
    text_ = f->meta.formula;
    Resolve(*f->query.expr, plan);
  } catch (const QueryError& e) {
    text_ = outer;
    Fail(InFormula(e.status, meta));
  }
  text_ = outer;
  // Storage refuses cycles when formulas are written; a store damaged otherwise must not make
  // a query recurse without end.
  auto uses = [&plan](std::string_view code) -> const std::vector<std::string>* {
    auto it = plan.formulas.find(code);
    return it == plan.formulas.end() ? nullptr : &it->second->meta.formula_uses;
  };
  if (std::vector<std::string> cycle = storage::FindFormulaCycle(meta.code, uses); !cycle.empty()) {
    Fail(Status::Corruption("formula " + meta.code +
                            " refers to itself: " + storage::FormulaCycleText(cycle)));
  }
}

SeriesData Evaluator::ReadFormula(const storage::SeriesMeta& meta, const Ctx& ctx) {
  auto it = plan_.formulas.find(meta.code);
  if (it == plan_.formulas.end())
    Fail(Status::Internal("formula " + meta.code + " was not resolved"));
  const BoundFormula& f = *it->second;
  // Inside the formula, positions refer to its text. (Its nodes are shared by every place that
  // reads it, each perhaps under its own as-of: the read cache is keyed by node and context.)
  const std::string_view outer_text = text_;
  const storage::SeriesMeta* outer_bound = bound_;
  auto restore = [&] {
    text_ = outer_text;
    bound_ = outer_bound;
  };
  text_ = f.meta.formula;
  SeriesData d;
  try {
    d = Eval(*f.query.expr, ctx, nullptr);
  } catch (const QueryError& e) {
    restore();
    Fail(InFormula(e.status, f.meta));
  }
  restore();
  d.label = meta.code;
  d.measure = meta.measure;
  d.Derived();
  return d;
}

}  // namespace ixdb::query
