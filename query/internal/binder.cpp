#include "query/internal/binder.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/date.hpp"
#include "common/period.hpp"
#include "common/strings.hpp"
#include "query/internal/function_registry.hpp"
#include "query/internal/series_data.hpp"
#include "query/parser.hpp"

namespace ixdb::query {

namespace {

using Kind = ast::CallArg::Kind;

class Binder {
 public:
  explicit Binder(std::string_view text) : text_(text) {}

  void BindExpr(ast::Node& n, bool table_allowed) {
    using K = ast::Node::Kind;
    if (n.kind == K::kCall) {
      BindCall(n, table_allowed);
      return;
    }
    for (auto& a : n.args) BindExpr(*a, false);
  }

 private:
  [[noreturn]] void Err(size_t pos, const std::string& msg) const {
    Fail(Status::InvalidArgument(FormatErrorAt(text_, pos, msg)));
  }

  const FunctionDef& Lookup(const ast::Node& n) const {
    const FunctionRegistry& reg = FunctionRegistry::Get();
    if (const FunctionDef* def = reg.Find(n.text)) return *def;
    std::vector<std::pair<size_t, std::string>> near;
    const size_t cap = std::max<size_t>(1, n.text.size() / 3);
    for (const FunctionDef& f : reg.all()) {
      const size_t d = EditDistance(n.text, f.name, cap);
      if (d <= cap) near.emplace_back(d, f.name);
    }
    std::sort(near.begin(), near.end());
    std::string msg = "unknown function '" + n.text + "'";
    if (!near.empty()) {
      msg += "; did you mean ";
      for (size_t i = 0; i < near.size() && i < 3; ++i) msg += (i ? ", " : "") + near[i].second;
      msg += "?";
    }
    msg += " (functions() lists every function)";
    Err(n.pos, msg);
  }

  void BindCall(ast::Node& n, bool table_allowed) {
    const FunctionDef& def = Lookup(n);
    n.def = &def;
    if (def.shape == ResultShape::kTable && !table_allowed) {
      Err(n.pos, def.name + "() returns a table and cannot be used inside an expression");
    }
    const std::string sig = def.Signature();
    n.bound.assign(def.params.size(), {});
    size_t next = 0;  // next call argument
    for (size_t i = 0; i < def.params.size(); ++i) {
      const Param& p = def.params[i];
      ast::Node::Bound& b = n.bound[i];
      b.pos = n.pos;
      if (p.kind == ParamKind::kSelector) {
        for (; next < n.call_args.size(); ++next) AddSelector(sig, n.call_args[next], &b.selector);
        b.given = true;
        continue;
      }
      if (next >= n.call_args.size()) {
        if (p.default_value.empty() && !p.optional) {
          Err(n.end_pos, sig + ": " + p.name + " is missing (" + ParamKindName(p.kind) + ")");
        }
        if (!p.default_value.empty()) ApplyDefault(p, &b);
        continue;
      }
      ast::CallArg& a = n.call_args[next++];
      b.pos = a.pos;
      b.given = true;
      BindArg(sig, def, p, a, &b, table_allowed);
    }
    if (next < n.call_args.size()) {
      Err(n.call_args[next].pos, sig + " takes " + std::to_string(def.params.size()) +
                                     (def.params.size() == 1 ? " argument" : " arguments") +
                                     ": this one is one too many");
    }
  }

  void ApplyDefault(const Param& p, ast::Node::Bound* b) {
    switch (p.kind) {
      case ParamKind::kInteger:
        b->integer = std::stoll(p.default_value);
        break;
      case ParamKind::kWord:
      case ParamKind::kText:
        b->word = p.default_value;
        break;
      default:
        break;  // the implementation reads `given` for other defaults
    }
  }

  [[noreturn]] void Wrong(const std::string& sig, const Param& p, const ast::CallArg& a,
                          const std::string& detail = {}) const {
    Err(a.pos, sig + ": " + p.name + " must be " + ParamKindName(p.kind) +
                   (detail.empty() ? "" : " (" + detail + ")"));
  }

  // The text of an argument written as a bare word (an identifier, a token, a string).
  static bool WordText(const ast::CallArg& a, std::string* out) {
    switch (a.kind) {
      case Kind::kExpr:
        if (a.expr->kind != ast::Node::Kind::kSeries) return false;
        *out = a.expr->text;
        return true;
      case Kind::kFilter:
        return false;
      default:
        *out = a.text;
        return true;
    }
  }

  static std::optional<int64_t> IntegerOf(const ast::CallArg& a) {
    const ast::Node* e = a.kind == Kind::kExpr ? a.expr.get() : nullptr;
    if (a.kind == Kind::kWord) {
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(a.text.data(), a.text.data() + a.text.size(), v);
      if (ec == std::errc() && ptr == a.text.data() + a.text.size()) return v;
      return std::nullopt;
    }
    if (e == nullptr) return std::nullopt;
    double sign = 1;
    while (e->kind == ast::Node::Kind::kNegate) {
      sign = -sign;
      e = e->args[0].get();
    }
    if (e->kind != ast::Node::Kind::kNumber) return std::nullopt;
    const double v = sign * e->number;
    if (v != std::floor(v) || std::fabs(v) > 9.0e15) return std::nullopt;
    return static_cast<int64_t>(v);
  }

  ast::PeriodArg PeriodOf(const std::string& sig, const Param& p, const ast::CallArg& a,
                          std::string_view text, size_t pos) const {
    auto parsed = ParsePeriod(text);
    if (!parsed.ok()) Err(pos, parsed.status().message());
    (void)sig;
    (void)p;
    return ast::PeriodArg{*parsed, std::string(text), pos};
  }

  void BindArg(const std::string& sig, const FunctionDef& def, const Param& p, ast::CallArg& a,
               ast::Node::Bound* b, bool table_allowed) {
    switch (p.kind) {
      case ParamKind::kSeries:
        if (a.kind != Kind::kExpr) Wrong(sig, p, a, "'" + a.text + "' is not one");
        b->expr = a.expr.get();
        BindExpr(*a.expr, def.wraps_tables && table_allowed);
        return;
      case ParamKind::kPeriod:
        if (a.kind != Kind::kWord && !(a.kind == Kind::kString)) Wrong(sig, p, a);
        if (a.text.find(':') != std::string::npos) Wrong(sig, p, a, "a single period, not a range");
        b->period = PeriodOf(sig, p, a, a.text, a.pos);
        return;
      case ParamKind::kPeriodRange: {
        if (a.kind != Kind::kWord) Wrong(sig, p, a);
        ast::PeriodRange r;
        const size_t colon = a.text.find(':');
        const std::string_view t = a.text;
        const std::string_view from = colon == std::string::npos ? t : t.substr(0, colon);
        const std::string_view to = colon == std::string::npos ? t : t.substr(colon + 1);
        if (!from.empty()) r.from = PeriodOf(sig, p, a, from, a.pos);
        if (!to.empty())
          r.to = PeriodOf(sig, p, a, to, a.pos + (colon == std::string::npos ? 0 : colon + 1));
        b->range = std::move(r);
        return;
      }
      case ParamKind::kDate: {
        if (a.kind != Kind::kWord) Wrong(sig, p, a);
        auto d = ParseDate(a.text);
        if (!d.ok()) Err(a.pos, d.status().message());
        b->date = *d;
        return;
      }
      case ParamKind::kInteger: {
        auto v = IntegerOf(a);
        if (!v) Wrong(sig, p, a);
        b->integer = *v;
        return;
      }
      case ParamKind::kWord: {
        std::string w;
        if (!WordText(a, &w)) Wrong(sig, p, a);
        for (const std::string& ok : p.words) {
          if (w == ok) {
            b->word = w;
            return;
          }
        }
        std::string list;
        for (size_t i = 0; i < p.words.size(); ++i) {
          list += (i == 0 ? "" : i + 1 == p.words.size() ? " or " : ", ") + p.words[i];
        }
        Err(a.pos, sig + ": " + p.name + " must be " + list + ", not '" + w + "'");
      }
      case ParamKind::kText: {
        std::string w;
        if (a.kind == Kind::kExpr && a.expr->kind == ast::Node::Kind::kNumber) {
          w = NumberText(a.expr->number);
        } else if (!WordText(a, &w)) {
          Wrong(sig, p, a);
        }
        if (Trim(w).empty()) Err(a.pos, sig + ": " + p.name + " must not be empty");
        b->word = std::string(Trim(w));
        return;
      }
      case ParamKind::kSelector:
        return;  // handled by BindCall
    }
  }

  void AddSelector(const std::string& sig, const ast::CallArg& a, ast::Selector* sel) const {
    using FK = ast::Filter::Key;
    if (a.kind == Kind::kFilter) {
      static const std::pair<std::string_view, FK> kKeys[] = {
          {"code", FK::kCode},     {"name", FK::kName},
          {"text", FK::kName},     {"unit", FK::kUnit},
          {"kind", FK::kKind},     {"measure", FK::kKind},
          {"freq", FK::kFreq},     {"frequency", FK::kFreq},
          {"region", FK::kRegion}, {"cumulative", FK::kCumulative},
      };
      for (const auto& [name, key] : kKeys) {
        if (a.key == name) {
          sel->filters.push_back(ast::Filter{key, a.text, a.key_pos});
          return;
        }
      }
      Err(a.key_pos, "unknown filter '" + a.key +
                         "' (filters: code, name, unit, kind, freq, region, cumulative)");
    }
    std::string w;
    if (a.kind == Kind::kText || !WordText(a, &w)) {
      Err(a.pos, sig + ": expected a code pattern such as gdp* or a filter such as kind=rate");
    }
    sel->patterns.push_back(std::move(w));
  }

  std::string_view text_;
};

}  // namespace

void Bind(ast::Query& query, std::string_view text) {
  Binder b(text);
  b.BindExpr(*query.expr, /*table_allowed=*/true);
}

bool ReturnsTable(const ast::Node& n) {
  if (n.kind != ast::Node::Kind::kCall || n.def == nullptr) return false;
  if (n.def->shape == ResultShape::kTable) return true;
  return n.def->wraps_tables && !n.bound.empty() && n.bound[0].expr &&
         ReturnsTable(*n.bound[0].expr);
}

}  // namespace ixdb::query
