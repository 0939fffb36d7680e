#include "cli/function_help.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "cli/result_cells.hpp"
#include "cli/session.hpp"
#include "common/strings.hpp"
#include "query/terminal_layout.hpp"

namespace ixdb::cli {
namespace {

// Readable help lines stay at most this wide even when the output is not a terminal.
constexpr size_t kHelpWidth = 80;

std::string_view BareName(std::string_view name) {
  name = Trim(name);
  const size_t paren = name.find('(');
  if (paren != std::string_view::npos) name = name.substr(0, paren);
  return Trim(name);
}

// "  label: text" wrapped under its text.
void AppendTextAt(std::string& out, std::string_view label, const std::string& text, size_t width) {
  if (text.empty()) return;
  const std::string prefix = "  " + std::string(label) + std::string(label.empty() ? "" : ": ");
  const std::string indent(prefix.size(), ' ');
  const size_t room = width > prefix.size() + 10 ? width - prefix.size() : 10;
  const auto lines = query::WrapToWidth(text, room);
  for (size_t i = 0; i < lines.size(); ++i) out += (i == 0 ? prefix : indent) + lines[i] + "\n";
}

}  // namespace

bool IsFunctionName(Session& session, std::string_view name) {
  auto t = session.Query("functions()");
  if (!t.ok()) return false;
  const std::string_view bare = BareName(name);
  for (size_t r = 0; r < t->rows.size(); ++r) {
    if (TextAt(*t, r, "name") == bare) return true;
  }
  return false;
}

Status ShowFunctionHelp(Session& session, std::string_view name) {
  auto t = session.Query("functions()");
  if (!t.ok()) return t.status();
  const std::string bare(BareName(name));
  size_t width = session.OutputWidth();
  if (width == 0 || width > kHelpWidth) width = kHelpWidth;
  for (size_t r = 0; r < t->rows.size(); ++r) {
    if (TextAt(*t, r, "name") != bare) continue;
    std::string out = TextAt(*t, r, "signature") + "\n";
    AppendTextAt(out, "", TextAt(*t, r, "summary"), width);
    AppendTextAt(out, "formula", TextAt(*t, r, "formula"), width);
    AppendTextAt(out, "unit", TextAt(*t, r, "unit"), width);
    AppendTextAt(out, "returns", TextAt(*t, r, "returns"), width);
    AppendTextAt(out, "example", TextAt(*t, r, "example"), width);
    session.Show(out);
    return Status::OK();
  }
  // The nearest names, as the query language suggests codes.
  std::vector<std::pair<size_t, std::string>> near;
  for (size_t r = 0; r < t->rows.size(); ++r) {
    const std::string fn = TextAt(*t, r, "name");
    const size_t d = EditDistance(bare, fn, 2);
    if (d <= 2) near.emplace_back(d, fn);
  }
  std::sort(near.begin(), near.end());
  std::string message = "no function '" + bare + "'";
  if (!near.empty()) {
    message += "; did you mean";
    for (size_t i = 0; i < near.size() && i < 3; ++i) message += (i ? ", " : " ") + near[i].second;
    message += "?";
  }
  message += " (functions() lists them all, .help the meta commands)";
  return Status::NotFound(message);
}

}  // namespace ixdb::cli
