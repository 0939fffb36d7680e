// Bad rows: every error with its place, listed once per row (or once per group: one bad code on
// many rows), the --skip-bad file of the rejected rows with their reasons, and the summary line.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

#include "load/internal/loader_impl.hpp"

namespace ixdb::load::internal {

namespace {

std::string RecordAt(std::string_view text, size_t offset) {
  if (offset >= text.size()) return {};
  CsvReader r(text.substr(offset));
  std::vector<std::string_view> fields;
  std::string err;
  uint32_t ef;
  r.Next(&fields, &err, &ef);
  return std::string(text.substr(offset + r.record_begin(), r.record_end() - r.record_begin()));
}

}  // namespace

std::string Thousands(uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

void Loader::AddError(RowError e) {
  bad_lines_.insert(LineKey(e.file, e.line));
  if (e.group.empty() || error_groups_.insert(e.group).second) ++distinct_errors_;
  errors_.push_back(std::move(e));
}

bool Loader::Stopped() const {
  return opt_.skip_bad_path.empty() && distinct_errors_ >= std::max<size_t>(opt_.max_errors, 1);
}

std::vector<const RowError*> Loader::SortedErrors() const {
  std::vector<const RowError*> v;
  for (const auto& e : errors_) v.push_back(&e);
  std::stable_sort(v.begin(), v.end(), [](const RowError* a, const RowError* b) {
    if (a->file != b->file) return a->file < b->file;
    if (a->line != b->line) return a->line < b->line;
    return a->col < b->col;
  });
  return v;
}

std::string Loader::ErrorList() const {
  auto v = SortedErrors();
  const size_t cap = std::max<size_t>(opt_.max_errors, 1);
  // Grouped errors: how many rows, and the first line (the first in file order is shown).
  std::map<std::string, std::pair<uint64_t, const RowError*>> groups;
  for (const RowError* e : v) {
    if (e->group.empty()) continue;
    auto& [count, first] = groups[e->group];
    if (count++ == 0) first = e;
  }
  std::string out;
  size_t shown = 0;
  std::unordered_set<uint64_t> row_keys;
  for (const RowError* e : v) row_keys.insert(LineKey(e->file, e->line));
  for (const RowError* e : v) {
    if (shown >= cap) break;
    std::string line = Position(files_[e->file]->name, e->line, e->col) + ": " + e->message;
    if (!e->group.empty()) {
      const auto& [count, first] = groups.at(e->group);
      if (first != e) continue;
      if (count > 1) line += " (on " + Thousands(count) + " rows; the first is shown)";
    }
    if (!out.empty()) out += '\n';
    out += line;
    ++shown;
  }
  const uint64_t rows = row_keys.size();
  if (distinct_errors_ > shown || Stopped()) {
    out += "\n(stopped after " + std::to_string(shown) + " errors; nothing was loaded)";
  } else {
    out += "\n(" + Thousands(rows) + " bad row" + (rows == 1 ? "" : "s") + "; nothing was loaded)";
  }
  return out;
}

uint64_t Loader::BadRowCount() const {
  std::unordered_set<uint64_t> rows;
  for (const auto& e : errors_) rows.insert(LineKey(e.file, e.line));
  return rows.size();
}

Status Loader::WriteBadRows() {
  std::ofstream out(opt_.skip_bad_path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IOError(opt_.skip_bad_path + ": cannot write: " + std::strerror(errno));
  auto errors = SortedErrors();
  // Errors found after parsing know only their line: find those records in one pass a file.
  std::unordered_map<uint64_t, uint64_t> offsets;  // LineKey -> record offset
  for (uint16_t fi = 0; fi < files_.size(); ++fi) {
    std::unordered_set<uint64_t> wanted;
    for (const RowError* e : errors) {
      if (e->file == fi && e->offset == kNoOffset) wanted.insert(e->line);
    }
    if (wanted.empty()) continue;
    CsvReader r(files_[fi]->text);
    std::vector<std::string_view> fields;
    std::string err;
    uint32_t ef;
    while (!r.done() && !wanted.empty()) {
      const bool got = r.Next(&fields, &err, &ef);
      if (!got && err.empty()) break;
      err.clear();
      if (wanted.erase(r.record_line())) offsets[LineKey(fi, r.record_line())] = r.record_begin();
    }
  }
  for (const RowError* e : errors) {
    const InputFile& f = *files_[e->file];
    uint64_t offset = e->offset;
    if (offset == kNoOffset) {
      auto it = offsets.find(LineKey(e->file, e->line));
      offset = it == offsets.end() ? f.text.size() : it->second;
    }
    out << Position(f.name, e->line, e->col) << ": " << e->message << '\t'
        << RecordAt(f.text, offset) << '\n';
  }
  out.close();
  if (!out) return Status::IOError(opt_.skip_bad_path + ": write failed");
  return Status::OK();
}

Status Loader::StoreError(const Status& s) {
  if (s.IsInvalidArgument()) {
    return Status::InvalidArgument("the store rejected the load (nothing was written): " +
                                   s.message());
  }
  return s;
}

}  // namespace ixdb::load::internal
