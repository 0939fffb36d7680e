// The files `ixdb extract` writes and the summary it prints.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <system_error>

#include "common/utf8.hpp"
#include "extract/extract.hpp"
#include "extract/internal/code_points.hpp"
#include "extract/internal/csv.hpp"

namespace ixdb::extract {

namespace {

namespace fs = std::filesystem;
using internal::AppendCsvRecord;

// How many notes the summary lists before it says "and N more".
constexpr size_t kMaxSummaryNotes = 8;

Status WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IOError(path.string() + ": cannot write: " + std::strerror(errno));
  out << content;
  out.close();
  if (!out) return Status::IOError(path.string() + ": write failed");
  return Status::OK();
}

std::string WithSeparators(size_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

Status WriteExtraction(const Extraction& ex, const std::string& out_dir, bool write_text) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return Status::IOError(out_dir + ": cannot create the directory: " + ec.message());
  const fs::path dir(out_dir);
  const std::string vintage = ex.vintage ? FormatDate(*ex.vintage) : std::string();
  std::map<std::string, const SeriesInfo*> series;
  for (const SeriesInfo& s : ex.series) series.emplace(s.code, &s);
  auto meta = [&](const std::string& code, bool unit) -> std::string {
    auto it = series.find(code);
    if (it == series.end() || it->second->in_store) return {};
    return unit ? it->second->unit : it->second->name;
  };

  std::string obs = "indicator,period,vintage,value,unit,status,qualifier,name,source\n";
  std::string targets =
      "indicator,period,target,target_high,comparator,on,unit,vintage,source,relative_to,text,"
      "name\n";
  std::string review =
      "kind,indicator,name,period,value,unit,comparator,qualifier,status,offset,length,source,"
      "rule\n";
  std::set<std::string> written;
  for (const Candidate& c : ex.candidates) {
    AppendCsvRecord(&review, {CandidateKindName(c.kind), c.indicator, c.name, c.period, c.value,
                              c.unit, c.comparator, c.qualifier, c.status, std::to_string(c.offset),
                              std::to_string(c.length), c.source, c.rule});
    if (!c.loadable) continue;
    written.insert(c.indicator);
    if (c.kind == CandidateKind::kObservation) {
      AppendCsvRecord(&obs, {c.indicator, c.period, vintage,
                             c.load_value.empty() ? c.value : c.load_value, meta(c.indicator, true),
                             c.status, c.qualifier, meta(c.indicator, false), c.source});
    } else {
      AppendCsvRecord(
          &targets,
          {c.indicator, c.period, c.load_value.empty() ? c.value : c.load_value, c.value_high,
           c.load_comparator.empty() ? c.comparator : c.load_comparator, c.on, c.unit, vintage,
           c.source, c.relative_to, c.text, meta(c.indicator, false)});
    }
  }
  // Series that only a relative target names: a row of metadata, so that the load has them.
  for (const SeriesInfo& s : ex.series) {
    if (written.count(s.code) > 0 || s.in_store) continue;
    AppendCsvRecord(&obs, {s.code, "", "", "", s.unit, "", "", s.name, ""});
  }

  for (const auto& [name, content] :
       {std::pair<const char*, const std::string*>{"observations.csv", &obs},
        {"targets.csv", &targets},
        {"review.csv", &review}}) {
    Status s = WriteFile(dir / name, *content);
    if (!s.ok()) return s;
  }
  if (write_text) {
    Status s = WriteFile(dir / "text.txt", ex.text);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

std::string FormatExtractSummary(const Extraction& ex, const std::string& out_dir) {
  size_t observations = 0, numeric = 0, qualitative = 0, relative = 0, review_only = 0;
  size_t store = 0, alias = 0, fresh = 0;
  size_t obs_rows = 0, target_rows = 0;
  for (const Candidate& c : ex.candidates) {
    if (c.kind == CandidateKind::kObservation) {
      ++observations;
    } else if (c.comparator == "qualitative") {
      ++qualitative;
    } else if (c.comparator == "relative") {
      ++relative;
    } else {
      ++numeric;
    }
    if (!c.loadable) {
      ++review_only;
      continue;
    }
    (c.kind == CandidateKind::kObservation ? obs_rows : target_rows)++;
    switch (c.mapping) {
      case Mapping::kStoreExact:
      case Mapping::kStoreNearest:
        ++store;
        break;
      case Mapping::kAlias:
      case Mapping::kAliasNearest:
        ++alias;
        break;
      case Mapping::kFallback:
        ++fresh;
        break;
    }
  }
  // An alias whose code the store has is a store series too.
  size_t existing = 0;
  std::set<std::string> in_store;
  for (const SeriesInfo& s : ex.series) {
    if (s.in_store) in_store.insert(s.code);
  }
  for (const Candidate& c : ex.candidates) {
    if (c.loadable && in_store.count(c.indicator) > 0) ++existing;
  }
  const size_t targets = numeric + qualitative + relative;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f", ex.seconds);

  std::string out;
  out += "extract: " + ex.input + " (" + ex.form + ", " + WithSeparators(CodePointCount(ex.text)) +
         " characters): plan year " + std::to_string(ex.plan_year) + " (" + ex.plan_year_from +
         ")\n";
  out += "candidates: " + WithSeparators(ex.candidates.size()) + " (" +
         WithSeparators(observations) + " observations, " + WithSeparators(targets) +
         " targets: " + WithSeparators(numeric) + " numeric, " + WithSeparators(qualitative) +
         " qualitative, " + WithSeparators(relative) + " relative)";
  if (ex.repeats_dropped > 0) out += "; " + WithSeparators(ex.repeats_dropped) + " repeats dropped";
  out += "\n";
  out += "mapped to existing series: " + WithSeparators(existing) + " (store names " +
         WithSeparators(store) + "); alias table " + WithSeparators(alias) + "; new codes " +
         WithSeparators(fresh) + "\n";
  const std::string dir = out_dir.empty() || out_dir.back() == '/' ? out_dir : out_dir + "/";
  out += "wrote " + dir + "observations.csv (" + WithSeparators(obs_rows) + " rows), " + dir +
         "targets.csv (" + WithSeparators(target_rows) + " rows), " + dir + "review.csv (" +
         WithSeparators(ex.candidates.size()) + " rows)\n";
  if (review_only > 0) {
    out += "note: " + WithSeparators(review_only) +
           " candidates are in review.csv only (periods or values the files cannot hold)\n";
  }
  if (ex.vintage) {
    out += "vintage " + FormatDate(*ex.vintage) + " (" + ex.vintage_from + ")\n";
  } else {
    out += "note: no vintage: the rows have none; give --vintage here or to ixdb load\n";
  }
  for (size_t i = 0; i < ex.notes.size() && i < kMaxSummaryNotes; ++i)
    out += "note: " + ex.notes[i] + "\n";
  if (ex.notes.size() > kMaxSummaryNotes) {
    out += "note: and " + WithSeparators(ex.notes.size() - kMaxSummaryNotes) + " more\n";
  }
  out += std::string(seconds) + " s\n";
  return out;
}

}  // namespace ixdb::extract
