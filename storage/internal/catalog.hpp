#pragma once
// What a ReadView sees besides its RocksDB snapshot (internal to storage/): the catalog of
// series (and of named formulas) and the set of retracted (reverted) loads, both immutable
// snapshots replaced copy-on-write by the writes that change them, so that lookups cost no RocksDB
// read. A ReadView holds the ones that match its RocksDB snapshot (taken under StoreImpl's publish
// mutex).

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storage/types.hpp"

namespace ixdb::storage::internal {

struct CatalogEntry {
  uint32_t id = 0;
  SeriesMeta meta;
};

struct Catalog {
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::map<std::string, std::shared_ptr<const CatalogEntry>, std::less<>> by_code;
  std::unordered_map<std::string, const CatalogEntry*, Hash, std::equal_to<>> index;
  std::vector<std::shared_ptr<const CatalogEntry>> by_id;  // index: series id
  // Named formulas ("D" records), apart from the series: they have no id and no data.
  std::map<std::string, SeriesMeta, std::less<>> formulas;

  Catalog() = default;
  // Copies share the entries; the hash index is rebuilt to point into them.
  Catalog(const Catalog& o) : by_code(o.by_code), by_id(o.by_id), formulas(o.formulas) {
    index.reserve(by_code.size());
    for (const auto& [code, e] : by_code) index.emplace(code, e.get());
  }
  Catalog& operator=(const Catalog&) = delete;

  const CatalogEntry* Find(std::string_view code) const {
    auto it = index.find(code);
    return it == index.end() ? nullptr : it->second;
  }
  const SeriesMeta* FindFormula(std::string_view code) const {
    auto it = formulas.find(code);
    return it == formulas.end() ? nullptr : &it->second;
  }
  const CatalogEntry* FindId(uint32_t id) const {
    return id < by_id.size() ? by_id[id].get() : nullptr;
  }
  void Put(uint32_t id, const SeriesMeta& meta) {
    auto e = std::make_shared<CatalogEntry>();
    e->id = id;
    e->meta = meta;
    if (by_id.size() <= id) by_id.resize(id + 1);
    by_id[id] = e;
    index[meta.code] = e.get();
    by_code[meta.code] = std::move(e);
  }
};

// Loads retracted by a revert: their versions are invisible to every read but revisions().
// Usually empty, and small: lookups are a binary search of a sorted vector.
class RevertedLoads {
 public:
  bool empty() const { return pairs_.empty(); }
  // The id of the revert that retracted `load_id`, or 0.
  uint64_t RevertedBy(uint64_t load_id) const {
    auto it = std::lower_bound(pairs_.begin(), pairs_.end(), std::make_pair(load_id, uint64_t{0}));
    return it != pairs_.end() && it->first == load_id ? it->second : 0;
  }
  bool Hidden(uint64_t load_id) const { return !empty() && RevertedBy(load_id) != 0; }
  // A copy with one more retracted load.
  RevertedLoads With(uint64_t load_id, uint64_t revert_id) const {
    RevertedLoads r = *this;
    r.pairs_.emplace_back(load_id, revert_id);
    std::sort(r.pairs_.begin(), r.pairs_.end());
    return r;
  }

 private:
  std::vector<std::pair<uint64_t, uint64_t>> pairs_;  // (load, revert), sorted
};

}  // namespace ixdb::storage::internal
