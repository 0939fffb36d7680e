#include "query/formulas.hpp"

#include <exception>
#include <map>
#include <new>
#include <vector>

#include "common/strings.hpp"
#include "common/units.hpp"
#include "query/internal/binder.hpp"
#include "query/internal/evaluator.hpp"
#include "query/internal/executor.hpp"
#include "query/internal/formula.hpp"
#include "query/parser.hpp"

namespace ixdb::query {

namespace {

[[noreturn]] void Err(std::string_view text, size_t pos, const std::string& msg) {
  Fail(Status::InvalidArgument(FormatErrorAt(text, pos, msg)));
}

// The metadata of `def`, its expression checked and evaluated once on `view`.
storage::SeriesMeta Check(storage::ReadView& view, const FormulaDefinition& def,
                          std::string_view text, Date today) {
  auto parsed = ParseQuery(text);
  if (!parsed.ok()) Fail(parsed.status());
  Bind(*parsed, text);
  CheckFormulaExpression(*parsed, text);
  const ast::Node& root = *parsed->expr;
  const std::map<std::string, size_t> named = NamedCodes(root);
  if (view.GetSeries(def.code).ok()) {
    Fail(Status::InvalidArgument(def.code +
                                 " is a series of stored data: a formula needs a code of its own"));
  }
  // A cycle through the formulas as they would be after this definition, positioned at the
  // code of the expression that starts it. (Storage checks again under its write lock.)
  auto stored = view.ListFormulas();
  if (!stored.ok()) Fail(stored.status());
  std::map<std::string, std::vector<std::string>, std::less<>> uses;
  for (const auto& f : *stored) uses[f.code] = f.formula_uses;
  std::vector<std::string>& mine = uses[def.code];
  mine.clear();
  for (const auto& [code, pos] : named) mine.push_back(code);
  const std::vector<std::string> cycle = storage::FindFormulaCycle(
      def.code, [&uses](std::string_view c) -> const std::vector<std::string>* {
        auto it = uses.find(c);
        return it == uses.end() ? nullptr : &it->second;
      });
  if (!cycle.empty()) {
    Err(text, named.at(cycle[1]),
        "formula " + def.code + " refers to itself: " + storage::FormulaCycleText(cycle));
  }
  QueryOptions options;
  Executor ex(*parsed, text, view, options);
  Plan plan = ex.MakePlan(root);
  Evaluator ev(view, plan, text, options);
  SeriesData d = ev.Eval(root, Ctx{}, nullptr);
  if (d.scalar) Err(text, 0, "a formula must give a series, not a number");
  std::string unit = d.unit;
  if (!def.unit.empty() && def.unit != d.unit) {
    if (!UnitConversionFactor(d.unit, def.unit).ok()) {
      Err(text, 0,
          "--unit " + def.unit + ": cannot convert " + std::string(text) + " (" +
              (d.unit.empty() ? "no unit" : d.unit) +
              ") to it: the units measure different things");
    }
    unit = def.unit;
  }
  storage::SeriesMeta m;
  m.code = def.code;
  m.name_zh = def.name;
  m.unit = unit;
  m.measure = d.measure;
  m.frequency = d.freq;
  m.cumulative = d.cumulative;
  m.updated = today;
  m.formula = std::string(text);
  m.formula_uses = mine;
  return m;
}

}  // namespace

Result<storage::SeriesMeta> DefineFormula(storage::Store& store, const FormulaDefinition& def,
                                          Date today) {
  if (Status s = storage::ValidateSeriesCode(def.code); !s.ok()) return s;
  const std::string text(Trim(def.expression));
  if (text.empty())
    return Status::InvalidArgument("formula " + def.code + ": the expression is empty");
  auto view = store.NewReadView();
  storage::SeriesMeta meta;
  try {
    meta = Check(*view, def, text, today);
  } catch (const QueryError& e) {
    return e.status;
  } catch (const std::bad_alloc&) {
    return Status::LimitExceeded("out of memory checking the formula");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("cannot check the formula: ") + e.what());
  }
  storage::FormulaBatch batch;
  batch.put.push_back(meta);
  if (Status s = store.WriteFormulas(batch); !s.ok()) return s;
  return meta;
}

Status DropFormula(storage::Store& store, std::string_view code) {
  if (Status s = storage::ValidateSeriesCode(code); !s.ok()) return s;
  storage::FormulaBatch batch;
  batch.drop.emplace_back(code);
  return store.WriteFormulas(batch);
}

std::string DefinedText(const storage::SeriesMeta& formula) {
  std::string kind = FrequencyName(formula.frequency);
  if (formula.cumulative) kind += ", cumulative";
  return "defined " + FormulaText(formula) + " (" +
         (formula.unit.empty() ? "no unit" : formula.unit) + ", " + kind + ")";
}

}  // namespace ixdb::query
