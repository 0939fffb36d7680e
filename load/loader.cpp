#include "load/loader.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "common/units.hpp"
#include "load/internal/rows.hpp"
#include "load/internal/text.hpp"

namespace ixdb::load {

using internal::Block;
using internal::MetaEvent;
using internal::PendingObs;
using internal::PendingTarget;
using internal::RowError;
using internal::Schema;
using storage::SeriesMeta;

Result<Format> ParseFormat(std::string_view text) {
  const std::string t = Lower(Trim(text));
  if (t == "auto") return Format::kAuto;
  if (t == "long") return Format::kLong;
  if (t == "wide") return Format::kWide;
  if (t == "sdmx" || t == "sdmx-csv") return Format::kSdmx;
  if (t == "targets" || t == "target") return Format::kTargets;
  return Status::InvalidArgument("unknown format '" + std::string(text) +
                                 "' (expected auto, long, wide, sdmx or targets)");
}

Result<Encoding> ParseEncoding(std::string_view text) {
  const std::string t = Lower(Trim(text));
  if (t == "auto") return Encoding::kAuto;
  if (t == "utf-8" || t == "utf8") return Encoding::kUtf8;
  if (t == "gb18030" || t == "gbk" || t == "gb2312" || t == "cp936") return Encoding::kGb18030;
  return Status::InvalidArgument("unknown encoding '" + std::string(text) +
                                 "' (expected auto, utf-8 or gb18030)");
}

namespace {

constexpr size_t kSegmentBytes = 32u << 20;      // parsed by `threads` threads at once
constexpr size_t kParallelMinBytes = 1u << 20;   // smaller files are parsed on one thread

// One input: its name in messages and its text, decoded to UTF-8.
struct InputFile {
  std::string name;
  std::string_view text;
  std::string owned;
  void* map = nullptr;
  size_t map_size = 0;
  uint64_t raw_size = 0;

  InputFile() = default;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile() { Unmap(); }
  void Unmap() {
    if (map != nullptr) munmap(map, map_size);
    map = nullptr;
  }
};

Status ReadAll(int fd, std::string* out) {
  char buf[1 << 16];
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(std::strerror(errno));
    }
    if (n == 0) return Status::OK();
    out->append(buf, static_cast<size_t>(n));
  }
}

Status OpenInput(const std::string& path, InputFile* f) {
  if (path == "-") {
    f->name = "<stdin>";
    Status s = ReadAll(0, &f->owned);
    if (!s.ok()) return Status::IOError("<stdin>: " + s.message());
    f->text = f->owned;
    f->raw_size = f->owned.size();
    return Status::OK();
  }
  f->name = path;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return Status::IOError(path + ": " + std::strerror(e));
  }
  if (S_ISDIR(st.st_mode)) {
    close(fd);
    return Status::IOError(path + ": is a directory");
  }
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    void* m = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (m != MAP_FAILED) {
      madvise(m, static_cast<size_t>(st.st_size), MADV_SEQUENTIAL);
      f->map = m;
      f->map_size = static_cast<size_t>(st.st_size);
      f->text = std::string_view(static_cast<const char*>(m), f->map_size);
      f->raw_size = f->map_size;
      close(fd);
      return Status::OK();
    }
  }
  Status s = ReadAll(fd, &f->owned);
  close(fd);
  if (!s.ok()) return Status::IOError(path + ": " + s.message());
  f->text = f->owned;
  f->raw_size = f->owned.size();
  return Status::OK();
}

std::string Position(const std::string& name, uint64_t line, uint32_t col) {
  return name + ":" + std::to_string(line) + ":" + std::to_string(col);
}

// FindInvalidUtf8 on two threads for large texts. The halves are split after a '\n', which
// is never inside a multi-byte sequence.
size_t FindInvalidUtf8Parallel(std::string_view text) {
  if (text.size() < (8u << 20)) return FindInvalidUtf8(text);
  const void* nl = std::memchr(text.data() + text.size() / 2, '\n', text.size() - text.size() / 2);
  if (nl == nullptr) return FindInvalidUtf8(text);
  const size_t mid = static_cast<size_t>(static_cast<const char*>(nl) - text.data()) + 1;
  size_t second = std::string_view::npos;
  std::thread worker([&] { second = FindInvalidUtf8(text.substr(mid)); });
  const size_t first = FindInvalidUtf8(text.substr(0, mid));
  worker.join();
  if (first != std::string_view::npos) return first;
  return second == std::string_view::npos ? second : mid + second;
}

// Decodes the file to UTF-8 (strips a BOM). Errors name the line and field of the first
// undecodable byte.
Status Decode(Encoding enc, InputFile* f) {
  std::string_view raw = f->text;
  if (raw.substr(0, 3) == "\xEF\xBB\xBF") {
    f->text = raw.substr(3);
    enc = Encoding::kUtf8;
    raw = f->text;
  }
  auto hex = [](std::string_view s, size_t off) {
    std::string out;
    char buf[8];
    for (size_t i = off; i < s.size() && i < off + 2; ++i) {
      std::snprintf(buf, sizeof buf, "%s0x%02X", out.empty() ? "" : " ",
                    static_cast<unsigned char>(s[i]));
      out += buf;
    }
    return out;
  };
  if (enc == Encoding::kAuto || enc == Encoding::kUtf8) {
    const size_t bad = FindInvalidUtf8Parallel(raw);
    if (bad == std::string_view::npos) return Status::OK();
    if (enc == Encoding::kUtf8) {
      uint64_t line;
      uint32_t col;
      internal::LineAndField(raw, bad, &line, &col);
      return Status::InvalidArgument(Position(f->name, line, col) + ": bad encoding: bytes " +
                                     hex(raw, bad) +
                                     " are not UTF-8 (for a GB18030/GBK file give --encoding "
                                     "gb18030)");
    }
  }
  if (raw.substr(0, 4) == "\x84\x31\x95\x33") raw = raw.substr(4);  // GB18030 BOM
  std::string out;
  size_t bad = 0;
  if (!internal::Gb18030ToUtf8(raw, &out, &bad)) {
    uint64_t line;
    uint32_t col;
    internal::LineAndField(raw, bad, &line, &col);
    return Status::InvalidArgument(
        Position(f->name, line, col) + ": bad encoding: bytes " + hex(raw, bad) + " are " +
        (enc == Encoding::kAuto ? "neither UTF-8 nor GB18030" : "not GB18030"));
  }
  f->owned = std::move(out);
  f->text = f->owned;
  f->Unmap();
  return Status::OK();
}

// A measure for a new series when the file names none (docs/loading.md).
storage::MeasureKind DefaultMeasure(const SeriesMeta& m) {
  const UnitInfo u = ParseUnit(m.unit);
  const std::string code = Lower(m.code);
  if (u.percent || u.percentage_points) {
    const bool growth = m.name_zh.find("增长") != std::string::npos ||
                        m.name_zh.find("增速") != std::string::npos ||
                        m.name_zh.find("增幅") != std::string::npos ||
                        code.find("growth") != std::string::npos ||
                        code.find("yoy") != std::string::npos ||
                        Lower(m.name_en).find("growth") != std::string::npos;
    return growth ? storage::MeasureKind::kGrowth : storage::MeasureKind::kRate;
  }
  for (std::string_view c : {"个", "家", "项", "人", "户", "件", "所", "座", "台", "辆", "套",
                             "次", "名", "位", "只", "艘", "架", "部", "张", "条", "处"}) {
    if (u.base == c) return storage::MeasureKind::kCount;
  }
  return storage::MeasureKind::kLevel;
}

bool SameMeta(SeriesMeta a, const SeriesMeta& b) {
  a.updated = b.updated;
  return a == b;
}

// Where a load spends its time; printed to stderr when IXDB_LOAD_PROFILE is set (bench/load).
struct Profile {
  using Clock = std::chrono::steady_clock;
  bool on = std::getenv("IXDB_LOAD_PROFILE") != nullptr;
  double parse = 0, merge = 0, resolve = 0, build = 0, store_add = 0, commit = 0;
  static double Since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  }
  ~Profile() {
    if (on) {
      std::fprintf(stderr,
                   "load profile: parse %.3f s, merge %.3f s, resolve+sort %.3f s, build batch "
                   "%.3f s, store add/write %.3f s, commit %.3f s\n",
                   parse, merge, resolve, build, store_add, commit);
    }
  }
};

class Loader {
 public:
  Loader(storage::Store& store, const LoadOptions& options)
      : store_(store), opt_(options), view_(store.NewReadView()) {
    default_vintage_ = options.vintage ? *options.vintage : Today();
    if (opt_.chunk_rows == 0) opt_.chunk_rows = 1;
    start_ = std::chrono::steady_clock::now();
  }

  void AddInput(std::unique_ptr<InputFile> f) {
    total_bytes_ += f->raw_size;
    unknown_total_ = unknown_total_ || f->name == "<stdin>";
    files_.push_back(std::move(f));
  }

  Result<LoadReport> Run() {
    for (size_t i = 0; i < files_.size() && !Stopped(); ++i) {
      Status s = ProcessFile(static_cast<uint16_t>(i));
      if (!s.ok()) return s;
    }
    if (!Stopped()) {
      Status s = Flush(true);
      if (!s.ok()) return s;
    }
    if (!errors_.empty() && opt_.skip_bad_path.empty()) return Status::InvalidArgument(ErrorList());
    if (!opt_.skip_bad_path.empty()) {
      Status s = WriteBadRows();
      if (!s.ok()) return s;
    }
    report_.rows_read = rows_read_;
    report_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (used_default_vintage_ && !opt_.vintage) {
      report_.notes.push_back("no vintage given: using today's date " +
                              FormatDate(default_vintage_));
    }
    if (!opt_.skip_bad_path.empty()) {
      report_.bad_rows = BadRowCount();
      report_.notes.push_back(std::to_string(report_.bad_rows) + " bad row" +
                              (report_.bad_rows == 1 ? "" : "s") + " skipped, written to " +
                              opt_.skip_bad_path);
    }
    return report_;
  }

 private:
  struct MetaValue {
    std::string value;
    uint16_t file = 0;
    uint64_t line = 0;
    bool set = false;
  };
  struct SeriesState {
    std::string code;
    bool exists = false;
    SeriesMeta stored;
    MetaValue fields[internal::kMetaFieldCount];
    uint64_t freq_counts[3] = {0, 0, 0};  // rows with plain annual/quarterly/monthly periods
    uint8_t span_bits = 0;
    bool locked = false;
    Frequency freq = Frequency::kAnnual;
    bool cumulative = false;
    uint64_t locked_line = 0;
    uint16_t locked_file = 0;
    bool emitted = false;
    SeriesMeta emitted_meta;
    bool touched = false;
  };

  bool Stopped() const {
    return opt_.skip_bad_path.empty() && errors_.size() >= std::max<size_t>(opt_.max_errors, 1);
  }

  void AddError(RowError e) {
    bad_lines_.insert(LineKey(e.file, e.line));
    errors_.push_back(std::move(e));
  }
  static uint64_t LineKey(uint16_t file, uint64_t line) {
    return (static_cast<uint64_t>(file) << 48) | line;
  }
  bool IsBad(uint16_t file, uint64_t line) const {
    return !bad_lines_.empty() && bad_lines_.count(LineKey(file, line)) != 0;
  }

  // Global id of a series code; reads its metadata from the store the first time.
  Result<uint32_t> SeriesId(const std::string& code) {
    auto it = series_index_.find(code);
    if (it != series_index_.end()) return it->second;
    SeriesState s;
    s.code = code;
    auto r = view_->GetSeries(code);
    if (r.ok()) {
      s.exists = true;
      s.stored = *r;
    } else if (!r.status().IsNotFound()) {
      return r.status();
    }
    const auto id = static_cast<uint32_t>(series_.size());
    series_.push_back(std::move(s));
    series_index_.emplace(code, id);
    return id;
  }

  void Touch(uint32_t id) {
    if (!series_[id].touched) {
      series_[id].touched = true;
      touched_.push_back(id);
    }
  }

  Status ProcessFile(uint16_t idx) {
    InputFile& f = *files_[idx];
    Status s = Decode(opt_.encoding, &f);
    if (!s.ok()) return s;
    const std::string_view text = f.text;
    internal::CsvReader reader(text);
    std::vector<std::string_view> header;
    std::string error;
    uint32_t error_field = 0;
    if (!reader.Next(&header, &error, &error_field)) {
      if (!error.empty()) {
        AddError(RowError{idx, reader.record_line(), error_field, "header: " + error, 0});
      } else {
        AddError(RowError{idx, 1, 1, "empty file: expected a header line", 0});
      }
      return Status::OK();
    }
    uint32_t header_col = 1;
    auto schema = internal::ParseHeader(header, opt_.format, &header_col);
    if (!schema.ok()) {
      AddError(RowError{idx, reader.record_line(), header_col, schema.status().message(), 0});
      return Status::OK();
    }
    schemas_.push_back(std::make_unique<Schema>(std::move(*schema)));
    internal::ParseContext ctx{schemas_.back().get(), default_vintage_, idx};

    const size_t body = reader.position();
    const bool parallel = opt_.threads > 1 && text.size() - body >= kParallelMinBytes &&
                          std::memchr(text.data() + body, '"', text.size() - body) == nullptr;
    if (parallel) {
      size_t pos = body;
      uint64_t line = reader.next_line();
      auto line_end_after = [&](size_t p, size_t limit) {
        if (p >= limit) return limit;
        const void* nl = std::memchr(text.data() + p, '\n', limit - p);
        return nl == nullptr ? limit : static_cast<size_t>(static_cast<const char*>(nl) - text.data()) + 1;
      };
      while (pos < text.size() && !Stopped()) {
        const size_t seg_end = line_end_after(std::min(text.size(), pos + kSegmentBytes), text.size());
        const size_t mid = line_end_after(pos + (seg_end - pos) / 2, seg_end);
        auto t_parse = Profile::Clock::now();
        Block a, b;
        a.file = b.file = idx;
        // Capacity that is never touched costs no memory; growing by copies costs page faults.
        a.obs.reserve((mid - pos) / 16);
        b.obs.reserve((seg_end - mid) / 16);
        uint64_t b_lines = 0;
        std::thread worker([&] {
          internal::CsvReader rb(text.substr(mid, seg_end - mid), 0);
          rb.set_no_quotes();
          internal::ParseRecords(ctx, rb, 0, mid, SIZE_MAX, &b);
          b_lines = rb.next_line();
        });
        internal::CsvReader ra(text.substr(pos, mid - pos), line);
        ra.set_no_quotes();
        internal::ParseRecords(ctx, ra, line, pos, SIZE_MAX, &a);
        worker.join();
        a.first_line = line;
        b.first_line = ra.next_line();
        line = ra.next_line() + b_lines;
        prof_.parse += Profile::Since(t_parse);
        auto t_merge = Profile::Clock::now();
        s = MergePair(&a, &b);
        prof_.merge += Profile::Since(t_merge);
        if (!s.ok()) return s;
        Release(f, pos, seg_end);
        pos = seg_end;
        Progress(idx, pos);
        if (pending_rows_ >= opt_.chunk_rows) {
          s = Flush(false);
          if (!s.ok()) return s;
        }
      }
      return Status::OK();
    }
    while (!reader.done() && !Stopped()) {
      Block blk;
      blk.file = idx;
      const uint64_t line_base = reader.next_line();
      const size_t block_begin = reader.position();
      blk.first_line = line_base;
      const size_t room = opt_.chunk_rows > pending_rows_ ? opt_.chunk_rows - pending_rows_ : 1;
      internal::ParseRecords(ctx, reader, line_base, 0, std::min<size_t>(room, 1u << 20), &blk);
      s = Merge(&blk);
      if (!s.ok()) return s;
      Release(f, block_begin, reader.position());
      Progress(idx, reader.position());
      if (pending_rows_ >= opt_.chunk_rows) {
        s = Flush(false);
        if (!s.ok()) return s;
      }
    }
    return Status::OK();
  }

  // The parsed text [from, to) of a mapped file is not needed again (except to quote bad rows,
  // which re-reads it from the file): give its pages back, so that a file larger than memory
  // streams through.
  static void Release(const InputFile& f, size_t from, size_t to) {
    if (f.map == nullptr || f.text.data() != f.map) return;
    constexpr size_t kPage = 4096;
    from = (from + kPage - 1) / kPage * kPage;
    to = to / kPage * kPage;
    if (to > from) madvise(static_cast<char*>(f.map) + from, to - from, MADV_DONTNEED);
  }

  void Progress(uint16_t file, size_t pos_in_file) {
    if (!opt_.progress) return;
    uint64_t done = 0;
    for (uint16_t i = 0; i < file; ++i) done += files_[i]->raw_size;
    const InputFile& f = *files_[file];
    // Position in the decoded text, scaled to the raw size.
    const double frac = f.text.empty() ? 1.0 : static_cast<double>(pos_in_file) / f.text.size();
    done += static_cast<uint64_t>(frac * f.raw_size);
    opt_.progress(done, unknown_total_ ? 0 : total_bytes_);
  }

  Status Merge(Block* b) {
    std::vector<uint32_t> map;
    std::vector<uint8_t> used;
    Status s = MergeCodes(b, &map);
    if (!s.ok()) return s;
    RemapObs(b, map, &used);
    MergeRest(b, map, used);
    return Status::OK();
  }

  // Two blocks of consecutive text, `a` first; the per-row remapping runs on two threads.
  Status MergePair(Block* a, Block* b) {
    std::vector<uint32_t> map_a, map_b;
    std::vector<uint8_t> used_a, used_b;
    Status s = MergeCodes(a, &map_a);
    if (s.ok()) s = MergeCodes(b, &map_b);
    if (!s.ok()) return s;
    std::thread worker([&] { RemapObs(b, map_b, &used_b); });
    RemapObs(a, map_a, &used_a);
    worker.join();
    MergeRest(a, map_a, used_a);
    MergeRest(b, map_b, used_b);
    return Status::OK();
  }

  // Maps the block's series codes to global ids (reading new ones' metadata from the store).
  Status MergeCodes(Block* b, std::vector<uint32_t>* map) {
    map->resize(b->codes.size());
    for (size_t i = 0; i < b->codes.size(); ++i) {
      auto id = SeriesId(b->codes[i]);
      if (!id.ok()) return id.status();
      (*map)[i] = *id;
      SeriesState& s = series_[*id];
      for (int k = 0; k < 3; ++k) s.freq_counts[k] += b->freq_counts[i][k];
      s.span_bits |= b->span_bits[i];
    }
    return Status::OK();
  }

  // Rewrites the block's rows to global series ids and absolute lines. Touches only the block.
  static void RemapObs(Block* b, const std::vector<uint32_t>& map, std::vector<uint8_t>* used) {
    used->assign(map.size(), 0);
    const auto first_line = static_cast<uint32_t>(b->first_line);
    uint32_t last_local = UINT32_MAX, last_global = 0;
    for (PendingObs& o : b->obs) {
      if (o.series != last_local) {
        last_local = o.series;
        last_global = map[o.series];
        (*used)[o.series] = 1;
      }
      o.series = last_global;
      o.line += first_line;
    }
  }

  void MergeRest(Block* b, const std::vector<uint32_t>& map, const std::vector<uint8_t>& used) {
    rows_read_ += b->rows;
    used_default_vintage_ = used_default_vintage_ || b->used_default_vintage;
    for (size_t i = 0; i < used.size(); ++i) {
      if (used[i]) Touch(map[i]);
    }
    std::vector<uint32_t> smap(b->strings.size());
    for (size_t i = 0; i < b->strings.size(); ++i) smap[i] = strings_.Intern(b->strings.at(i));
    for (RowError& e : b->errors) {
      e.line += b->first_line;
      AddError(std::move(e));
    }
    for (MetaEvent& ev : b->meta) {
      const uint32_t id = map[ev.series];
      Touch(id);
      ApplyMeta(id, ev, b->first_line + ev.line, b->file);
    }
    for (internal::ObsExtra& x : b->extras) {
      x.stage = smap[x.stage];
      x.source = smap[x.source];
    }
    pending_rows_ += b->obs.size();
    if (!b->obs.empty()) {
      pending_obs_.push_back(std::move(b->obs));
      pending_extras_.push_back(std::move(b->extras));
    }
    const auto first_line = static_cast<uint32_t>(b->first_line);
    for (PendingTarget& t : b->targets) {
      t.series = map[t.series];
      Touch(t.series);
      t.line += first_line;
      pending_targets_.push_back(std::move(t));
    }
  }

  std::string Where(uint16_t file, uint64_t line, uint16_t here_file) const {
    if (file == here_file) return "line " + std::to_string(line);
    return files_[file]->name + ":" + std::to_string(line);
  }

  void ApplyMeta(uint32_t id, MetaEvent& ev, uint64_t line, uint16_t file) {
    SeriesState& s = series_[id];
    if (ev.field == internal::kMetaUnitHint) {
      MetaValue& h = s.fields[internal::kMetaUnitHint];
      if (!h.set) h = MetaValue{ev.value, file, line, true};
      return;
    }
    const bool structural =
        ev.field == internal::kMetaFrequency || ev.field == internal::kMetaCumulative;
    if (structural && (s.exists || s.locked)) {
      const Frequency f = s.exists ? s.stored.frequency : s.freq;
      const bool c = s.exists ? s.stored.cumulative : s.cumulative;
      const std::string current =
          ev.field == internal::kMetaFrequency ? FrequencyName(f) : (c ? "true" : "false");
      if (ev.value != current) {
        std::string why = s.exists ? "the store has " + s.code + " as " + current +
                                         " (frequency and cumulative cannot change)"
                                   : s.code + " was already loaded as " + current +
                                         " (from its rows up to " +
                                         Where(s.locked_file, s.locked_line, file) + ")";
        AddError(RowError{file, line, ev.col,
                          "conflicting metadata: " +
                              std::string(internal::kMetaFieldNames[ev.field]) + " '" + ev.value +
                              "' but " + why,
                          ev.offset});
      }
      return;
    }
    MetaValue& mv = s.fields[ev.field];
    if (!mv.set) {
      mv = MetaValue{std::move(ev.value), file, line, true};
      return;
    }
    if (mv.value != ev.value) {
      AddError(RowError{file, line, ev.col,
                        "conflicting metadata for " + s.code + ": " +
                            internal::kMetaFieldNames[ev.field] + " '" + ev.value + "' but " +
                            Where(mv.file, mv.line, file) + " said '" + mv.value + "'",
                        ev.offset});
    }
  }

  // Fixes a series' frequency (first time) and puts its metadata into the batch if new or
  // changed.
  void Decide(uint32_t id, storage::WriteBatch* batch) {
    SeriesState& s = series_[id];
    using internal::kMetaCumulative;
    using internal::kMetaFrequency;
    if (!s.locked) {
      if (s.exists) {
        s.freq = s.stored.frequency;
        s.cumulative = s.stored.cumulative;
      } else {
        if (s.fields[kMetaFrequency].set) {
          s.freq = *ParseFrequency(s.fields[kMetaFrequency].value);
        } else if (s.span_bits != 0) {
          s.freq = (s.span_bits & 4) ? Frequency::kMonthly : Frequency::kQuarterly;
        } else {
          // The most common frequency among its periods (ties: the finer one).
          const uint64_t* c = s.freq_counts;
          s.freq = (c[2] > 0 && c[2] >= c[1] && c[2] >= c[0]) ? Frequency::kMonthly
                   : (c[1] > 0 && c[1] >= c[0])               ? Frequency::kQuarterly
                                                              : Frequency::kAnnual;
        }
        if (s.fields[kMetaCumulative].set) {
          s.cumulative = s.fields[kMetaCumulative].value == "true";
        } else {
          s.cumulative = s.span_bits != 0 && s.freq != Frequency::kAnnual;
        }
        if (s.cumulative && s.freq == Frequency::kAnnual) {
          const MetaValue& mv = s.fields[kMetaCumulative];
          AddError(RowError{mv.file, mv.line, 0,
                            "conflicting metadata: " + s.code +
                                " is annual and cannot be cumulative (only quarterly and monthly "
                                "series are)",
                            0});
          s.cumulative = false;
        }
      }
      s.locked = true;
      s.locked_line = last_line_seen_;
      s.locked_file = last_file_seen_;
    }
    SeriesMeta m = s.emitted ? s.emitted_meta : s.exists ? s.stored : SeriesMeta{};
    m.code = s.code;
    m.frequency = s.freq;
    m.cumulative = s.cumulative;
    auto field = [&](int f, std::string* out) {
      if (s.fields[f].set) *out = s.fields[f].value;
    };
    field(internal::kMetaName, &m.name_zh);
    field(internal::kMetaNameEn, &m.name_en);
    field(internal::kMetaRegion, &m.region);
    field(internal::kMetaUnit, &m.unit);
    field(internal::kMetaLevelSeries, &m.level_series);
    field(internal::kMetaNotes, &m.notes);
    if (s.fields[internal::kMetaMeasure].set) {
      m.measure = *storage::ParseMeasure(s.fields[internal::kMetaMeasure].value);
    }
    if (s.fields[internal::kMetaBetter].set) {
      m.better = *storage::ParseBetter(s.fields[internal::kMetaBetter].value);
    }
    if (!s.exists) {
      if (m.unit.empty() && s.fields[internal::kMetaUnitHint].set) {
        m.unit = s.fields[internal::kMetaUnitHint].value;
      }
      if (!s.fields[internal::kMetaMeasure].set) m.measure = DefaultMeasure(m);
    }
    const bool changed = s.emitted ? !SameMeta(m, s.emitted_meta)
                                   : (!s.exists || !SameMeta(m, s.stored));
    if (changed) {
      batch->PutSeries(m);
      s.emitted = true;
      s.emitted_meta = m;
    }
  }

  struct Slot {
    uint64_t key;  // period index (biased) << 32 | vintage (biased)
    uint32_t vec;
    uint32_t idx;
    bool operator<(const Slot& y) const {
      return key != y.key ? key < y.key : (vec != y.vec ? vec < y.vec : idx < y.idx);
    }
  };

  static uint64_t SlotKey(int32_t pindex, int32_t vintage) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(pindex) ^ 0x80000000u) << 32) |
           (static_cast<uint32_t>(vintage) ^ 0x80000000u);
  }

  static bool SameObs(const PendingObs& a, const PendingObs& b) {
    const bool values = (std::isnan(a.value) && std::isnan(b.value)) || a.value == b.value;
    return values && a.status == b.status && a.qualifier == b.qualifier &&
           (a.flags & internal::kObsDeleted) == (b.flags & internal::kObsDeleted);
  }

  static std::string ValueText(const PendingObs& o) {
    if (o.flags & internal::kObsDeleted) return "deleted";
    if (std::isnan(o.value)) return "blank";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", o.value);
    std::string s = buf;
    if (o.status) s += std::string(" ") + storage::ObsStatusName(static_cast<storage::ObsStatus>(o.status));
    if (o.qualifier) s += std::string(" ") + storage::QualifierSymbol(static_cast<storage::Qualifier>(o.qualifier));
    return s;
  }

  Status Flush(bool final) {
    auto t_resolve = Profile::Clock::now();
    storage::WriteBatch batch;
    for (uint32_t id : touched_) {
      Decide(id, &batch);
      series_[id].touched = false;
    }
    touched_.clear();

    // Resolve periods and group by series (counting sort), then order each series' rows by
    // (period, vintage, input order) to find duplicates.
    // Two threads, each a contiguous run of the staged vectors (so input order is kept).
    const size_t nseries = series_.size();
    const size_t nvec = pending_obs_.size();
    size_t split = nvec;
    if (opt_.threads > 1 && pending_rows_ > (1u << 18)) {
      size_t acc = 0;
      for (split = 0; split < nvec && acc < pending_rows_ / 2; ++split) {
        acc += pending_obs_[split].size();
      }
    }
    std::vector<uint32_t> count_a(nseries + 1, 0), count_b(split < nvec ? nseries + 1 : 0, 0);
    std::vector<RowError> resolve_a, resolve_b;
    auto resolve = [&](size_t v_from, size_t v_to, std::vector<uint32_t>* cnt,
                       std::vector<RowError>* errs) {
      for (size_t v = v_from; v < v_to; ++v) {
        for (PendingObs& o : pending_obs_[v]) {
          if (IsBad(o.file, o.line)) {
            o.flags |= internal::kObsDropped;
            continue;
          }
          const SeriesState& s = series_[o.series];
          if (o.pfreq != static_cast<uint8_t>(s.freq) || (o.flags & internal::kObsSpan)) {
            ParsedPeriod p{Period{static_cast<Frequency>(o.pfreq), o.pindex},
                           (o.flags & internal::kObsSpan) != 0};
            auto r = ResolvePeriod(p, s.freq, s.cumulative, s.code);
            if (!r.ok()) {
              o.flags |= internal::kObsDropped;
              if (!(o.flags & internal::kObsBlankMisfit)) {
                errs->push_back(RowError{o.file, o.line, o.pcol, r.status().message(),
                                         internal::kNoOffset});
              }
              continue;
            }
            o.pindex = r->index;
            o.pfreq = static_cast<uint8_t>(s.freq);
          }
          ++(*cnt)[o.series + 1];
        }
      }
    };
    if (split < nvec) {
      std::thread worker([&] { resolve(split, nvec, &count_b, &resolve_b); });
      resolve(0, split, &count_a, &resolve_a);
      worker.join();
    } else {
      resolve(0, nvec, &count_a, &resolve_a);
    }
    for (auto& e : resolve_a) AddError(std::move(e));
    for (auto& e : resolve_b) AddError(std::move(e));
    // count[s]: where series s starts in `slots`; thread a's rows of s come first.
    std::vector<uint32_t> count(nseries + 1, 0);
    std::vector<uint32_t> next_a(nseries), next_b(count_b.empty() ? 0 : nseries);
    for (size_t sid = 0; sid < nseries; ++sid) {
      const uint32_t na = count_a[sid + 1], nb = count_b.empty() ? 0 : count_b[sid + 1];
      next_a[sid] = count[sid];
      if (!next_b.empty()) next_b[sid] = count[sid] + na;
      count[sid + 1] = count[sid] + na + nb;
    }
    std::vector<Slot> slots(count.back());
    auto scatter = [&](size_t v_from, size_t v_to, std::vector<uint32_t>* next) {
      for (size_t v = v_from; v < v_to; ++v) {
        const auto& vec = pending_obs_[v];
        for (uint32_t i = 0; i < vec.size(); ++i) {
          const PendingObs& o = vec[i];
          if (o.flags & internal::kObsDropped) continue;
          slots[(*next)[o.series]++] = Slot{SlotKey(o.pindex, o.vintage), static_cast<uint32_t>(v), i};
        }
      }
    };
    if (split < nvec) {
      std::thread worker([&] { scatter(split, nvec, &next_b); });
      scatter(0, split, &next_a);
      worker.join();
    } else {
      scatter(0, nvec, &next_a);
    }
    auto obs_at = [&](const Slot& s) -> PendingObs& { return pending_obs_[s.vec][s.idx]; };
    // Per series: sort its rows by (period, vintage, input order) and drop repeats; a repeat
    // with a different value is an error. Two threads, each a contiguous range of series.
    auto dedupe = [&](size_t sid_from, size_t sid_to, std::vector<RowError>* errs) {
      for (size_t sid = sid_from; sid < sid_to; ++sid) {
        const size_t b = count[sid], e = count[sid + 1];
        if (e - b < 2) continue;
        if (!std::is_sorted(slots.begin() + b, slots.begin() + e)) {
          std::sort(slots.begin() + b, slots.begin() + e);
        }
        size_t keep = b;  // the first row of the current key
        for (size_t i = b + 1; i < e; ++i) {
          if (slots[i].key != slots[keep].key) {
            keep = i;
            continue;
          }
          PendingObs& o = obs_at(slots[i]);
          const PendingObs& first = obs_at(slots[keep]);
          o.flags |= internal::kObsDropped;
          if (!SameObs(o, first)) {
            errs->push_back(RowError{
                o.file, o.line, o.pcol,
                "duplicate of " + Where(first.file, first.line, o.file) + ": " +
                    series_[sid].code + " " +
                    FormatPeriod(Period{series_[sid].freq, o.pindex}, series_[sid].cumulative) +
                    " vintage " + FormatDate(Date{o.vintage}) +
                    " given twice with different values (" + ValueText(first) + ", then " +
                    ValueText(o) + ")",
                internal::kNoOffset});
          }
        }
      }
    };
    {
      std::vector<RowError> errs_a, errs_b;
      if (opt_.threads > 1 && slots.size() > (1u << 18)) {
        // Split where half of the rows are.
        const size_t mid = static_cast<size_t>(
            std::lower_bound(count.begin(), count.end() - 1, slots.size() / 2) - count.begin());
        std::thread worker([&] { dedupe(mid, nseries, &errs_b); });
        dedupe(0, mid, &errs_a);
        worker.join();
      } else {
        dedupe(0, nseries, &errs_a);
      }
      for (auto& e : errs_a) AddError(std::move(e));
      for (auto& e : errs_b) AddError(std::move(e));
    }
    if (!pending_obs_.empty()) {
      last_file_seen_ = pending_obs_.back().back().file;
      last_line_seen_ = pending_obs_.back().back().line;
    }

    // Targets.
    std::vector<storage::Target> targets;
    {
      std::unordered_map<uint64_t, size_t> seen;  // (series, period, vintage) hash -> index
      std::vector<std::pair<uint64_t, uint32_t>> keys;
      for (PendingTarget& t : pending_targets_) {
        if (IsBad(t.file, t.line)) continue;
        const SeriesState& s = series_[t.series];
        auto r = ResolvePeriod(t.period, s.freq, s.cumulative, s.code);
        if (!r.ok()) {
          AddError(RowError{t.file, t.line, t.pcol, r.status().message(), t.offset});
          continue;
        }
        if (!t.target.relative_to.empty() && !series_index_.count(t.target.relative_to)) {
          auto rel = view_->GetSeries(t.target.relative_to);
          if (!rel.ok()) {
            AddError(RowError{t.file, t.line, t.pcol,
                              "relative_to names an unknown series '" + t.target.relative_to +
                                  "' (neither in the store nor in this load)",
                              t.offset});
            continue;
          }
        }
        t.target.series = s.code;
        t.target.period = *r;
        const uint64_t key = (static_cast<uint64_t>(t.series) << 40) ^
                             (static_cast<uint64_t>(static_cast<uint32_t>(r->index)) << 20) ^
                             static_cast<uint32_t>(t.target.vintage.days);
        auto [it, inserted] = seen.emplace(key, targets.size());
        if (!inserted) {
          const storage::Target& first = targets[it->second];
          if (first.series == t.target.series && first.period == t.target.period &&
              first.vintage == t.target.vintage) {
            const auto& a = first;
            const auto& b = t.target;
            const bool same =
                a.comparator == b.comparator &&
                ((std::isnan(a.value) && std::isnan(b.value)) || a.value == b.value) &&
                ((std::isnan(a.tolerance) && std::isnan(b.tolerance)) ||
                 a.tolerance == b.tolerance) &&
                a.unit == b.unit && a.relative_to == b.relative_to && a.text == b.text &&
                a.source == b.source;
            if (!same) {
              AddError(RowError{t.file, t.line, t.pcol,
                                "duplicate target: " + s.code + " " +
                                    FormatPeriod(*r, s.cumulative) + " vintage " +
                                    FormatDate(t.target.vintage) +
                                    " is given twice with different contents (first at " +
                                    Where(target_files_[it->second], target_lines_[it->second],
                                          t.file) +
                                    ")",
                                t.offset});
            }
            continue;
          }
        }
        targets.push_back(t.target);
        target_files_.push_back(t.file);
        target_lines_.push_back(t.line);
      }
      pending_targets_.clear();
      target_files_.clear();
      target_lines_.clear();
    }

    const bool write_now = opt_.skip_bad_path.empty() ? errors_.empty() : true;
    prof_.resolve += Profile::Since(t_resolve);
    auto t_build = Profile::Clock::now();
    storage::LoadInfo info;
    info.command = opt_.command;
    for (const auto& f : files_) info.files.push_back(f->name);
    info.vintage = default_vintage_;
    bool staged = false;  // the batch(es) of this flush are already in bulk_
    if (write_now) {
      for (storage::Target& t : targets) batch.PutTarget(std::move(t));
      targets.clear();
      // Ordered by (series code, period, vintage): the order the store keeps them in, so that
      // its own sort and its pass over the batch's columns run over sorted data.
      std::vector<uint32_t> by_code;
      for (size_t sid = 0; sid + 1 < count.size(); ++sid) {
        if (count[sid + 1] > count[sid]) by_code.push_back(static_cast<uint32_t>(sid));
      }
      std::sort(by_code.begin(), by_code.end(),
                [&](uint32_t a, uint32_t b) { return series_[a].code < series_[b].code; });
      auto build_series = [&](uint32_t sid, storage::WriteBatch* out) {
        const uint32_t ref = out->InternSeries(series_[sid].code);
        const Frequency freq = series_[sid].freq;
        for (size_t i = count[sid]; i < count[sid + 1]; ++i) {
          const PendingObs& o = obs_at(slots[i]);
          if (o.flags & internal::kObsDropped) continue;
          std::string_view stage, source;
          if (o.flags & internal::kObsExtra) {
            const auto& extras = pending_extras_[slots[i].vec];
            auto it = std::lower_bound(
                extras.begin(), extras.end(), slots[i].idx,
                [](const internal::ObsExtra& x, uint32_t idx) { return x.index < idx; });
            stage = strings_.at(it->stage);
            source = strings_.at(it->source);
          }
          out->PutObservation(ref, Period{freq, o.pindex}, Date{o.vintage}, o.value,
                              static_cast<storage::ObsStatus>(o.status),
                              static_cast<storage::Qualifier>(o.qualifier), stage, source,
                              (o.flags & internal::kObsDeleted) != 0);
        }
      };
      const size_t total = count.back();
      const size_t per =
          std::max(total / 4, std::min<size_t>(opt_.chunk_rows / 4 + 1, size_t{1} << 20));
      if (total <= per) {
        for (uint32_t sid : by_code) build_series(sid, &batch);
      } else {
        // Several batches of whole series (so the store never re-reads what it staged): the
        // store stages one on a second thread while the next is built. The first batch has
        // all the series metadata and targets.
        auto t_store = Profile::Clock::now();
        if (!bulk_) {
          auto bw = store_.BeginBulkWrite(info);
          if (!bw.ok()) return bw.status();
          bulk_ = std::move(*bw);
        }
        storage::WriteBatch spare;
        storage::WriteBatch* cur = &batch;
        storage::WriteBatch* other = &spare;
        std::thread writer;
        Status add_status;
        size_t i = 0;
        while (i < by_code.size()) {
          size_t rows = 0;
          while (i < by_code.size() && rows < per) {
            build_series(by_code[i], cur);
            rows += count[by_code[i] + 1] - count[by_code[i]];
            ++i;
          }
          if (writer.joinable()) writer.join();
          if (!add_status.ok()) break;
          writer = std::thread([this, cur, &add_status] { add_status = bulk_->Add(*cur); });
          std::swap(cur, other);
          cur->Clear();  // its Add has finished (joined above)
        }
        if (writer.joinable()) writer.join();
        prof_.store_add += Profile::Since(t_store);
        if (!add_status.ok()) return StoreError(add_status);
        staged = true;
      }
    }
    slots = std::vector<Slot>();
    if (write_now) {
      for (storage::Target& t : targets) batch.PutTarget(std::move(t));
    }
    pending_obs_.clear();
    pending_extras_.clear();
    pending_rows_ = 0;
    prof_.build += Profile::Since(t_build);
    if (!write_now) return Status::OK();
    auto t_store = Profile::Clock::now();
    if (!staged && (!final || bulk_)) {
      if (!bulk_) {
        auto b = store_.BeginBulkWrite(info);
        if (!b.ok()) return b.status();
        bulk_ = std::move(*b);
      }
      Status s = bulk_->Add(batch);
      prof_.store_add += Profile::Since(t_store);
      if (!s.ok()) return StoreError(s);
    }
    if (!final) return Status::OK();
    if (bulk_) {
      auto t_commit = Profile::Clock::now();
      auto r = bulk_->Commit();
      prof_.commit += Profile::Since(t_commit);
      if (!r.ok()) return StoreError(r.status());
      report_.summary = *r;
      bulk_.reset();
      return Status::OK();
    }
    auto r = store_.Write(batch, info);
    prof_.store_add += Profile::Since(t_store);
    if (!r.ok()) return StoreError(r.status());
    report_.summary = *r;
    return Status::OK();
  }

  static Status StoreError(const Status& s) {
    if (s.IsInvalidArgument()) {
      return Status::InvalidArgument("the store rejected the load (nothing was written): " +
                                     s.message());
    }
    return s;
  }

  std::vector<const RowError*> SortedErrors() const {
    std::vector<const RowError*> v;
    for (const auto& e : errors_) v.push_back(&e);
    std::stable_sort(v.begin(), v.end(), [](const RowError* a, const RowError* b) {
      if (a->file != b->file) return a->file < b->file;
      if (a->line != b->line) return a->line < b->line;
      return a->col < b->col;
    });
    return v;
  }

  std::string ErrorList() const {
    auto v = SortedErrors();
    const size_t cap = std::max<size_t>(opt_.max_errors, 1);
    std::string out;
    size_t shown = 0;
    uint64_t rows = 0;
    std::unordered_set<uint64_t> row_keys;
    for (const RowError* e : v) {
      if (row_keys.insert(LineKey(e->file, e->line)).second) ++rows;
      if (shown < cap) {
        if (!out.empty()) out += '\n';
        out += Position(files_[e->file]->name, e->line, e->col) + ": " + e->message;
        ++shown;
      }
    }
    if (v.size() > shown || Stopped()) {
      out += "\n(stopped after " + std::to_string(shown) + " errors; nothing was loaded)";
    } else {
      out += "\n(" + std::to_string(rows) + " bad row" + (rows == 1 ? "" : "s") +
             "; nothing was loaded)";
    }
    return out;
  }

  uint64_t BadRowCount() const {
    std::unordered_set<uint64_t> rows;
    for (const auto& e : errors_) rows.insert(LineKey(e.file, e.line));
    return rows.size();
  }

  // The text of the record that starts at `offset` of a file.
  static std::string RecordAt(std::string_view text, size_t offset) {
    if (offset >= text.size()) return {};
    internal::CsvReader r(text.substr(offset));
    std::vector<std::string_view> fields;
    std::string err;
    uint32_t ef;
    r.Next(&fields, &err, &ef);
    return std::string(text.substr(offset + r.record_begin(), r.record_end() - r.record_begin()));
  }

  Status WriteBadRows() {
    std::ofstream out(opt_.skip_bad_path, std::ios::binary | std::ios::trunc);
    if (!out) return Status::IOError(opt_.skip_bad_path + ": cannot write: " + std::strerror(errno));
    auto errors = SortedErrors();
    // Errors found after parsing know only their line: find those records in one pass a file.
    std::unordered_map<uint64_t, uint64_t> offsets;  // LineKey -> record offset
    for (uint16_t fi = 0; fi < files_.size(); ++fi) {
      std::unordered_set<uint64_t> wanted;
      for (const RowError* e : errors) {
        if (e->file == fi && e->offset == internal::kNoOffset) wanted.insert(e->line);
      }
      if (wanted.empty()) continue;
      internal::CsvReader r(files_[fi]->text);
      std::vector<std::string_view> fields;
      std::string err;
      uint32_t ef;
      while (!r.done() && !wanted.empty()) {
        const bool got = r.Next(&fields, &err, &ef);
        if (!got && err.empty()) break;
        err.clear();
        if (wanted.erase(r.record_line())) offsets[LineKey(fi, r.record_line())] = r.record_begin();
      }
    }
    for (const RowError* e : errors) {
      const InputFile& f = *files_[e->file];
      uint64_t offset = e->offset;
      if (offset == internal::kNoOffset) {
        auto it = offsets.find(LineKey(e->file, e->line));
        offset = it == offsets.end() ? f.text.size() : it->second;
      }
      out << Position(f.name, e->line, e->col) << ": " << e->message << '\t'
          << RecordAt(f.text, offset) << '\n';
    }
    out.close();
    if (!out) return Status::IOError(opt_.skip_bad_path + ": write failed");
    return Status::OK();
  }

  Profile prof_;
  storage::Store& store_;
  LoadOptions opt_;
  std::unique_ptr<storage::ReadView> view_;
  Date default_vintage_;
  std::chrono::steady_clock::time_point start_;
  std::vector<std::unique_ptr<InputFile>> files_;
  std::vector<std::unique_ptr<Schema>> schemas_;
  uint64_t total_bytes_ = 0;
  bool unknown_total_ = false;
  std::vector<SeriesState> series_;
  std::unordered_map<std::string, uint32_t> series_index_;
  std::vector<uint32_t> touched_;
  internal::StringTable strings_;
  std::vector<std::vector<PendingObs>> pending_obs_;
  std::vector<std::vector<internal::ObsExtra>> pending_extras_;
  size_t pending_rows_ = 0;
  std::vector<PendingTarget> pending_targets_;
  std::vector<uint16_t> target_files_;
  std::vector<uint64_t> target_lines_;
  std::vector<RowError> errors_;
  std::unordered_set<uint64_t> bad_lines_;
  std::unique_ptr<storage::BulkWrite> bulk_;
  uint64_t rows_read_ = 0;
  bool used_default_vintage_ = false;
  uint16_t last_file_seen_ = 0;
  uint64_t last_line_seen_ = 0;
  LoadReport report_;
};

std::string Thousands(uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

}  // namespace

Result<LoadReport> LoadFiles(storage::Store& store, const std::vector<std::string>& paths,
                             const LoadOptions& options) {
  if (paths.empty()) return Status::InvalidArgument("no files to load");
  if (paths.size() > 60000) return Status::InvalidArgument("too many files in one load");
  Loader loader(store, options);
  int stdin_count = 0;
  for (const std::string& p : paths) {
    if (p == "-" && ++stdin_count > 1) {
      return Status::InvalidArgument("standard input (-) can be given only once");
    }
    auto f = std::make_unique<InputFile>();
    Status s = OpenInput(p, f.get());
    if (!s.ok()) return s;
    loader.AddInput(std::move(f));
  }
  return loader.Run();
}

Result<LoadReport> LoadText(storage::Store& store, const std::string& name,
                            const std::string& content, const LoadOptions& options) {
  Loader loader(store, options);
  auto f = std::make_unique<InputFile>();
  f->name = name;
  f->text = content;
  f->raw_size = content.size();
  loader.AddInput(std::move(f));
  return loader.Run();
}

std::string FormatLoadSummary(const LoadReport& r) {
  const auto& s = r.summary;
  char time[64];
  const double rate = r.seconds > 0 ? static_cast<double>(r.rows_read) / r.seconds : 0;
  std::snprintf(time, sizeof time, "%.2f s, %s rows/s", r.seconds,
                Thousands(static_cast<uint64_t>(rate)).c_str());
  std::string out = "load #" + std::to_string(s.load_id) + ": " + Thousands(r.rows_read) +
                    " rows; series " + Thousands(s.series_created) + " created, " +
                    Thousands(s.series_updated) + " updated; observations " +
                    Thousands(s.observations_added) + " added (" + Thousands(s.revisions) +
                    " revisions), " + Thousands(s.unchanged) + " unchanged; targets " +
                    Thousands(s.targets_added) + " added, " + Thousands(s.targets_unchanged) +
                    " unchanged; " + Thousands(s.deletions) + " deletions; " + time;
  for (const std::string& n : r.notes) out += "\nnote: " + n;
  return out;
}

}  // namespace ixdb::load
