#include "bench/peers/ixdb_reads.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <vector>

#include "query/columnar_render.hpp"
#include "query/query.hpp"
#include "query/render.hpp"
#include "query/terminal_layout.hpp"

namespace ixdb::bench {
namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::exit(1);
}

// The fields of one CSV line (RFC 4180 quotes; ixdb's CSV has no line breaks inside a cell here).
std::vector<std::string> SplitCsvLine(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
        out.back() += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

Answer AnswerFromCsv(Read read, const std::string& csv, const std::string& text) {
  const char* key_name = read == Read::kRevisionsOne ? "vintage"
                         : read == Read::kYoyAll     ? "count"
                                                     : "period";
  const char* value_name = read == Read::kYoyAll ? "sum" : "value";
  Answer a;
  size_t pos = 0, key = SIZE_MAX, value = SIZE_MAX;
  bool header = true;
  while (pos < csv.size()) {
    size_t end = csv.find('\n', pos);
    if (end == std::string::npos) end = csv.size();
    const auto fields = SplitCsvLine(std::string_view(csv).substr(pos, end - pos));
    pos = end + 1;
    if (header) {
      for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i] == key_name) key = i;
        if (fields[i] == value_name) value = i;
      }
      if (key == SIZE_MAX || value == SIZE_MAX) {
        Die(text + ": no '" + key_name + "' or '" + value_name + "' column in its CSV");
      }
      header = false;
      continue;
    }
    if (fields.size() <= std::max(key, value)) Die(text + ": short CSV row");
    const std::string& v = fields[value];
    a.rows.emplace_back(fields[key], v.empty() ? std::nan("") : std::strtod(v.c_str(), nullptr));
  }
  return a;
}

}  // namespace

std::string IxdbQueryText(Read read, const std::string& code, const std::string& param) {
  switch (read) {
    case Read::kYoyOne:
      return "yoy(" + code + ")";
    case Read::kLatestOne:
      return code;
    case Read::kAsOfOne:
      return "asof(" + code + ", " + param + ")";
    case Read::kRevisionsOne:
      return "revisions(" + code + ", " + param + ")";
    case Read::kYoyAll:
      return "stats(yoy(series(*)))";
  }
  return {};
}

double TimeIxdbRead(storage::Store& store, Read read, const std::string& text, Rendering rendering,
                    Answer* answer) {
  const auto t0 = std::chrono::steady_clock::now();
  // What `ixdb query` and the shell run: RunAnswer (a value query renders from its columns).
  auto result = query::RunAnswer(store, text);
  if (!result.ok()) Die(text + ": " + result.status().ToString());
  const std::string out =
      rendering == Rendering::kCsv ? query::RenderCsv(*result) : query::RenderTextTable(*result);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (out.empty()) Die(text + ": nothing rendered");
  if (answer != nullptr) {
    if (rendering != Rendering::kCsv) Die("an answer is read from CSV only");
    *answer = AnswerFromCsv(read, out, text);
  }
  return ms;
}

IxdbLoadFigures LoadIxdb(const std::string& db_dir, const std::string& csv) {
  std::filesystem::remove_all(db_dir);
  const std::string cmd =
      std::string("'") + IXDB_BENCH_LOAD_BIN + "' '" + db_dir + "' '" + csv + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) Die("cannot run " + cmd);
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  if (pclose(p) != 0) Die("bench_load failed: " + out);
  IxdbLoadFigures f;
  auto number = [&](const std::string& key) {
    const size_t at = out.find("\n" + key + " ");
    if (at == std::string::npos) Die("bench_load printed no " + key + ": " + out);
    return std::strtod(out.c_str() + at + key.size() + 2, nullptr);
  };
  f.rows = static_cast<uint64_t>(number("rows"));
  f.seconds = number("seconds");
  f.disk_bytes = static_cast<uint64_t>(number("disk_bytes"));
  f.peak_rss_bytes = static_cast<uint64_t>(number("peak_rss_bytes"));
  return f;
}

}  // namespace ixdb::bench
