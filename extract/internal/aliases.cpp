#include "extract/internal/aliases.hpp"

#include "common/strings.hpp"
#include "extract/internal/csv.hpp"

namespace ixdb::extract::internal {

namespace {

bool ValidCode(std::string_view code) {
  if (code.empty() || code.size() > 64) return false;
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!letter(code[0])) return false;
  for (char c : code) {
    if (!letter(c) && !(c >= '0' && c <= '9') && c != '_') return false;
  }
  return true;
}

}  // namespace

Result<std::vector<Alias>> ParseAliases(std::string_view csv, std::string_view source) {
  auto records = ParseCsv(csv, source);
  if (!records.ok()) return records.status();
  const auto& rows = *records;
  if (rows.empty()) return std::vector<Alias>{};
  int name_col = -1, code_col = -1, unit_col = -1;
  for (size_t i = 0; i < rows[0].size(); ++i) {
    const std::string h = Lower(Trim(rows[0][i]));
    int* slot = h == "name"   ? &name_col
                : h == "code" ? &code_col
                : h == "unit" ? &unit_col
                              : nullptr;
    if (slot == nullptr) {
      return Status::InvalidArgument(std::string(source) + ":1: unknown column '" + rows[0][i] +
                                     "' (an alias table has name,code[,unit])");
    }
    *slot = static_cast<int>(i);
  }
  if (name_col < 0 || code_col < 0) {
    return Status::InvalidArgument(std::string(source) +
                                   ":1: an alias table needs the columns name and code");
  }
  std::vector<Alias> out;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& f = rows[r];
    auto cell = [&](int col) {
      return col >= 0 && static_cast<size_t>(col) < f.size() ? std::string(Trim(f[col]))
                                                             : std::string();
    };
    Alias a{cell(name_col), cell(code_col), cell(unit_col)};
    if (a.name.empty() && a.code.empty()) continue;
    const std::string where = std::string(source) + ":" + std::to_string(r + 1) + ": ";
    if (a.name.empty()) return Status::InvalidArgument(where + "empty name");
    if (!ValidCode(a.code)) {
      return Status::InvalidArgument(where + "bad series code '" + a.code +
                                     "': must be a letter then letters, digits or _ (at most 64)");
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace ixdb::extract::internal
