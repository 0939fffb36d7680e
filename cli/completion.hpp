#pragma once
// Tab completion for the shell: series codes (from the store or the server), function names
// (from functions()), meta commands, column names after where / order by, method words
// (sum|avg|end) where a method goes, file names after \i and \o, and the codes of the series a
// Chinese name finds (search(...)). The word lists come through the QueryBackend and are fetched
// once, when first needed. No terminal I/O: cli/shell.cpp connects it to libedit.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/backend.hpp"

namespace ixdb::cli {

class Completer {
 public:
  // The characters libedit cuts words at. `/`, `.` and `-` are not among them, so that file
  // names and meta commands stay one word; Complete() finds a code after them itself.
  static const char* kWordBreaks;

  // The backend must outlive the completer.
  explicit Completer(QueryBackend& backend) : backend_(backend) {}

  // The words that can replace `word` (the text before the cursor back to a word break), given
  // `before`: everything typed before it in the statement, earlier lines included. Sorted, no
  // duplicates; empty when nothing fits. Each candidate replaces the whole of `word`.
  std::vector<std::string> Complete(std::string_view before, std::string_view word);

 private:
  const std::vector<std::string>& Codes();
  const std::vector<std::string>& Functions();
  const std::vector<std::string>& Columns(const std::string& expression);
  std::vector<std::string> CodesNamed(std::string_view name);

  QueryBackend& backend_;
  std::optional<std::vector<std::string>> codes_, functions_;
  std::map<std::string, std::vector<std::string>> columns_;
};

// The longest common prefix of the candidates (whole UTF-8 characters).
std::string CommonPrefix(const std::vector<std::string>& candidates);

}  // namespace ixdb::cli
