// Named formulas in storage (Store::WriteFormulas): kept apart from the series, checked for
// unknown uses and cycles under the write lock, all or nothing, and a store without formulas
// keeps the format version an older ixdb reads.
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "storage/internal/store_internal.hpp"
#include "storage/store.hpp"
#include "tests/storage/storage_test_util.hpp"

namespace ixdb::storage {
namespace {

using testing::D;
using testing::Meta;
using testing::MustWrite;
using testing::Obs;
using testing::OpenStore;
using testing::TempDir;

SeriesMeta Formula(std::string code, std::string expr, std::vector<std::string> uses) {
  SeriesMeta m = Meta(std::move(code));
  m.formula = std::move(expr);
  m.formula_uses = std::move(uses);
  m.updated = D(2026, 12, 1);
  return m;
}

FormulaBatch Put(std::vector<SeriesMeta> put) { return FormulaBatch{std::move(put), {}}; }
FormulaBatch Drop(std::vector<std::string> drop) { return FormulaBatch{{}, std::move(drop)}; }

std::vector<std::string> FormulaCodes(Store& store) {
  auto r = store.NewReadView()->ListFormulas();
  REQUIRE_OK(r.status());
  std::vector<std::string> out;
  for (const auto& f : *r) out.push_back(f.code);
  return out;
}

// gdp and pop as stored series, with one observation each.
void StoreData(Store& store) {
  WriteBatch b;
  b.PutSeries(Meta("gdp"));
  b.PutSeries(Meta("pop"));
  b.PutObservation(Obs("gdp", Period::Annual(2024), D(2025, 1, 20), 100));
  b.PutObservation(Obs("pop", Period::Annual(2024), D(2025, 1, 20), 4));
  MustWrite(store, b);
}

TEST_CASE("Formulas: defined, replaced and dropped, kept apart from the series, across reopen",
          "[storage]") {
  TempDir dir;
  {
    auto store = OpenStore(dir.path());
    StoreData(*store);
    REQUIRE_OK(store->WriteFormulas(Put({Formula("gdp_pc", "gdp / pop", {"gdp", "pop"})})));
    auto view = store->NewReadView();
    auto f = view->GetFormula("gdp_pc");
    REQUIRE_OK(f.status());
    CHECK(f->formula == "gdp / pop");
    CHECK(f->formula_uses == std::vector<std::string>{"gdp", "pop"});
    CHECK(f->updated == D(2026, 12, 1));
    // Not a series of stored data: GetSeries, ListSeries and ReadSeries do not see it.
    CHECK(view->GetSeries("gdp_pc").status().IsNotFound());
    CHECK(view->ListSeries()->size() == 2);
    CHECK(view->ReadSeries("gdp_pc", {}).status().IsNotFound());
    CHECK(view->GetFormula("gdp").status().IsNotFound());
    // A view taken before a change keeps its formulas.
    REQUIRE_OK(store->WriteFormulas(Put({Formula("gdp_pc", "gdp / pop * 10000", {"gdp", "pop"})})));
    CHECK(view->GetFormula("gdp_pc")->formula == "gdp / pop");
    CHECK(store->NewReadView()->GetFormula("gdp_pc")->formula == "gdp / pop * 10000");
    REQUIRE_OK(store->WriteFormulas(Put({Formula("twice", "gdp_pc * 2", {"gdp_pc"})})));
  }
  {
    auto store = OpenStore(dir.path());
    CHECK(FormulaCodes(*store) == std::vector<std::string>{"gdp_pc", "twice"});
    CHECK(store->NewReadView()->GetFormula("gdp_pc")->formula == "gdp / pop * 10000");
    std::string report;
    REQUIRE_OK(store->Check(&report));
    CHECK(report.find("series: 2, formulas: 2,") != std::string::npos);
    REQUIRE_OK(store->WriteFormulas(Drop({"twice"})));
    CHECK(FormulaCodes(*store) == std::vector<std::string>{"gdp_pc"});
  }
  auto store = OpenStore(dir.path());
  CHECK(FormulaCodes(*store) == std::vector<std::string>{"gdp_pc"});
}

// The query layer reads metadata through these (no copy per series in a full scan): the
// series and the formulas together, in code order, pointing into the view's own catalog.
TEST_CASE("Formulas: FindMeta and ListMeta give series and formulas of the view, in code order",
          "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  StoreData(*store);
  REQUIRE_OK(store->WriteFormulas(Put(
      {Formula("gdp_pc", "gdp / pop", {"gdp", "pop"}), Formula("a_first", "gdp * 2", {"gdp"})})));
  auto view = store->NewReadView();
  std::vector<std::string> codes;
  for (const SeriesMeta* m : view->ListMeta()) codes.push_back(m->code);
  CHECK(codes == std::vector<std::string>{"a_first", "gdp", "gdp_pc", "pop"});
  REQUIRE(view->FindMeta("gdp") != nullptr);
  CHECK_FALSE(view->FindMeta("gdp")->IsFormula());
  REQUIRE(view->FindMeta("gdp_pc") != nullptr);
  CHECK(view->FindMeta("gdp_pc")->formula == "gdp / pop");
  CHECK(view->FindMeta("nope") == nullptr);
  // A later write is not seen through the old view; its pointers stay valid.
  const SeriesMeta* pc = view->FindMeta("gdp_pc");
  REQUIRE_OK(store->WriteFormulas(Drop({"gdp_pc"})));
  CHECK(pc->formula == "gdp / pop");
  CHECK(view->ListMeta().size() == 4);
  CHECK(store->NewReadView()->FindMeta("gdp_pc") == nullptr);
  // A view of the same snapshot shares its catalog.
  CHECK(view->NewViewOfSnapshot()->FindMeta("gdp_pc") == pc);
}

TEST_CASE("Formulas: ReadSeries with values_only leaves metadata and labels out", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  StoreData(*store);
  auto view = store->NewReadView();
  ReadRequest full, lean;
  lean.values_only = true;
  auto a = view->ReadSeries("gdp", full);
  auto b = view->ReadSeries("gdp", lean);
  REQUIRE_OK(a.status());
  REQUIRE_OK(b.status());
  CHECK(a->meta.code == "gdp");
  CHECK(a->stage.size() == 1);
  CHECK(b->meta.code.empty());
  CHECK(b->stage.empty());
  CHECK(b->source.empty());
  CHECK(b->period == a->period);
  CHECK(b->value == a->value);
  CHECK(b->vintage == a->vintage);
  CHECK(b->status == a->status);
}

TEST_CASE("Formulas: a formula that refers to itself is refused, directly or through others",
          "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  StoreData(*store);
  Status s = store->WriteFormulas(Put({Formula("a", "a + 1", {"a"})}));
  CHECK(s.IsInvalidArgument());
  CHECK(s.message() == "formula a refers to itself: a -> a");
  REQUIRE_OK(
      store->WriteFormulas(Put({Formula("a", "b * 2", {"b"}), Formula("b", "gdp", {"gdp"})})));
  REQUIRE_OK(store->WriteFormulas(Put({Formula("c", "a + b", {"a", "b"})})));
  // Redefining b in terms of c closes the loop b -> c -> a -> b.
  s = store->WriteFormulas(Put({Formula("b", "c - gdp", {"c", "gdp"})}));
  CHECK(s.IsInvalidArgument());
  CHECK(s.message() == "formula b refers to itself: b -> c -> a -> b");
  // Nothing was written: b is still gdp.
  CHECK(store->NewReadView()->GetFormula("b")->formula == "gdp");
  // A diamond (c uses a and b, a uses b) is no cycle.
  REQUIRE_OK(store->WriteFormulas(Put({Formula("d", "c + a", {"a", "c"})})));
}

TEST_CASE("Formulas: bad writes are refused with the reason and change nothing", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  StoreData(*store);
  REQUIRE_OK(store->WriteFormulas(Put({Formula("gdp_pc", "gdp / pop", {"gdp", "pop"})})));
  struct Case {
    const char* what;
    FormulaBatch batch;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"a use that names nothing", Put({Formula("x", "gpd * 2", {"gpd"})}),
       "formula x uses 'gpd', which is no series or formula"},
      {"the code of a stored series", Put({Formula("gdp", "pop * 2", {"pop"})}),
       "gdp is a series of stored data: a formula needs a code of its own"},
      {"an empty expression", Put({Formula("x", "", {})}), "formula x: the expression is empty"},
      {"a bad code", Put({Formula("9x", "gdp", {"gdp"})}), ""},
      {"a code twice", Put({Formula("x", "gdp", {"gdp"}), Formula("x", "pop", {"pop"})}),
       "formula x is written twice in one batch"},
      {"a drop of a formula still used",
       FormulaBatch{{Formula("y", "gdp_pc * 2", {"gdp_pc"})}, {"gdp_pc"}},
       "cannot drop formula gdp_pc: formula y uses it"},
      {"a drop of a stored series", Drop({"gdp"}), "gdp is a series of stored data, not a formula"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    Status s = store->WriteFormulas(c.batch);
    CHECK(s.IsInvalidArgument());
    if (*c.message != '\0') CHECK(s.message() == c.message);
    CHECK(FormulaCodes(*store) == std::vector<std::string>{"gdp_pc"});
  }
  CHECK(store->WriteFormulas(Drop({"nothing"})).IsNotFound());
  // The later put of y makes the drop of gdp_pc possible once y is gone.
  REQUIRE_OK(store->WriteFormulas(Put({Formula("y", "gdp_pc * 2", {"gdp_pc"})})));
  Status s = store->WriteFormulas(Drop({"gdp_pc"}));
  CHECK(s.message() == "cannot drop formula gdp_pc: formula y uses it");
  REQUIRE_OK(store->WriteFormulas(Drop({"y", "gdp_pc"})));
  CHECK(FormulaCodes(*store).empty());
}

TEST_CASE("Formulas: data is never written under a formula's code", "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  StoreData(*store);
  REQUIRE_OK(store->WriteFormulas(Put({Formula("gdp_pc", "gdp / pop", {"gdp", "pop"})})));
  const std::string expected =
      "gdp_pc is a formula (ixdb define): its values are computed, not stored; "
      "`ixdb define --drop gdp_pc` frees the code for data";
  {
    WriteBatch b;
    b.PutSeries(Meta("gdp_pc"));
    auto r = store->Write(b, {});
    CHECK(r.status().IsInvalidArgument());
    CHECK(r.status().message() == expected);
  }
  {
    WriteBatch b;
    b.PutObservation(Obs("gdp_pc", Period::Annual(2024), D(2025, 1, 20), 25));
    auto r = store->Write(b, {});
    CHECK(r.status().message() == expected);
  }
  {
    WriteBatch b;
    b.PutSeries(Formula("sneaky", "gdp", {"gdp"}));
    auto r = store->Write(b, {});
    CHECK(r.status().IsInvalidArgument());
  }
  CHECK(store->NewReadView()->ListSeries()->size() == 2);
}

TEST_CASE("Formulas: a v2 store without formulas keeps format v2, the first formula marks it v3",
          "[storage]") {
  TempDir dir;
  {
    auto store = OpenStore(dir.path());
    CHECK(*internal::TEST_FormatVersion(store.get()) == 4);  // a new store
    REQUIRE_OK(internal::TEST_SetFormatVersion(store.get(), 2));
  }
  {
    // As an older ixdb wrote it: opened as v2, it is written as v2 (varint chunks).
    auto store = OpenStore(dir.path());
    StoreData(*store);
    CHECK(*internal::TEST_FormatVersion(store.get()) == 2);
  }
  {
    // A v2 store (as an older ixdb wrote it) opens and reads unchanged.
    auto store = OpenStore(dir.path());
    CHECK(*internal::TEST_FormatVersion(store.get()) == 2);
    CHECK(store->NewReadView()->ReadSeries("gdp", {})->value == std::vector<double>{100});
    CHECK(FormulaCodes(*store).empty());
    REQUIRE_OK(store->WriteFormulas(Put({Formula("gdp_pc", "gdp / pop", {"gdp", "pop"})})));
    CHECK(*internal::TEST_FormatVersion(store.get()) == 3);
  }
  auto store = OpenStore(dir.path());
  CHECK(*internal::TEST_FormatVersion(store.get()) == 3);
  Options ro;
  ro.read_only = true;
  store.reset();
  std::unique_ptr<Store> reader;
  REQUIRE_OK(Store::Open(ro, dir.path(), &reader));
  CHECK(FormulaCodes(*reader) == std::vector<std::string>{"gdp_pc"});
  CHECK(reader->WriteFormulas(Drop({"gdp_pc"})).IsNotSupported());
}

TEST_CASE("Formulas: FindFormulaCycle walks each formula once and names the loop", "[storage]") {
  const std::map<std::string, std::vector<std::string>> graph = {
      {"a", {"b", "c"}}, {"b", {"c", "gdp"}}, {"c", {"d"}}, {"d", {"gdp"}},
      {"e", {"f"}},      {"f", {"g"}},        {"g", {"e"}}};
  auto uses = [&](std::string_view code) -> const std::vector<std::string>* {
    auto it = graph.find(std::string(code));
    return it == graph.end() ? nullptr : &it->second;
  };
  CHECK(FindFormulaCycle("a", uses).empty());
  CHECK(FindFormulaCycle("gdp", uses).empty());
  CHECK(FormulaCycleText(FindFormulaCycle("e", uses)) == "e -> f -> g -> e");
  CHECK(FormulaCycleText(FindFormulaCycle("f", uses)) == "f -> g -> e -> f");
}

}  // namespace
}  // namespace ixdb::storage
