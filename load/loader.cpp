// The loader's public entry points (load/loader.hpp). The work is in internal/loader_*.cpp and
// the formats in formats/*.cpp.
#include "load/loader.hpp"

#include <cstdio>

#include "common/strings.hpp"
#include "load/formats/format_reader.hpp"
#include "load/internal/loader_impl.hpp"

namespace ixdb::load {

std::vector<std::string> FormatNames() {
  std::vector<std::string> names = {"auto"};
  for (const auto& f : internal::Formats()) names.emplace_back(f.name);
  return names;
}

Result<Format> ParseFormat(std::string_view text) {
  const std::string t = Lower(Trim(text));
  if (t == "auto") return Format::kAuto;
  if (t == "sdmx-csv") return Format::kSdmx;
  if (t == "target") return Format::kTargets;
  for (const auto& f : internal::Formats()) {
    if (t == f.name) return f.format;
  }
  std::string names;
  for (const auto& n : FormatNames()) names += (names.empty() ? "" : ", ") + n;
  return Status::InvalidArgument("unknown format '" + std::string(text) + "' (expected " + names +
                                 ")");
}

Result<Encoding> ParseEncoding(std::string_view text) {
  const std::string t = Lower(Trim(text));
  if (t == "auto") return Encoding::kAuto;
  if (t == "utf-8" || t == "utf8") return Encoding::kUtf8;
  if (t == "gb18030" || t == "gbk" || t == "gb2312" || t == "cp936") return Encoding::kGb18030;
  return Status::InvalidArgument("unknown encoding '" + std::string(text) +
                                 "' (expected auto, utf-8 or gb18030)");
}

Result<CodeMode> ParseCodeMode(std::string_view text) {
  const std::string t = Lower(Trim(text));
  if (t == "strict") return CodeMode::kStrict;
  if (t == "sanitize" || t == "sanitise") return CodeMode::kSanitize;
  return Status::InvalidArgument("unknown --codes '" + std::string(text) +
                                 "' (expected strict or sanitize)");
}

Result<LoadReport> LoadFiles(storage::Store& store, const std::vector<std::string>& paths,
                             const LoadOptions& options) {
  if (paths.empty()) return Status::InvalidArgument("no files to load");
  if (paths.size() > 60000) return Status::InvalidArgument("too many files in one load");
  internal::Loader loader(store, options);
  int stdin_count = 0;
  for (const std::string& p : paths) {
    if (p == "-" && ++stdin_count > 1) {
      return Status::InvalidArgument("standard input (-) can be given only once");
    }
    auto f = std::make_unique<internal::InputFile>();
    if (Status s = internal::OpenInput(p, f.get()); !s.ok()) return s;
    loader.AddInput(std::move(f));
  }
  return loader.Run();
}

Result<LoadReport> LoadText(storage::Store& store, const std::string& name,
                            const std::string& content, const LoadOptions& options) {
  internal::Loader loader(store, options);
  auto f = std::make_unique<internal::InputFile>();
  f->name = name;
  f->text = content;
  f->raw_size = content.size();
  loader.AddInput(std::move(f));
  return loader.Run();
}

std::string FormatLoadSummary(const LoadReport& r) {
  using internal::Thousands;
  const auto& s = r.summary;
  char time[64];
  const double rate = r.seconds > 0 ? static_cast<double>(r.rows_read) / r.seconds : 0;
  std::snprintf(time, sizeof time, "%.2f s, %s rows/s", r.seconds,
                Thousands(static_cast<uint64_t>(rate)).c_str());
  std::string observations =
      Thousands(s.observations_added) + " added (" + Thousands(s.revisions) + " revisions";
  if (s.corrections > 0) {
    observations +=
        ", " + Thousands(s.corrections) + " correction" + (s.corrections == 1 ? "" : "s");
  }
  observations += ")";
  std::string targets = Thousands(s.targets_added) + " added";
  if (s.targets_replaced > 0) targets += " (" + Thousands(s.targets_replaced) + " replaced)";
  std::string out = "load #" + std::to_string(s.load_id) + ": " + Thousands(r.rows_read) +
                    " rows; series " + Thousands(s.series_created) + " created, " +
                    Thousands(s.series_updated) + " updated";
  if (s.series_widened > 0) out += ", " + Thousands(s.series_widened) + " widened";
  out += "; observations " + observations + ", " + Thousands(s.unchanged) + " unchanged; targets " +
         targets + ", " + Thousands(s.targets_unchanged) + " unchanged; " + Thousands(s.deletions) +
         " deletions; " + time;
  for (const std::string& n : r.notes) out += "\nnote: " + n;
  return out;
}

}  // namespace ixdb::load
