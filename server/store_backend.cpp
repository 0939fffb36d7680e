// Queries through query::RunQuery (RunAnswer for what the server renders), loads through
// load::LoadText / load::LoadFiles.

#include "server/store_backend.hpp"

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "load/loader.hpp"
#include "query/query.hpp"

namespace ixdb::server {
namespace {

// A name a client sent, made safe as a file name inside our own temporary directory.
std::string SafeFileName(const std::string& name, size_t index) {
  std::string base = std::filesystem::path(name).filename().string();
  std::string out;
  for (char c : base) out += (c == '/' || c == '\0') ? '_' : c;
  if (out.empty() || out == "." || out == "..") out = "file";
  // A prefix keeps two files of the same name apart.
  return std::to_string(index) + "-" + out;
}

// Replaces every occurrence of `from` in `s` by `to` (error messages name the staged paths).
std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

}  // namespace

query::QueryOptions StoreBackend::OptionsFor(const QueryControl& control) const {
  query::QueryOptions options = options_;
  options.cancel = control.cancel;
  options.deadline = control.deadline;
  options.as_of = control.as_of;
  return options;
}

// A fresh snapshot per request (the Store overloads take store_.NewReadView(), and more views
// of it for scans over many series).
Result<query::Table> StoreBackend::Query(std::string_view text, const QueryControl& control) {
  return query::RunQuery(store_, text, OptionsFor(control));
}

Result<query::Answer> StoreBackend::Answer(std::string_view text, const QueryControl& control) {
  return query::RunAnswer(store_, text, OptionsFor(control));
}

Result<std::string> StoreBackend::Define(const query::FormulaDefinition& def, bool drop) {
  if (drop) {
    if (Status s = query::DropFormula(store_, def.code); !s.ok()) return s;
    return "dropped formula " + def.code;
  }
  auto meta = query::DefineFormula(store_, def, Today());
  if (!meta.ok()) return meta.status();
  return query::DefinedText(*meta);
}

Result<load::LoadReport> StoreBackend::Load(const std::vector<LoadFile>& files,
                                            const load::LoadOptions& options) {
  if (files.size() == 1) return load::LoadText(store_, files[0].name, files[0].content, options);
  // Several files are one all-or-nothing load; LoadText takes one, so stage them on disk for
  // LoadFiles and put the client's names back into its messages.
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) return Status::IOError("no temporary directory: " + ec.message());
  // mkdtemp: a fresh directory only this process can use (mode 0700), never a guessable one.
  std::string tmpl = (base / "ixdb-server-load-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return Status::IOError("cannot create a staging directory in " + base.string());
  }
  std::filesystem::path dir = tmpl;
  struct Cleanup {
    std::filesystem::path dir;
    ~Cleanup() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } cleanup{dir};
  std::vector<std::string> paths;
  for (size_t i = 0; i < files.size(); ++i) {
    std::filesystem::path p = dir / SafeFileName(files[i].name, i);
    std::ofstream out(p, std::ios::binary);
    out.write(files[i].content.data(), static_cast<std::streamsize>(files[i].content.size()));
    out.close();
    if (!out) return Status::IOError("cannot stage " + p.string());
    paths.push_back(p.string());
  }
  Result<load::LoadReport> report = load::LoadFiles(store_, paths, options);
  auto restore = [&](std::string text) {
    for (size_t i = 0; i < paths.size(); ++i) text = ReplaceAll(text, paths[i], files[i].name);
    return text;
  };
  if (!report.ok()) {
    const Status& s = report.status();
    std::string msg = restore(s.message());
    switch (s.code()) {
      case Status::Code::kInvalidArgument:
        return Status::InvalidArgument(msg);
      case Status::Code::kNotFound:
        return Status::NotFound(msg);
      case Status::Code::kLimitExceeded:
        return Status::LimitExceeded(msg);
      case Status::Code::kBusy:
        return Status::Busy(msg);
      case Status::Code::kCorruption:
        return Status::Corruption(msg);
      case Status::Code::kNotSupported:
        return Status::NotSupported(msg);
      default:
        return Status::IOError(msg);
    }
  }
  for (std::string& note : report->notes) note = restore(note);
  return report;
}

}  // namespace ixdb::server
