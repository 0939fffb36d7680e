#include "extract/extract.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "extract/internal/aliases.hpp"
#include "extract/internal/candidates.hpp"
#include "extract/internal/code_points.hpp"
#include "extract/internal/document_text.hpp"
#include "extract/internal/layout.hpp"
#include "extract/internal/load_plan.hpp"
#include "extract/internal/mapping.hpp"
#include "extract/internal/normalize.hpp"

namespace ixdb::extract {

const char* CandidateKindName(CandidateKind kind) {
  return kind == CandidateKind::kObservation ? "observation" : "target";
}

const char* MappingName(Mapping m) {
  switch (m) {
    case Mapping::kStoreExact:
      return "store";
    case Mapping::kStoreNearest:
      return "store-nearest";
    case Mapping::kAlias:
      return "alias";
    case Mapping::kAliasNearest:
      return "alias-nearest";
    case Mapping::kFallback:
      return "new";
  }
  return "?";
}

namespace {

Result<std::vector<internal::Alias>> LoadAliases(const std::vector<std::string>& files) {
  auto builtin =
      internal::ParseAliases(internal::BuiltinAliasesCsv(), "data/aliases.csv (built in)");
  if (!builtin.ok()) return builtin.status();
  std::vector<internal::Alias> all = std::move(builtin).value();
  for (const std::string& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::IOError(path + ": cannot open: " + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    auto more = internal::ParseAliases(ss.str(), path);
    if (!more.ok()) return more.status();
    for (auto& a : *more) all.push_back(std::move(a));
  }
  return all;
}

// Byte offsets of `text` to code-point offsets.
class CodePointIndex {
 public:
  explicit CodePointIndex(std::string_view text) : at_(text.size() + 1, 0) {
    size_t i = 0, n = 0;
    while (i < text.size()) {
      const size_t start = i;
      internal::DecodeAt(text, &i);
      for (size_t k = start; k < i; ++k) at_[k] = n;
      ++n;
    }
    at_[text.size()] = n;
  }
  size_t operator[](size_t byte) const { return at_[byte < at_.size() ? byte : at_.size() - 1]; }

 private:
  std::vector<size_t> at_;
};

}  // namespace

Result<Extraction> ExtractText(std::string_view text, const std::string& input,
                               const ExtractOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  Extraction ex;
  ex.input = input;
  ex.form = "text";
  ex.text = internal::NormalizeText(text);
  auto layout = internal::ReadLayout(ex.text, options.plan_year);
  if (!layout.ok()) return Status::InvalidArgument(input + ": " + layout.status().message());
  ex.plan_year = layout->plan_year;
  ex.plan_year_from = layout->plan_year_from;
  if (options.vintage) {
    ex.vintage = options.vintage;
    ex.vintage_from = "--vintage";
  } else if (layout->published) {
    ex.vintage = layout->published;
    ex.vintage_from = "the date in the title lines";
  }

  auto aliases = LoadAliases(options.alias_files);
  if (!aliases.ok()) return aliases.status();
  const internal::IndicatorMapper mapper(&options.catalog, std::move(aliases).value());

  const auto known = [&mapper](std::string_view name) {
    return mapper.Map(name, "").how != Mapping::kFallback;
  };
  std::vector<internal::Proposal> proposals = internal::ReadCandidates(ex.text, *layout, known);
  for (internal::Proposal& p : proposals) {
    Candidate& c = p.candidate;
    const internal::MappedSeries m = mapper.Map(c.name, c.unit);
    c.indicator = m.code;
    c.mapping = m.how;
    p.series_unit = m.unit;
    if (c.comparator == "relative") c.relative_to = mapper.Map(c.relative_name, "").code;
  }
  internal::LoadPlan plan = internal::PlanLoading(std::move(proposals), options.catalog);
  ex.candidates = std::move(plan.candidates);
  ex.series = std::move(plan.series);
  ex.repeats_dropped = plan.repeats;
  ex.notes = std::move(plan.notes);

  const CodePointIndex cp(ex.text);
  for (Candidate& c : ex.candidates) {
    const size_t begin = c.offset, end = c.offset + c.length;
    c.offset = cp[begin];
    c.length = cp[end] - cp[begin];
  }
  ex.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return ex;
}

Result<Extraction> ExtractFile(const std::string& path, const ExtractOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  auto doc = internal::ReadDocument(path);
  if (!doc.ok()) return doc.status();
  auto ex = ExtractText(doc->text, path, options);
  if (!ex.ok()) return ex.status();
  ex->form = internal::DocumentFormName(doc->form);
  ex->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return ex;
}

Result<std::string> RunExtract(const ExtractRequest& request) {
  auto ex = ExtractFile(request.input, request.options);
  if (!ex.ok()) return ex.status();
  Status s = WriteExtraction(*ex, request.out_dir, request.write_text);
  if (!s.ok()) return s;
  return FormatExtractSummary(*ex, request.out_dir);
}

}  // namespace ixdb::extract
