#include "extract/internal/mapping.hpp"

#include <cstdio>
#include <set>
#include <unordered_map>

#include "common/units.hpp"
#include "common/utf8.hpp"
#include "extract/internal/code_points.hpp"

namespace ixdb::extract::internal {

namespace {

// A name shorter than this is never matched by containment (增长, 投资 ...).
constexpr size_t kMinNearestCodePoints = 4;
// Character-bigram similarity (Dice) at least this for a nearest match without containment,
// between names of at least kMinSimilarCodePoints (on short names one character changes the
// indicator: 农民收入增长 / 居民收入增长).
constexpr double kMinSimilarity = 0.85;
constexpr size_t kMinSimilarCodePoints = 8;

struct Replacement {
  std::string_view from, to;
};

// Applied in order to the name.
constexpr Replacement kSpellings[] = {
    {"规上", "规模以上"}, {"增长率", "增长"}, {"增速", "增长"},   {"增幅", "增长"},
    {"涨幅", "上涨"},     {"降幅", "下降"},   {"下降率", "下降"},
};
// Words that do not change which indicator is meant.
constexpr std::string_view kMannerWords[] = {
    "比上年同期", "比上年末", "比上年", "较上年", "比去年", "较去年", "温和", "稳步", "持续",
    "继续",       "同比",     "平均",   "分别",   "进一步", "大幅",   "小幅", "明显", "全市",
    "全省",       "全国",     "全区",   "全县",   "我市",   "我省",   "我国", "本市",
};
// Words that make another indicator of the same thing: a flow or a stock (新增高新技术企业 is not
// 高新技术企业总数), a part of the population or of the economy (城镇居民收入增长 is not
// 居民收入增长), a ratio (人均). A name that differs from another by one of these is a different
// indicator.
constexpr std::string_view kQualifyingWords[] = {
    "新增",   "新建",     "新开工",   "新认定", "新培育", "新签约", "累计", "总数", "总量",
    "总计",   "年末",     "存量",     "城镇",   "农村",   "城乡",   "城市", "乡村", "农民",
    "居民",   "规模以上", "限额以上", "限上",   "国有",   "民营",   "外资", "人均", "单位",
    "每万人", "每千人",   "重点",     "市级",   "省级",   "国家级", "实际", "名义",
};
// Verbs of doing that open a phrase without changing what it counts (举办促消费活动 counts
// 促消费活动). Flows (新增, 新建, 建成, 新开工) are not among them.
constexpr std::string_view kActionVerbs[] = {
    "举办", "打造", "建设", "完成",     "依托", "实施", "组织", "开展", "推动",
    "推进", "加快", "支持", "培育",     "引进", "发放", "划定", "助力", "滚动",
    "遴选", "储备", "创建", "因地制宜", "试点", "组建", "发布", "落实", "优化",
    "深化", "争取", "获评", "认定",     "评选", "启动", "设立", "挂牌", "成功",
};

constexpr std::string_view kChangeWords[] = {"增长", "上涨", "下降", "提高", "降低",
                                             "减少", "增加", "回落", "上升", "提升"};

void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  size_t at = 0;
  while ((at = s->find(from, at)) != std::string::npos) {
    s->replace(at, from.size(), to);
    at += to.size();
  }
}

bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// The change word a name ends with ("" for a level).
std::string_view ChangeEnding(std::string_view form) {
  for (auto w : kChangeWords) {
    if (EndsWith(form, w)) return w;
  }
  return {};
}

bool HasQualifyingWord(std::string_view s) {
  for (auto w : kQualifyingWords) {
    if (s.find(w) != std::string_view::npos) return true;
  }
  return false;
}

// Words before a name that leave it the same indicator: verbs of doing, or examples (…等).
bool OnlyActionsOrExamples(std::string_view before) {
  if (before.size() >= 3 && before.substr(before.size() - 3) == "等") return true;
  while (!before.empty()) {
    bool stripped = false;
    for (auto v : kActionVerbs) {
      if (before.substr(0, v.size()) == v) {
        before.remove_prefix(v.size());
        stripped = true;
        break;
      }
    }
    if (!stripped) return false;
  }
  return true;
}

bool UnitsFit(std::string_view value_unit, std::string_view series_unit) {
  if (value_unit.empty() || series_unit.empty()) return true;
  return UnitConversionFactor(value_unit, series_unit).ok();
}

std::vector<std::u32string> Bigrams(std::string_view s) {
  std::u32string cps;
  size_t i = 0;
  while (i < s.size()) cps.push_back(DecodeAt(s, &i));
  std::vector<std::u32string> out;
  for (size_t k = 0; k + 1 < cps.size(); ++k) out.push_back(cps.substr(k, 2));
  return out;
}

double Similarity(std::string_view a, std::string_view b) {
  const auto x = Bigrams(a), y = Bigrams(b);
  if (x.empty() || y.empty()) return 0;
  std::multiset<std::u32string> ys(y.begin(), y.end());
  size_t common = 0;
  for (const auto& g : x) {
    auto it = ys.find(g);
    if (it != ys.end()) {
      ++common;
      ys.erase(it);
    }
  }
  return 2.0 * static_cast<double>(common) / static_cast<double>(x.size() + y.size());
}

}  // namespace

std::string MatchForm(std::string_view name) {
  std::string out;
  int depth = 0;
  size_t i = 0;
  while (i < name.size()) {
    const size_t at = i;
    const char32_t c = DecodeAt(name, &i);
    if (c == U'（' || c == '(') {
      ++depth;
      continue;
    }
    if (c == U'）' || c == ')') {
      if (depth > 0) --depth;
      continue;
    }
    if (depth > 0) continue;
    if (c == ' ' || c == U'“' || c == U'”' || c == U'‘' || c == U'’' || c == '"' || c == '\'' ||
        c == U'《' || c == U'》' || c == U'「' || c == U'」') {
      continue;
    }
    out.append(name, at, i - at);
  }
  for (const auto& r : kSpellings) ReplaceAll(&out, r.from, r.to);
  for (auto w : kMannerWords) ReplaceAll(&out, w, "");
  return out;
}

std::string FallbackCode(std::string_view name) {
  const std::string form = MatchForm(name);
  uint32_t h = 2166136261u;
  for (unsigned char c : form) {
    h ^= c;
    h *= 16777619u;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "zh_%08x", h);
  return buf;
}

IndicatorMapper::IndicatorMapper(const std::vector<CatalogEntry>* catalog,
                                 std::vector<Alias> aliases) {
  if (catalog != nullptr) {
    for (const CatalogEntry& e : *catalog) {
      if (e.name.empty()) continue;
      Named n;
      n.form = MatchForm(e.name);
      n.length = CodePointCount(n.form);
      n.code = e.code;
      n.unit = e.unit;
      n.store = &e;
      store_.push_back(std::move(n));
    }
  }
  // A later table wins for the same name: keep the last entry of each name.
  std::unordered_map<std::string, size_t> index;
  for (Alias& a : aliases) {
    Named n;
    n.form = MatchForm(a.name);
    n.length = CodePointCount(n.form);
    n.code = std::move(a.code);
    n.unit = std::move(a.unit);
    auto [it, inserted] = index.emplace(n.form, aliases_.size());
    if (inserted) {
      aliases_.push_back(std::move(n));
    } else {
      aliases_[it->second] = std::move(n);
    }
  }
}

const IndicatorMapper::Named* IndicatorMapper::Exact(const std::vector<Named>& table,
                                                     const std::string& form,
                                                     std::string_view unit) const {
  for (const Named& n : table) {
    if (n.form == form && UnitsFit(unit, n.unit)) return &n;
  }
  return nullptr;
}

const IndicatorMapper::Named* IndicatorMapper::Nearest(const std::vector<Named>& table,
                                                       const std::string& form,
                                                       std::string_view unit) const {
  const std::string_view change = ChangeEnding(form);
  const Named* best = nullptr;
  double best_score = 0;
  for (const Named& n : table) {
    if (n.length < kMinNearestCodePoints || !UnitsFit(unit, n.unit)) continue;
    if (ChangeEnding(n.form) != change) continue;
    double score = 0;
    const size_t at = form.find(n.form);
    if (at != std::string::npos) {
      // The phrase holds the name. Words before it may only be verbs of doing or examples
      // (other words narrow it: 三大综保区进出口总额 is not 进出口总额); no word around it may
      // make another indicator of it.
      const std::string before = form.substr(0, at), after = form.substr(at + n.form.size());
      if (!OnlyActionsOrExamples(before) || HasQualifyingWord(before) || HasQualifyingWord(after))
        continue;
      score = 1.0 + static_cast<double>(n.length) / 1000.0;  // the longest name contained wins
    } else {
      if (n.length < kMinSimilarCodePoints || CodePointCount(form) < kMinSimilarCodePoints)
        continue;
      const double sim = Similarity(form, n.form);
      if (sim < kMinSimilarity) continue;
      bool same_qualifiers = true;
      for (auto w : kQualifyingWords) {
        same_qualifiers = same_qualifiers && ((form.find(w) == std::string::npos) ==
                                              (n.form.find(w) == std::string::npos));
      }
      if (!same_qualifiers) continue;
      score = sim;
    }
    if (score > best_score) {
      best_score = score;
      best = &n;
    }
  }
  return best;
}

MappedSeries IndicatorMapper::Map(std::string_view name, std::string_view unit) const {
  const std::string form = MatchForm(name);
  MappedSeries m;
  auto take = [&](const Named* n, Mapping how) {
    m.code = n->code;
    m.unit = n->unit;
    m.store = n->store;
    m.how = how;
    // An alias of a series the store has: the store's series, in the store's unit.
    for (const Named& s : store_) {
      if (m.store == nullptr && s.code == m.code) {
        m.store = s.store;
        m.unit = s.unit;
      }
    }
    return m;
  };
  if (!form.empty()) {
    // The store first (targets attach to the series with the history), then the aliases.
    if (const Named* n = Exact(store_, form, unit)) return take(n, Mapping::kStoreExact);
    const Named* alias = Exact(aliases_, form, unit);
    if (alias != nullptr) {
      for (const Named& s : store_) {
        if (s.code == alias->code) return take(alias, Mapping::kAlias);
      }
    }
    if (const Named* n = Nearest(store_, form, unit)) return take(n, Mapping::kStoreNearest);
    if (alias != nullptr) return take(alias, Mapping::kAlias);
    if (const Named* n = Nearest(aliases_, form, unit)) return take(n, Mapping::kAliasNearest);
  }
  m.code = FallbackCode(name);
  m.how = Mapping::kFallback;
  return m;
}

}  // namespace ixdb::extract::internal
