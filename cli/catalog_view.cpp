#include "cli/catalog_view.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "cli/result_cells.hpp"
#include "cli/session.hpp"
#include "query/terminal_layout.hpp"

namespace ixdb::cli {
namespace {

// What one screen holds of a series' latest values, vintages and targets.
constexpr size_t kLatestValues = 5;
constexpr size_t kVintagesShown = 6;
constexpr size_t kTargetsShown = 6;

// The chosen columns of some rows of `t`, renamed.
query::Table Project(const query::Table& t,
                     const std::vector<std::pair<std::string, std::string>>& columns,
                     size_t first_row, size_t end_row) {
  query::Table out;
  std::vector<int> from;
  for (const auto& [name, title] : columns) {
    const int c = ColumnIndex(t, name);
    from.push_back(c);
    query::Column col;
    col.name = title;
    if (c >= 0) {
      col.type = t.columns[static_cast<size_t>(c)].type;
      col.unit = t.columns[static_cast<size_t>(c)].unit;
    }
    out.columns.push_back(col);
  }
  for (size_t r = first_row; r < end_row && r < t.rows.size(); ++r) {
    std::vector<query::Cell> row;
    for (int c : from)
      row.push_back(c >= 0 && static_cast<size_t>(c) < t.rows[r].size() ? t.rows[r][c]
                                                                        : query::Cell{});
    out.rows.push_back(std::move(row));
  }
  return out;
}

// An error of a query the view built: its place in that query means nothing to the user, so
// only the message's first line is kept, without the "L:C: " in front.
Status WithoutPlace(const Status& s) {
  if (s.IsCancelled()) return s;
  std::string m = s.message();
  const size_t nl = m.find('\n');
  if (nl != std::string::npos) m.resize(nl);
  const size_t colon = m.find(": ");
  if (colon != std::string::npos && m.find_first_not_of("0123456789:") == colon + 1)
    m.erase(0, colon + 2);
  if (s.IsNotFound()) return Status::NotFound(m);
  return Status::InvalidArgument(m);
}

bool IsCode(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

bool IsGlob(std::string_view s) {
  return s.find_first_of("*?") != std::string_view::npos &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '*' || c == '?';
         });
}

std::string Quoted(std::string_view s) {
  const char q = s.find('"') == std::string_view::npos ? '"' : '\'';
  return std::string(1, q) + std::string(s) + std::string(1, q);
}

// A text table without its "N rows" line, at the session's width, never as records: the view
// is already one record.
std::string Section(Session& s, const std::string& title, const query::Table& t,
                    const std::string& after = {}) {
  query::TextLayout layout;
  layout.width = s.OutputWidth();
  layout.precision = s.settings().precision;
  layout.null_text = s.settings().null_text;
  layout.separators = s.settings().separators;
  layout.footer = false;
  std::string out = "\n" + title + "\n";
  out += t.rows.empty() ? "  (none)\n" : query::RenderTextTable(t, layout);
  if (!after.empty()) out += after + "\n";
  return out;
}

std::string Wrapped(Session& s, const std::string& text) {
  const size_t width = s.OutputWidth();
  if (width == 0) return text + "\n";
  std::string out;
  for (const auto& line : query::WrapToWidth(text, width)) out += line + "\n";
  return out;
}

Status ShowList(Session& s, const query::Table& described, std::string_view arg) {
  if (described.rows.empty()) {
    return Status::NotFound("no series matches '" + std::string(arg) + "'");
  }
  s.ShowTable(Project(described,
                      {{"indicator", "code"},
                       {"name", "name"},
                       {"unit", "unit"},
                       {"frequency", "frequency"},
                       {"last_period", "latest_period"},
                       {"last_vintage", "latest_vintage"}},
                      0, described.rows.size()));
  return Status::OK();
}

// Counts, per vintage, the values published on it, how many of them revised an earlier one of
// their period, and the deletions and retracted versions (a reverted load's), from every
// version of the series (revisions(CODE), oldest first within each period).
Status VintageCounts(Session& s, const std::string& code, query::Table* out) {
  auto versions = s.Query("revisions(" + code + ")");
  if (!versions.ok()) return versions.status();
  struct Count {
    int64_t values = 0, revised = 0, deleted = 0, retracted = 0;
  };
  std::map<std::string, Count> by_vintage;
  std::string period;
  bool period_has_value = false;
  for (size_t r = 0; r < versions->rows.size(); ++r) {
    if (TextAt(*versions, r, "period") != period) {
      period = TextAt(*versions, r, "period");
      period_has_value = false;
    }
    Count& c = by_vintage[TextAt(*versions, r, "vintage")];
    if (!TextAt(*versions, r, "reverted_by").empty()) {
      ++c.retracted;
    } else if (TextAt(*versions, r, "status") == "deleted") {
      ++c.deleted;
    } else {
      ++c.values;
      if (period_has_value) ++c.revised;
      period_has_value = true;
    }
  }
  bool any_deleted = false, any_retracted = false;
  for (const auto& [vintage, c] : by_vintage) {
    any_deleted |= c.deleted > 0;
    any_retracted |= c.retracted > 0;
  }
  out->columns = {{"vintage", query::ColumnType::kDate, ""},
                  {"values", query::ColumnType::kInteger, ""},
                  {"revised", query::ColumnType::kInteger, ""}};
  if (any_deleted) out->columns.push_back({"deleted", query::ColumnType::kInteger, ""});
  if (any_retracted) out->columns.push_back({"retracted", query::ColumnType::kInteger, ""});
  for (const auto& [vintage, c] : by_vintage) {
    std::vector<query::Cell> row = {vintage, c.values, c.revised};
    if (any_deleted) row.push_back(c.deleted);
    if (any_retracted) row.push_back(c.retracted);
    out->rows.push_back(std::move(row));
  }
  return Status::OK();
}

Status ShowOne(Session& s, const query::Table& described) {
  const std::string code = TextAt(described, 0, "indicator");
  std::string out;
  std::string head = code;
  for (const char* field : {"name", "name_en"}) {
    const std::string v = TextAt(described, 0, field);
    if (!v.empty()) head += " \u00b7 " + v;
  }
  out += Wrapped(s, head);
  std::string kind = TextAt(described, 0, "measure") + ", " + TextAt(described, 0, "frequency");
  if (TextAt(described, 0, "cumulative") == "true") kind += ", cumulative (year to date)";
  std::string facts = "unit " + TextAt(described, 0, "unit") + "; " + kind;
  if (const auto region = TextAt(described, 0, "region"); !region.empty())
    facts += "; region " + region;
  if (const auto level = TextAt(described, 0, "level_series"); !level.empty())
    facts += "; level series " + level;
  if (const auto better = TextAt(described, 0, "better"); !better.empty())
    facts += "; " + better + " is better";
  out += Wrapped(s, facts);
  for (const char* field : {"source", "notes"}) {
    const std::string v = TextAt(described, 0, field);
    if (!v.empty()) out += Wrapped(s, std::string(field) + ": " + v);
  }
  // A formula (ixdb define) is computed when read: no vintages or targets of its own.
  const bool formula = TextAt(described, 0, "kind") == "formula";
  if (formula)
    out += Wrapped(
        s, "formula: " + code + " = " + TextAt(described, 0, "formula") + " (computed when read)");
  const std::string periods = TextAt(described, 0, "periods");
  std::string coverage = periods + (periods == "1" ? " period" : " periods");
  if (const auto first = TextAt(described, 0, "first_period"); !first.empty()) {
    coverage += ", " + first + " \u2026 " + TextAt(described, 0, "last_period");
    if (const auto vintage = TextAt(described, 0, "last_vintage"); !vintage.empty()) {
      coverage += "; last vintage " + vintage;
    }
  }
  const std::string targets = TextAt(described, 0, "targets");
  coverage += "; " + targets + (targets == "1" ? " target" : " targets");
  if (s.settings().as_of) coverage += "; values as of " + FormatDate(*s.settings().as_of);
  out += Wrapped(s, coverage);

  auto values = s.Query(code);
  if (!values.ok()) return values.status();
  const size_t n = values->rows.size();
  const size_t first = n > kLatestValues ? n - kLatestValues : 0;
  out += Section(s, "latest values",
                 Project(*values,
                         {{"period", "period"},
                          {"value", "value"},
                          {"unit", "unit"},
                          {"vintage", "vintage"},
                          {"status", "status"},
                          {"qualifier", "qualifier"}},
                         first, n));
  if (formula) {
    s.Show(out);
    return Status::OK();
  }

  query::Table vintages;
  Status st = VintageCounts(s, code, &vintages);
  if (!st.ok()) return st;
  std::string vintage_note;
  const size_t nv = vintages.rows.size();
  if (nv > kVintagesShown) {
    vintage_note = "  \u2026 and " + std::to_string(nv - kVintagesShown) + " earlier vintages";
    vintages.rows.erase(vintages.rows.begin(),
                        vintages.rows.begin() + static_cast<long>(nv - kVintagesShown));
  }
  out += Section(s, "vintages (values published on each, and how many revised one)", vintages,
                 vintage_note);

  auto found = s.Query("targets() where indicator = " + Quoted(code));
  if (!found.ok()) return found.status();
  const size_t nt = found->rows.size();
  const size_t first_target = nt > kTargetsShown ? nt - kTargetsShown : 0;
  out += Section(
      s, "targets",
      Project(*found,
              {{"period", "period"},
               {"comparator", "comparator"},
               {"target", "target"},
               {"actual", "actual"},
               {"gap", "gap"},
               {"status", "status"},
               {"text", "text"}},
              first_target, nt),
      first_target > 0 ? "  \u2026 and " + std::to_string(first_target) + " earlier targets" : "");
  s.Show(out);
  return Status::OK();
}

}  // namespace

Status ShowCatalog(Session& s, std::string_view arg) {
  if (arg.empty()) {
    auto all = s.Query("describe()");
    if (!all.ok()) return all.status();
    return ShowList(s, *all, arg);
  }
  if (IsCode(arg)) {
    auto one = s.Query("describe(" + std::string(arg) + ")");
    if (one.ok() && one->rows.size() == 1 && TextAt(*one, 0, "indicator") == arg)
      return ShowOne(s, *one);
    if (!one.ok() && !one.status().IsNotFound()) return WithoutPlace(one.status());
    // Not a code: the series whose code or names contain it, else the unknown-code error.
    auto matching = s.Query("describe(name=" + Quoted(arg) + ")");
    if (!matching.ok()) return matching.status();
    if (matching->rows.empty() && !one.ok()) return WithoutPlace(one.status());
    return ShowList(s, *matching, arg);
  }
  auto matching = s.Query(IsGlob(arg) ? "describe(" + std::string(arg) + ")"
                                      : "describe(name=" + Quoted(arg) + ")");
  if (!matching.ok()) return matching.status();
  return ShowList(s, *matching, arg);
}

}  // namespace ixdb::cli
