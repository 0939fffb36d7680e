#include "query/internal/function_registry.hpp"

#include <cstdlib>

namespace ixdb::query {

const char* ParamKindName(ParamKind k) {
  switch (k) {
    case ParamKind::kSeries:
      return "a series expression";
    case ParamKind::kPeriod:
      return "a period like 2023, 2023Q3 or 2023H1";
    case ParamKind::kPeriodRange:
      return "a period or a range of periods like 2022:2023";
    case ParamKind::kDate:
      return "a date like 2024-01-20";
    case ParamKind::kInteger:
      return "a whole number";
    case ParamKind::kWord:
      return "a word";
    case ParamKind::kText:
      return "a text";
    case ParamKind::kSelector:
      return "a code pattern or a key=value filter";
  }
  return "?";
}

std::string FunctionDef::Signature() const {
  std::string s = name + "(";
  for (size_t i = 0; i < params.size(); ++i) {
    const Param& p = params[i];
    if (i) s += ", ";
    if (p.kind == ParamKind::kSelector) {
      s += p.name + "...";
      continue;
    }
    const bool bracket = p.optional && p.default_value.empty();
    if (bracket) s += "[";
    s += p.name;
    if (p.kind == ParamKind::kWord && !p.words.empty() && p.default_value.empty()) {
      s += ":";
      for (size_t w = 0; w < p.words.size(); ++w) s += (w ? "|" : "") + p.words[w];
    }
    if (!p.default_value.empty()) s += "=" + p.default_value;
    if (bracket) s += "]";
  }
  return s + ")";
}

size_t FunctionDef::ParamIndex(std::string_view n) const {
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].name == n) return i;
  }
  std::abort();  // a registry entry refers to a parameter it does not declare
}

const FunctionRegistry& FunctionRegistry::Get() {
  static const FunctionRegistry* registry = [] {
    auto* r = new FunctionRegistry;
    RegisterVintageFunctions(*r);
    RegisterTransformFunctions(*r);
    RegisterGrowthFunctions(*r);
    RegisterFrequencyFunctions(*r);
    RegisterArithmeticFunctions(*r);
    RegisterTargetFunctions(*r);
    RegisterProgressFunctions(*r);
    RegisterMetadataFunctions(*r);
    RegisterAggregateFunctions(*r);
    return r;
  }();
  return *registry;
}

const FunctionDef* FunctionRegistry::Find(std::string_view name) const {
  for (const FunctionDef& f : functions_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

void FunctionRegistry::Add(FunctionDef def) { functions_.push_back(std::move(def)); }

}  // namespace ixdb::query
