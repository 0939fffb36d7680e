// Named formulas (ixdb define): metadata records under "D" + code, apart from the series. A
// write checks every use and the absence of cycles itself, under the write lock, so that the
// formulas stay consistent whatever the caller checked on an older snapshot.
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <set>

#include "storage/internal/store_impl.hpp"

namespace ixdb::storage {

using namespace internal;  // NOLINT: the internal codecs are this file's vocabulary

namespace {

std::string JoinCodes(const std::vector<std::string>& codes) {
  std::string out;
  for (size_t i = 0; i < codes.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == codes.size() ? " and " : ", ") + codes[i];
  }
  return out;
}

}  // namespace

Status StoreImpl::WriteFormulas(const FormulaBatch& batch) {
  if (options_.read_only) return Status::NotSupported("the store was opened read-only");
  if (batch.put.empty() && batch.drop.empty()) return Status::OK();
  std::lock_guard<std::mutex> lock(write_mu_);  // catalog_ is current while it is held
  const Catalog& current = *catalog_;
  std::map<std::string, SeriesMeta, std::less<>> next = current.formulas;
  std::set<std::string, std::less<>> seen;
  for (const SeriesMeta& f : batch.put) {
    if (Status s = ValidateMeta(f); !s.ok()) return s;
    if (!f.IsFormula())
      return Status::InvalidArgument("formula " + f.code + ": the expression is empty");
    if (current.Find(f.code) != nullptr) {
      return Status::InvalidArgument(
          f.code + " is a series of stored data: a formula needs a code of its own");
    }
    if (!seen.insert(f.code).second) {
      return Status::InvalidArgument("formula " + f.code + " is written twice in one batch");
    }
    next[f.code] = f;
  }
  for (const std::string& code : batch.drop) {
    if (!seen.insert(code).second) {
      return Status::InvalidArgument("formula " + code + " is written twice in one batch");
    }
    if (next.erase(code) == 0) {
      if (current.Find(code) != nullptr) {
        return Status::InvalidArgument(code + " is a series of stored data, not a formula");
      }
      return Status::NotFound("no formula '" + code + "'");
    }
  }
  auto uses = [&next](std::string_view code) -> const std::vector<std::string>* {
    auto it = next.find(code);
    return it == next.end() ? nullptr : &it->second.formula_uses;
  };
  for (const std::string& code : batch.drop) {
    std::vector<std::string> users;
    for (const auto& [c, f] : next) {
      if (std::find(f.formula_uses.begin(), f.formula_uses.end(), code) != f.formula_uses.end()) {
        users.push_back(c);
      }
    }
    if (!users.empty()) {
      return Status::InvalidArgument(
          "cannot drop formula " + code + ": " + (users.size() == 1 ? "formula " : "formulas ") +
          JoinCodes(users) + (users.size() == 1 ? " uses" : " use") + " it");
    }
  }
  for (const SeriesMeta& f : batch.put) {
    for (const std::string& u : f.formula_uses) {
      if (current.Find(u) == nullptr && next.find(u) == next.end()) {
        return Status::InvalidArgument("formula " + f.code + " uses '" + u +
                                       "', which is no series or formula");
      }
    }
    // Before the batch there was no cycle, so a new one runs through a formula it puts.
    const std::vector<std::string> cycle = FindFormulaCycle(f.code, uses);
    if (!cycle.empty()) {
      return Status::InvalidArgument("formula " + f.code +
                                     " refers to itself: " + FormulaCycleText(cycle));
    }
  }

  rocksdb::WriteBatch wb;
  rocksdb::ColumnFamilyHandle* cf = handles_[kCatalogCf];
  std::string enc;
  for (const SeriesMeta& f : batch.put) {
    EncodeMeta(f, &enc);
    wb.Put(cf, CatalogKey(kTagFormula, f.code), enc);
  }
  for (const std::string& code : batch.drop) wb.Delete(cf, CatalogKey(kTagFormula, code));
  // An older ixdb would not see the formulas (and could load data under their codes).
  const uint32_t version = std::max(format_version_, kFirstFormulasFormatVersion);
  wb.Put(cf, CatalogKey(kTagFormat), FormatMarker(version));
  auto next_catalog = std::make_shared<Catalog>(current);
  next_catalog->formulas = std::move(next);
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  return Publish(std::move(next_catalog), nullptr, [&] {
    Status s = FromRocks(db_->Write(wo, &wb), "writing formulas");
    if (s.ok()) format_version_ = version;
    return s;
  });
}

}  // namespace ixdb::storage
