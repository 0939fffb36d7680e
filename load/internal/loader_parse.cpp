// The loader's inputs: each file decoded, its header opened by the format table, its records
// parsed into Blocks and merged in file order (large files without quotes on two threads, a
// segment at a time, so that memory holds one segment's blocks).
#include <cstring>

#include "common/huge_pages.hpp"
#include "common/parallel.hpp"
#include "load/internal/loader_impl.hpp"

namespace ixdb::load::internal {

namespace {
constexpr size_t kSegmentBytes = 32u << 20;     // parsed by two threads at once
constexpr size_t kParallelMinBytes = 1u << 20;  // smaller files are parsed on one thread
}  // namespace

Profile::Profile() : on(std::getenv("IXDB_LOAD_PROFILE") != nullptr) {}

Profile::~Profile() {
  if (on) {
    std::fprintf(stderr,
                 "load profile: parse %.3f s, merge %.3f s, resolve+sort %.3f s, build batch "
                 "%.3f s, store add/write %.3f s, commit %.3f s\n",
                 parse, merge, resolve, build, store_add, commit);
  }
}

Loader::Loader(storage::Store& store, const LoadOptions& options)
    : store_(store), opt_(options), view_(store.NewReadView()) {
  default_vintage_ = options.vintage ? *options.vintage : Today();
  if (opt_.chunk_rows == 0) opt_.chunk_rows = 1;
  if (opt_.threads < 1) opt_.threads = 1;
  start_ = std::chrono::steady_clock::now();
}

void Loader::AddInput(std::unique_ptr<InputFile> f) {
  total_bytes_ += f->raw_size;
  unknown_total_ = unknown_total_ || f->name == "<stdin>";
  files_.push_back(std::move(f));
}

Result<LoadReport> Loader::Run() {
  for (size_t i = 0; i < files_.size() && !Stopped(); ++i) {
    if (Status s = ProcessFile(static_cast<uint16_t>(i)); !s.ok()) return s;
  }
  if (!Stopped()) {
    if (Status s = Flush(true); !s.ok()) return s;
  }
  if (!errors_.empty() && opt_.skip_bad_path.empty()) return Status::InvalidArgument(ErrorList());
  if (!opt_.skip_bad_path.empty()) {
    if (Status s = WriteBadRows(); !s.ok()) return s;
    report_.bad_rows = BadRowCount();
    // --skip-bad is for files with some bad rows; one that loads nothing is a failed load.
    if (report_.bad_rows > 0 && rows_staged_ == 0) {
      return Status::InvalidArgument("every row was rejected (" + Thousands(report_.bad_rows) +
                                     " bad row" + (report_.bad_rows == 1 ? "" : "s") +
                                     ", written to " + opt_.skip_bad_path +
                                     "); nothing was loaded\n" + ErrorList());
    }
  }
  report_.rows_read = rows_read_;
  report_.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (used_default_vintage_ && !opt_.vintage) {
    report_.notes.push_back("no vintage given: using today's date " + FormatDate(default_vintage_));
  }
  for (std::string& n : ignored_notes_) report_.notes.push_back(std::move(n));
  for (const std::string& w : report_.widened) report_.notes.push_back("widened " + w);
  if (!opt_.skip_bad_path.empty()) {
    report_.notes.push_back(std::to_string(report_.bad_rows) + " bad row" +
                            (report_.bad_rows == 1 ? "" : "s") + " skipped, written to " +
                            opt_.skip_bad_path);
  }
  if (opt_.dry_run) report_.notes.push_back("dry run: nothing was written");
  return report_;
}

Status Loader::ProcessFile(uint16_t idx) {
  InputFile& f = *files_[idx];
  if (Status s = Decode(opt_.encoding, opt_.threads, &f); !s.ok()) return s;
  CsvReader csv(f.text);
  std::vector<std::string_view> header;
  std::string error;
  uint32_t error_field = 0;
  if (!csv.Next(&header, &error, &error_field)) {
    if (!error.empty()) {
      AddError(RowError{idx, csv.record_line(), error_field, "header: " + error, 0, {}});
    } else {
      AddError(RowError{idx, 1, 1, "empty file: expected a header line", 0, {}});
    }
    return Status::OK();
  }
  HeaderOptions hopt;
  hopt.ignore_unknown_columns = opt_.ignore_unknown_columns;
  OpenedHeader opened = OpenHeader(header, opt_.format, hopt);
  if (!opened.status.ok()) {
    AddError(RowError{idx, csv.record_line(), opened.error_col, opened.status.message(), 0, {}});
    return Status::OK();
  }
  if (!opened.ignored.empty()) {
    std::string list;
    for (const auto& c : opened.ignored) list += (list.empty() ? "'" : ", '") + c + "'";
    ignored_notes_.push_back(f.name + ": ignored unknown column" +
                             (opened.ignored.size() > 1 ? "s " : " ") + list);
  }
  readers_.push_back(std::move(opened.reader));
  FormatReader& reader = *readers_.back();
  ParseContext ctx{default_vintage_, idx, opt_.codes};
  const size_t body = csv.position();
  const std::string_view text = f.text;
  const bool parallel = opt_.threads > 1 && text.size() - body >= kParallelMinBytes &&
                        std::memchr(text.data() + body, '"', text.size() - body) == nullptr;
  if (parallel) return ParseSegments(idx, reader, ctx, body, csv.next_line());
  return ParseSequential(idx, reader, ctx, csv);
}

// A segment at a time, each cut at a line end into two halves parsed side by side.
Status Loader::ParseSegments(uint16_t idx, FormatReader& reader, const ParseContext& ctx,
                             size_t body, uint64_t first_line) {
  const InputFile& f = *files_[idx];
  const std::string_view text = f.text;
  auto line_end_after = [&](size_t p, size_t limit) {
    if (p >= limit) return limit;
    const void* nl = std::memchr(text.data() + p, '\n', limit - p);
    return nl == nullptr ? limit
                         : static_cast<size_t>(static_cast<const char*>(nl) - text.data()) + 1;
  };
  size_t pos = body;
  uint64_t line = first_line;
  while (pos < text.size() && !Stopped()) {
    const size_t seg_end = line_end_after(std::min(text.size(), pos + kSegmentBytes), text.size());
    const size_t mid = line_end_after(pos + (seg_end - pos) / 2, seg_end);
    auto t_parse = Profile::Clock::now();
    Block halves[2];
    const size_t from[2] = {pos, mid}, to[2] = {mid, seg_end};
    uint64_t lines_after[2] = {0, 0};
    for (int h = 0; h < 2; ++h) {
      halves[h].file = idx;
      // Capacity that is never touched costs no memory; growing by copies costs page faults.
      ReserveHuge(halves[h].obs, (to[h] - from[h]) / 16);
    }
    // The second half's lines are counted from 0 and shifted once the first half's are known.
    Status s = ParallelFor(2, 2, [&](size_t h, int) {
      CsvReader r(text.substr(from[h], to[h] - from[h]), h == 0 ? line : 0);
      r.set_no_quotes();
      ParseRecords(reader, ctx, r, h == 0 ? line : 0, from[h], SIZE_MAX, &halves[h]);
      lines_after[h] = r.next_line();
      return Status::OK();
    });
    if (!s.ok()) return s;
    halves[0].first_line = line;
    halves[1].first_line = lines_after[0];
    line = lines_after[0] + lines_after[1];
    prof_.parse += Profile::Since(t_parse);
    auto t_merge = Profile::Clock::now();
    s = MergePair(&halves[0], &halves[1]);
    prof_.merge += Profile::Since(t_merge);
    if (!s.ok()) return s;
    Release(f, pos, seg_end);
    pos = seg_end;
    Progress(idx, pos);
    if (pending_rows_ >= opt_.chunk_rows) {
      if (Status fs = Flush(false); !fs.ok()) return fs;
    }
  }
  return Status::OK();
}

Status Loader::ParseSequential(uint16_t idx, FormatReader& reader, const ParseContext& ctx,
                               CsvReader& csv) {
  const InputFile& f = *files_[idx];
  while (!csv.done() && !Stopped()) {
    Block blk;
    blk.file = idx;
    const uint64_t line_base = csv.next_line();
    const size_t block_begin = csv.position();
    blk.first_line = line_base;
    const size_t room = opt_.chunk_rows > pending_rows_ ? opt_.chunk_rows - pending_rows_ : 1;
    ParseRecords(reader, ctx, csv, line_base, 0, std::min<size_t>(room, 1u << 20), &blk);
    if (Status s = Merge(&blk); !s.ok()) return s;
    Release(f, block_begin, csv.position());
    Progress(idx, csv.position());
    if (pending_rows_ >= opt_.chunk_rows) {
      if (Status s = Flush(false); !s.ok()) return s;
    }
  }
  return Status::OK();
}

void Loader::Progress(uint16_t file, size_t pos_in_file) {
  if (!opt_.progress) return;
  uint64_t done = 0;
  for (uint16_t i = 0; i < file; ++i) done += files_[i]->raw_size;
  const InputFile& f = *files_[file];
  // Position in the decoded text, scaled to the raw size.
  const double frac =
      f.text.empty() ? 1.0 : static_cast<double>(pos_in_file) / static_cast<double>(f.text.size());
  done += static_cast<uint64_t>(frac * static_cast<double>(f.raw_size));
  opt_.progress(done, unknown_total_ ? 0 : total_bytes_);
}

}  // namespace ixdb::load::internal
