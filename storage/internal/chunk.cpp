#include "storage/internal/chunk.hpp"

#include <zstd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "storage/internal/key_codec.hpp"

namespace ixdb::storage::internal {

namespace {

// Value column modes (first byte of the value column). On-disk format: do not change.
// 0..6: decimal scale k: each value is an integer n / 10^k, stored as zigzag varint deltas of n.
constexpr uint8_t kMaxDecimalScale = 6;
constexpr uint8_t kValuesXor = 0xFF;  // XOR with the previous value's bits, bytes trimmed

constexpr double kPow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
constexpr double kMaxExactInt = 9007199254740992.0;  // 2^53

// n such that n / 10^k is bitwise v, if any.
inline bool ScaledInt(double v, int k, int64_t* n) {
  double scaled = v * kPow10[k];
  if (!(std::fabs(scaled) < kMaxExactInt)) return false;
  int64_t r = std::llround(scaled);
  double back = static_cast<double>(r) / kPow10[k];
  if (std::memcmp(&back, &v, 8) != 0) return false;
  *n = r;
  return true;
}

// Run-length encoding of an integer column: runs of equal values, each as the zigzag delta
// from the previous run's value and the run length.
template <typename T>
void PutRle(std::string* out, const std::vector<T>& col) {
  size_t n = col.size();
  size_t runs = 0;
  for (size_t i = 0; i < n; ++i) {
    if (i == 0 || col[i] != col[i - 1]) ++runs;
  }
  PutVarint64(out, runs);
  int64_t prev = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && col[j] == col[i]) ++j;
    int64_t v = static_cast<int64_t>(col[i]);
    PutVarsint64(out, static_cast<int64_t>(static_cast<uint64_t>(v) - static_cast<uint64_t>(prev)));
    PutVarint64(out, j - i);
    prev = v;
    i = j;
  }
}

// Decoder over a raw chunk: pointer based, bounds-checked, no allocation per row.
class Reader {
 public:
  Reader(const char* p, const char* limit) : p_(p), limit_(limit) {}
  bool ok() const { return ok_; }
  bool at_end() const { return p_ == limit_; }

  uint64_t Varint() {
    if (!ok_) return 0;
    // Fast path: one byte.
    if (p_ < limit_ && static_cast<unsigned char>(*p_) < 0x80) {
      return static_cast<unsigned char>(*p_++);
    }
    uint64_t v = 0;
    const char* q = DecodeVarint64(p_, limit_, &v);
    if (q == nullptr) {
      ok_ = false;
      return 0;
    }
    p_ = q;
    return v;
  }
  int64_t Varsint() { return UnZigZag(Varint()); }
  uint8_t Byte() {
    if (!ok_ || p_ >= limit_) {
      ok_ = false;
      return 0;
    }
    return static_cast<uint8_t>(*p_++);
  }
  std::string_view Bytes(size_t n) {
    if (!ok_ || static_cast<size_t>(limit_ - p_) < n) {
      ok_ = false;
      return {};
    }
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  void Fail() { ok_ = false; }
  // If the next bytes are one RLE run "value 0, length len", consumes them and returns true.
  bool PeekZeroGapRun(uint64_t len) {
    if (!ok_ || p_ >= limit_ || *p_ != 0) return false;
    const char* save = p_;
    ++p_;
    uint64_t got = Varint();
    if (ok_ && got == len) return true;
    ok_ = true;
    p_ = save;
    return false;
  }

  // Decodes an RLE column of exactly n values into out[0..n) through `conv`.
  template <typename T, typename Conv>
  void Rle(size_t n, T* out, Conv conv) {
    uint64_t runs = Varint();
    if (!ok_ || runs > n) {
      ok_ = false;
      return;
    }
    int64_t prev = 0;
    size_t pos = 0;
    for (uint64_t r = 0; r < runs; ++r) {
      prev = static_cast<int64_t>(static_cast<uint64_t>(prev) + static_cast<uint64_t>(Varsint()));
      uint64_t len = Varint();
      if (!ok_ || len == 0 || len > n - pos) {
        ok_ = false;
        return;
      }
      T v = conv(prev);
      std::fill(out + pos, out + pos + len, v);
      pos += len;
    }
    if (pos != n) ok_ = false;
  }

 private:
  const char* p_;
  const char* limit_;
  bool ok_ = true;
};

struct ZstdContexts {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_DCtx* d = ZSTD_createDCtx();
  ~ZstdContexts() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
};
ZstdContexts& Zstd() {
  thread_local ZstdContexts ctx;
  return ctx;
}

// CRC-32C (Castagnoli). On-disk format: do not change the polynomial.
uint32_t kCrcTable[256];
const bool kCrcInit = [] {
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0x82F63B78u ^ (c >> 1) : c >> 1;
    kCrcTable[i] = c;
  }
  return true;
}();

uint32_t Crc32cTable(uint32_t c, const unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) c = kCrcTable[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return c;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t Crc32cHw(uint32_t c, const unsigned char* p, size_t n) {
  uint64_t c64 = c;
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    c64 = __builtin_ia32_crc32di(c64, w);
    p += 8;
    n -= 8;
  }
  c = static_cast<uint32_t>(c64);
  while (n > 0) {
    c = __builtin_ia32_crc32qi(c, *p++);
    --n;
  }
  return c;
}
const bool kHaveSse42 = __builtin_cpu_supports("sse4.2");
#endif

// Per-row flag byte. On-disk format: do not change.
constexpr uint8_t kFlagStatusMask = 0x07;  // bits 0-2: ObsStatus
constexpr int kFlagQualifierShift = 3;     // bits 3-4: Qualifier
constexpr uint8_t kFlagDeleted = 0x20;
constexpr uint8_t kFlagBlank = 0x40;       // NaN: no value stored
constexpr uint8_t kFlagException = 0x80;   // value stored as raw bits, not in the decimal column

// Column modes. On-disk format: do not change.
// The optional last column of a chunk (tag byte, then an RLE column). On-disk format.
constexpr uint8_t kExtentRle = 1;
constexpr uint8_t kFlagsSame = 0;  // one flag byte for every row
constexpr uint8_t kFlagsRaw = 1;   // n bytes
constexpr uint8_t kFlagsRle = 2;   // runs: byte, varint length
constexpr uint8_t kIndexNone = 0;  // string index column: every row 0
constexpr uint8_t kIndexRle = 1;

inline uint8_t MakeFlags(const VersionColumns& c, size_t i) {
  return static_cast<uint8_t>((c.status[i] & kFlagStatusMask) |
                              ((c.qualifier[i] & 3) << kFlagQualifierShift) |
                              (c.deleted[i] ? kFlagDeleted : 0) |
                              (std::isnan(c.value[i]) ? kFlagBlank : 0));
}

inline void PutFixed64LE(std::string* out, uint64_t v) {
  char b[8];
  std::memcpy(b, &v, 8);  // little-endian hosts only (x86-64, aarch64)
  out->append(b, 8);
}

void PutIndexColumn(std::string* out, const std::vector<uint32_t>& col) {
  bool all_zero = std::all_of(col.begin(), col.end(), [](uint32_t v) { return v == 0; });
  if (all_zero) {
    PutU8(out, kIndexNone);
  } else {
    PutU8(out, kIndexRle);
    PutRle(out, col);
  }
}

// Raw column layout (docs/storage-format.md, "chunk"). Rows are stored version by version
// ("runs": one per distinct (vintage, seq, load id), ascending), each run ascending by period,
// so that the per-row columns that are constant within a write cost nothing.
//   varint n, varint m (runs)
//   m x (varsint d_vintage, varsint d_seq, varsint d_load, varint rows, varsint d_first_period)
//   period gaps (p[i] - p[i-1] - 1 within a run, for the n - m non-first rows): RLE
//   flags: mode byte + same / raw / RLE flag bytes
//   values: mode byte (0..6 decimal scale, 0xFF xor); then the values of rows that are neither
//           blank nor exceptions; then the exceptions as 8 raw bytes each
//   strings: varint count, length-prefixed strings; stage and source index columns
void EncodeColumns(const VersionColumns& c, std::string* out) {
  const size_t n = c.size();
  out->clear();
  PutVarint64(out, n);
  if (n == 0) return;
  // Distinct versions, ascending.
  struct Ver {
    int32_t vintage;
    uint64_t seq, load;
    bool operator<(const Ver& o) const {
      if (vintage != o.vintage) return vintage < o.vintage;
      if (seq != o.seq) return seq < o.seq;
      return load < o.load;
    }
    bool operator==(const Ver& o) const = default;
  };
  std::vector<Ver> dict;
  for (size_t i = 0; i < n; ++i) {
    Ver v{c.vintage[i], c.seq[i], c.load_id[i]};
    if (dict.empty() || !(dict.back() == v)) dict.push_back(v);
  }
  std::sort(dict.begin(), dict.end());
  dict.erase(std::unique(dict.begin(), dict.end()), dict.end());
  const size_t m = dict.size();
  // Row order: by run, then by period (input rows are sorted by period, so a counting sort by
  // run keeps each run sorted).
  std::vector<uint32_t> run_of(n), count(m + 1, 0), order(n);
  uint32_t last = 0;
  for (size_t i = 0; i < n; ++i) {
    Ver v{c.vintage[i], c.seq[i], c.load_id[i]};
    if (!(dict[last] == v)) {
      last = static_cast<uint32_t>(std::lower_bound(dict.begin(), dict.end(), v) - dict.begin());
    }
    run_of[i] = last;
    ++count[last + 1];
  }
  for (size_t k = 1; k <= m; ++k) count[k] += count[k - 1];
  {
    std::vector<uint32_t> pos(count.begin(), count.end() - 1);
    for (size_t i = 0; i < n; ++i) order[pos[run_of[i]]++] = static_cast<uint32_t>(i);
  }
  PutVarint64(out, m);
  Ver prev{0, 0, 0};
  int32_t prev_first = 0;
  for (size_t k = 0; k < m; ++k) {
    const Ver& d = dict[k];
    PutVarsint64(out, static_cast<int64_t>(d.vintage) - prev.vintage);
    PutVarsint64(out, static_cast<int64_t>(d.seq - prev.seq));
    PutVarsint64(out, static_cast<int64_t>(d.load - prev.load));
    PutVarint64(out, count[k + 1] - count[k]);
    const int32_t first = c.period[order[count[k]]];
    PutVarsint64(out, static_cast<int64_t>(first) - prev_first);
    prev_first = first;
    prev = d;
  }
  {
    std::vector<uint32_t> gaps;
    gaps.reserve(n - m);
    for (size_t k = 0; k < m; ++k) {
      for (uint32_t j = count[k] + 1; j < count[k + 1]; ++j) {
        gaps.push_back(static_cast<uint32_t>(static_cast<int64_t>(c.period[order[j]]) -
                                             c.period[order[j - 1]] - 1));
      }
    }
    PutRle(out, gaps);
  }
  // Values: the smallest decimal scale k <= 6 at which most values are exact integers; the
  // others become exceptions (raw bits). Too many exceptions: XOR encoding of all values.
  std::vector<uint8_t> flags(n);
  size_t present = 0;
  int k = 0;
  for (size_t j = 0; j < n; ++j) {
    const size_t i = order[j];
    flags[j] = MakeFlags(c, i);
    if (flags[j] & kFlagBlank) continue;
    ++present;
    int64_t mm;
    if (ScaledInt(c.value[i], k, &mm)) continue;
    int kk = k + 1;
    while (kk <= kMaxDecimalScale && !ScaledInt(c.value[i], kk, &mm)) ++kk;
    if (kk <= kMaxDecimalScale) k = kk;
  }
  size_t exceptions = 0;
  std::vector<int64_t> scaled(n, 0);
  for (size_t j = 0; j < n; ++j) {
    if (!(flags[j] & kFlagBlank) && !ScaledInt(c.value[order[j]], k, &scaled[j])) {
      flags[j] |= kFlagException;
      ++exceptions;
    }
  }
  const bool use_xor = exceptions * 4 > present;
  if (use_xor) {
    for (auto& f : flags) f &= static_cast<uint8_t>(~kFlagException);
  }
  size_t runs = 1;
  for (size_t j = 1; j < n; ++j) runs += flags[j] != flags[j - 1];
  if (runs == 1) {
    PutU8(out, kFlagsSame);
    PutU8(out, flags[0]);
  } else if (runs * 3 < n) {
    PutU8(out, kFlagsRle);
    PutRle(out, flags);
  } else {
    PutU8(out, kFlagsRaw);
    out->append(reinterpret_cast<const char*>(flags.data()), n);
  }
  if (!use_xor) {
    PutU8(out, static_cast<uint8_t>(k));
    int64_t prev_m = 0;
    for (size_t j = 0; j < n; ++j) {
      if (flags[j] & (kFlagBlank | kFlagException)) continue;
      const int64_t mm = scaled[j];
      PutVarsint64(out, static_cast<int64_t>(static_cast<uint64_t>(mm) - static_cast<uint64_t>(prev_m)));
      prev_m = mm;
    }
    for (size_t j = 0; j < n; ++j) {
      if (!(flags[j] & kFlagException)) continue;
      uint64_t bits;
      std::memcpy(&bits, &c.value[order[j]], 8);
      PutFixed64LE(out, bits);
    }
  } else {
    PutU8(out, kValuesXor);
    uint64_t prev_bits = 0;
    for (size_t j = 0; j < n; ++j) {
      if (flags[j] & kFlagBlank) continue;
      uint64_t bits;
      std::memcpy(&bits, &c.value[order[j]], 8);
      uint64_t x = bits ^ prev_bits;
      prev_bits = bits;
      if (x == 0) {
        PutU8(out, 0);
        continue;
      }
      int tz = std::countr_zero(x) / 8;
      int lz = std::countl_zero(x) / 8;
      int nbytes = 8 - tz - lz;
      PutU8(out, static_cast<uint8_t>((tz << 4) | nbytes));
      uint64_t y = x >> (tz * 8);
      for (int b = 0; b < nbytes; ++b) PutU8(out, static_cast<uint8_t>(y >> (8 * b)));
    }
  }
  PutVarint64(out, c.strings.size() - 1);
  for (size_t i = 1; i < c.strings.size(); ++i) PutLengthPrefixed(out, c.strings[i]);
  std::vector<uint32_t> ix(n);
  for (size_t j = 0; j < n; ++j) ix[j] = c.stage[order[j]];
  PutIndexColumn(out, ix);
  for (size_t j = 0; j < n; ++j) ix[j] = c.source[order[j]];
  PutIndexColumn(out, ix);
  // The optional extent column: present only when some row covers several periods.
  if (!c.extent.empty() &&
      std::any_of(c.extent.begin(), c.extent.end(), [](uint8_t e) { return e != 0; })) {
    for (size_t j = 0; j < n; ++j) ix[j] = c.extent[order[j]];
    PutU8(out, kExtentRle);
    PutRle(out, ix);
  }
}

Status DecodeColumns(std::string_view raw, VersionColumns* c, std::vector<uint32_t>* run_starts) {
  Reader r(raw.data(), raw.data() + raw.size());
  uint64_t n64 = r.Varint();
  // Every row costs at least one byte somewhere; this bounds allocations on garbage input.
  if (!r.ok() || n64 > raw.size() * 64) return Status::Corruption("bad chunk: row count");
  const size_t n = n64;
  const size_t base = c->size();
  const size_t runs_base = run_starts->size();
  auto resize = [&](size_t size) {
    c->period.resize(size);
    c->vintage.resize(size);
    c->seq.resize(size);
    c->load_id.resize(size);
    c->value.resize(size);
    c->status.resize(size);
    c->qualifier.resize(size);
    c->deleted.resize(size);
    c->stage.resize(size);
    c->source.resize(size);
  };
  auto fail = [&](const char* what) {
    resize(base);
    if (c->extent.size() > base) c->extent.resize(base);
    run_starts->resize(runs_base);
    return Status::Corruption(std::string("bad chunk: ") + what);
  };
  if (n == 0) return r.at_end() ? Status::OK() : fail("trailing bytes");
  const uint64_t m = r.Varint();
  if (!r.ok() || m == 0 || m > n || m > raw.size()) return fail("runs");
  resize(base + n);
  int32_t* period = c->period.data() + base;
  int32_t* vin = c->vintage.data() + base;
  uint64_t* seq = c->seq.data() + base;
  uint64_t* load = c->load_id.data() + base;
  {
    int64_t v = 0, first = 0;
    uint64_t sq = 0, ld = 0;
    size_t pos = 0;
    for (uint64_t k = 0; k < m; ++k) {
      v += r.Varsint();
      sq += static_cast<uint64_t>(r.Varsint());
      ld += static_cast<uint64_t>(r.Varsint());
      const uint64_t rows = r.Varint();
      first += r.Varsint();
      if (!r.ok() || rows == 0 || rows > n - pos || v < INT32_MIN || v > INT32_MAX ||
          first < INT32_MIN || first > INT32_MAX) {
        return fail("run header");
      }
      run_starts->push_back(static_cast<uint32_t>(base + pos));
      std::fill(vin + pos, vin + pos + rows, static_cast<int32_t>(v));
      std::fill(seq + pos, seq + pos + rows, sq);
      std::fill(load + pos, load + pos + rows, ld);
      period[pos] = static_cast<int32_t>(first);  // gaps fill the rest below
      pos += rows;
    }
    if (pos != n) return fail("run sizes");
  }
  {
    // Gaps: RLE over the non-first rows of every run, in order.
    const uint64_t gap_runs = r.Varint();
    if (!r.ok() || gap_runs > n) return fail("period gaps");
    if (m == 1 && gap_runs == 1 && r.PeekZeroGapRun(n - 1)) {
      // Fast path: one run of consecutive periods (the common delta chunk).
      if (static_cast<int64_t>(period[0]) + static_cast<int64_t>(n) > INT32_MAX) {
        return fail("period gaps");
      }
      for (size_t i = 1; i < n; ++i) period[i] = period[0] + static_cast<int32_t>(i);
      goto gaps_done;
    }
    size_t row = 0;            // current row (0-based within this chunk)
    size_t run = runs_base;    // current run
    int64_t gap = 0;
    uint64_t left = 0;
    auto next_run_start = [&](size_t k) {
      return k + 1 < run_starts->size() ? (*run_starts)[k + 1] - base : n;
    };
    size_t run_end = next_run_start(run);
    for (uint64_t g = 0; g < gap_runs; ++g) {
      gap += r.Varsint();
      left = r.Varint();
      if (!r.ok() || gap < 0 || left == 0) return fail("period gaps");
      while (left > 0) {
        ++row;
        if (row >= n) return fail("period gaps");
        if (row == run_end) {  // first row of the next run: its period is in the header
          ++run;
          run_end = next_run_start(run);
          continue;
        }
        const int64_t p = static_cast<int64_t>(period[row - 1]) + 1 + gap;
        if (p > INT32_MAX) return fail("period gaps");
        period[row] = static_cast<int32_t>(p);
        --left;
      }
    }
    // Rows after the last gap must all be run starts.
    while (++row < n) {
      if (row != run_end) return fail("period gaps");
      ++run;
      run_end = next_run_start(run);
    }
  }
gaps_done:
  // Flags go to `status` first, then are split.
  uint8_t* flags = c->status.data() + base;
  bool same_flags = false;
  uint8_t the_flags = 0;
  switch (r.Byte()) {
    case kFlagsSame:
      the_flags = r.Byte();
      same_flags = true;
      std::fill(flags, flags + n, the_flags);
      break;
    case kFlagsRaw: {
      std::string_view b = r.Bytes(n);
      if (r.ok()) std::memcpy(flags, b.data(), n);
      break;
    }
    case kFlagsRle:
      r.Rle(n, flags, [](int64_t v) { return static_cast<uint8_t>(v); });
      break;
    default:
      r.Fail();
  }
  if (!r.ok()) return fail("flags");
  double* val = c->value.data() + base;
  const uint8_t mode = r.Byte();
  if (mode <= kMaxDecimalScale && same_flags && !(the_flags & (kFlagBlank | kFlagException))) {
    // Fast path: every row has a decimal value.
    const double div = kPow10[mode];
    int64_t cur = 0;
    for (size_t i = 0; i < n; ++i) {
      cur = static_cast<int64_t>(static_cast<uint64_t>(cur) + static_cast<uint64_t>(r.Varsint()));
      val[i] = static_cast<double>(cur) / div;
    }
  } else if (mode <= kMaxDecimalScale) {
    const double div = kPow10[mode];
    int64_t cur = 0;
    size_t exceptions = 0;
    for (size_t i = 0; i < n; ++i) {
      const uint8_t f = flags[i];
      if (f & (kFlagBlank | kFlagException)) {
        exceptions += (f & kFlagBlank) == 0;
        val[i] = std::numeric_limits<double>::quiet_NaN();
        continue;
      }
      cur = static_cast<int64_t>(static_cast<uint64_t>(cur) + static_cast<uint64_t>(r.Varsint()));
      val[i] = static_cast<double>(cur) / div;
    }
    if (exceptions > 0) {
      std::string_view b = r.Bytes(exceptions * 8);
      if (!r.ok()) return fail("value exceptions");
      const char* p = b.data();
      for (size_t i = 0; i < n; ++i) {
        if ((flags[i] & (kFlagBlank | kFlagException)) != kFlagException) continue;
        std::memcpy(&val[i], p, 8);
        p += 8;
      }
    }
  } else if (mode == kValuesXor) {
    uint64_t prev = 0;
    for (size_t i = 0; i < n && r.ok(); ++i) {
      if (flags[i] & kFlagBlank) {
        val[i] = std::numeric_limits<double>::quiet_NaN();
        continue;
      }
      uint8_t ctl = r.Byte();
      if (ctl != 0) {
        int tz = ctl >> 4, nbytes = ctl & 15;
        if (nbytes == 0 || tz + nbytes > 8) return fail("xor value");
        std::string_view b = r.Bytes(nbytes);
        if (!r.ok()) break;
        uint64_t y = 0;
        for (int k = 0; k < nbytes; ++k) y |= uint64_t{static_cast<unsigned char>(b[k])} << (8 * k);
        prev ^= y << (tz * 8);
      }
      std::memcpy(&val[i], &prev, 8);
    }
  } else {
    return fail("value mode");
  }
  if (!r.ok()) return fail("values");
  uint8_t* qual = c->qualifier.data() + base;
  uint8_t* del = c->deleted.data() + base;
  uint8_t bad_status = 0;
  if (same_flags) {
    bad_status = (the_flags & kFlagStatusMask) > 4;
    std::fill(qual, qual + n, static_cast<uint8_t>((the_flags >> kFlagQualifierShift) & 3));
    std::fill(del, del + n, static_cast<uint8_t>((the_flags & kFlagDeleted) ? 1 : 0));
    std::fill(flags, flags + n, static_cast<uint8_t>(the_flags & kFlagStatusMask));
  } else {
    for (size_t i = 0; i < n; ++i) {
      const uint8_t f = flags[i];
      bad_status |= (f & kFlagStatusMask) > 4;
      qual[i] = (f >> kFlagQualifierShift) & 3;
      del[i] = (f & kFlagDeleted) ? 1 : 0;
      flags[i] = f & kFlagStatusMask;
    }
  }
  if (bad_status) return fail("status");
  uint64_t nstrings = r.Varint();
  if (!r.ok() || nstrings > raw.size()) return fail("dictionary");
  // Chunk dictionary index -> index in c->strings.
  uint32_t small_map[16];
  std::vector<uint32_t> big_map;
  uint32_t* map = small_map;
  if (nstrings + 1 > 16) {
    big_map.resize(nstrings + 1);
    map = big_map.data();
  }
  map[0] = 0;
  for (uint64_t i = 1; i <= nstrings; ++i) {
    uint64_t len = r.Varint();
    std::string_view str = r.Bytes(len);
    if (!r.ok()) return fail("dictionary");
    map[i] = c->InternString(str);
  }
  bool range_ok = true;
  auto conv = [&](int64_t v) {
    if (v < 0 || static_cast<uint64_t>(v) > nstrings) {
      range_ok = false;
      return uint32_t{0};
    }
    return map[v];
  };
  for (uint32_t* col : {c->stage.data() + base, c->source.data() + base}) {
    switch (r.Byte()) {
      case kIndexNone:
        std::fill(col, col + n, 0u);
        break;
      case kIndexRle:
        r.Rle(n, col, conv);
        break;
      default:
        r.Fail();
    }
  }
  if (!r.ok() || !range_ok) return fail("stage/source columns");
  if (!r.at_end()) {
    if (r.Byte() != kExtentRle) return fail("trailing bytes");
    std::vector<uint32_t> ext(n);
    bool ext_ok = true;
    r.Rle(n, ext.data(), [&](int64_t v) {
      if (v < 0 || v > 11) ext_ok = false;
      return static_cast<uint32_t>(v);
    });
    if (!r.ok() || !ext_ok) return fail("extent column");
    c->extent.resize(base, 0);
    c->extent.reserve(base + n);
    for (uint32_t e : ext) c->extent.push_back(static_cast<uint8_t>(e));
    if (!r.at_end()) return fail("trailing bytes");
  } else if (!c->extent.empty()) {
    c->extent.resize(base + n, 0);
  }
  return Status::OK();
}

}  // namespace

void VersionColumns::Clear() {
  period.clear();
  vintage.clear();
  seq.clear();
  load_id.clear();
  value.clear();
  status.clear();
  qualifier.clear();
  deleted.clear();
  stage.clear();
  source.clear();
  extent.clear();
  strings.resize(1);
}

void VersionColumns::SetExtent(size_t i, uint8_t e) {
  if (e == 0 && extent.empty()) return;
  if (extent.empty()) extent.assign(size(), 0);
  extent[i] = e;
}

void VersionColumns::Reserve(size_t n) {
  period.reserve(n);
  vintage.reserve(n);
  seq.reserve(n);
  load_id.reserve(n);
  value.reserve(n);
  status.reserve(n);
  qualifier.reserve(n);
  deleted.reserve(n);
  stage.reserve(n);
  source.reserve(n);
}

uint32_t VersionColumns::InternString(std::string_view s) {
  if (s.empty()) return 0;
  for (size_t i = 1; i < strings.size(); ++i) {
    if (strings[i] == s) return static_cast<uint32_t>(i);
  }
  strings.emplace_back(s);
  return static_cast<uint32_t>(strings.size() - 1);
}

void VersionColumns::PushRow(int32_t p, int32_t v, uint64_t s, uint64_t load, double val,
                             uint8_t st, uint8_t q, uint8_t del, uint32_t stage_ix,
                             uint32_t source_ix) {
  period.push_back(p);
  vintage.push_back(v);
  seq.push_back(s);
  load_id.push_back(load);
  value.push_back(val);
  status.push_back(st);
  qualifier.push_back(q);
  deleted.push_back(del);
  stage.push_back(stage_ix);
  source.push_back(source_ix);
  if (!extent.empty()) extent.push_back(0);
}

void VersionColumns::AppendRow(const VersionColumns& src, size_t i) {
  PushRow(src.period[i], src.vintage[i], src.seq[i], src.load_id[i], src.value[i], src.status[i],
          src.qualifier[i], src.deleted[i],
          src.stage[i] ? InternString(src.strings[src.stage[i]]) : 0,
          src.source[i] ? InternString(src.strings[src.source[i]]) : 0);
  SetExtent(size() - 1, src.ExtentAt(i));
}

bool VersionColumns::IsSorted() const {
  for (size_t i = 1; i < size(); ++i) {
    if (period[i] != period[i - 1]) {
      if (period[i] < period[i - 1]) return false;
    } else if (vintage[i] != vintage[i - 1]) {
      if (vintage[i] < vintage[i - 1]) return false;
    } else if (seq[i] < seq[i - 1]) {
      return false;
    }
  }
  return true;
}

void VersionColumns::Sort() {
  if (IsSorted()) return;
  std::vector<uint32_t> ix(size());
  std::iota(ix.begin(), ix.end(), 0);
  std::stable_sort(ix.begin(), ix.end(), [&](uint32_t a, uint32_t b) {
    if (period[a] != period[b]) return period[a] < period[b];
    if (vintage[a] != vintage[b]) return vintage[a] < vintage[b];
    return seq[a] < seq[b];
  });
  VersionColumns out;
  out.Reserve(size());
  out.strings = strings;
  for (uint32_t i : ix) {
    out.PushRow(period[i], vintage[i], seq[i], load_id[i], value[i], status[i], qualifier[i],
                deleted[i], stage[i], source[i]);
    out.SetExtent(out.size() - 1, ExtentAt(i));
  }
  *this = std::move(out);
}

Status DecodeChunkSorted(std::string_view blob, VersionColumns* out, std::string* scratch) {
  VersionColumns tmp;
  std::vector<uint32_t> runs, order, buf;
  if (Status s = DecodeChunk(blob, &tmp, scratch, &runs); !s.ok()) return s;
  if (runs.size() <= 1) {
    for (size_t i = 0; i < tmp.size(); ++i) out->AppendRow(tmp, i);
    return Status::OK();
  }
  VersionColumns sorted;
  MergeRuns(tmp, runs, &sorted, &order, &buf);
  for (size_t i = 0; i < sorted.size(); ++i) out->AppendRow(sorted, i);
  return Status::OK();
}

void MergeRuns(const VersionColumns& in, const std::vector<uint32_t>& starts, VersionColumns* out,
               std::vector<uint32_t>* order, std::vector<uint32_t>* tmp) {
  const size_t n = in.size();
  order->resize(n);
  tmp->resize(n);
  for (size_t i = 0; i < n; ++i) (*order)[i] = static_cast<uint32_t>(i);
  auto less = [&](uint32_t a, uint32_t b) {
    if (in.period[a] != in.period[b]) return in.period[a] < in.period[b];
    if (in.vintage[a] != in.vintage[b]) return in.vintage[a] < in.vintage[b];
    return in.seq[a] < in.seq[b];
  };
  // Bottom-up pairwise merging of the runs.
  std::vector<uint32_t> bounds(starts.begin(), starts.end());
  bounds.push_back(static_cast<uint32_t>(n));
  while (bounds.size() > 2) {
    std::vector<uint32_t> next;
    size_t k = 0;
    for (; k + 2 < bounds.size(); k += 2) {
      std::merge(order->begin() + bounds[k], order->begin() + bounds[k + 1],
                 order->begin() + bounds[k + 1], order->begin() + bounds[k + 2],
                 tmp->begin() + bounds[k], less);
      next.push_back(bounds[k]);
    }
    if (k + 1 < bounds.size()) {  // an odd run left over
      std::copy(order->begin() + bounds[k], order->begin() + bounds[k + 1],
                tmp->begin() + bounds[k]);
      next.push_back(bounds[k]);
    }
    next.push_back(static_cast<uint32_t>(n));
    order->swap(*tmp);
    bounds.swap(next);
  }
  out->period.resize(n);
  out->vintage.resize(n);
  out->seq.resize(n);
  out->load_id.resize(n);
  out->value.resize(n);
  out->status.resize(n);
  out->qualifier.resize(n);
  out->deleted.resize(n);
  out->stage.resize(n);
  out->source.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t r = (*order)[i];
    out->period[i] = in.period[r];
    out->vintage[i] = in.vintage[r];
    out->seq[i] = in.seq[r];
    out->load_id[i] = in.load_id[r];
    out->value[i] = in.value[r];
    out->status[i] = in.status[r];
    out->qualifier[i] = in.qualifier[r];
    out->deleted[i] = in.deleted[r];
    out->stage[i] = in.stage[r];
    out->source[i] = in.source[r];
  }
  out->extent.clear();
  if (!in.extent.empty()) {
    out->extent.resize(n);
    for (size_t i = 0; i < n; ++i) out->extent[i] = in.extent[(*order)[i]];
  }
  out->strings = in.strings;
}

uint32_t Crc32c(std::string_view data) {
  (void)kCrcInit;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
#if defined(__x86_64__)
  if (kHaveSse42) return Crc32cHw(0xFFFFFFFFu, p, data.size()) ^ 0xFFFFFFFFu;
#endif
  return Crc32cTable(0xFFFFFFFFu, p, data.size()) ^ 0xFFFFFFFFu;
}

void EncodeChunk(const VersionColumns& cols, int zstd_level, std::string* out,
                 std::string* scratch) {
  EncodeColumns(cols, scratch);
  out->clear();
  size_t bound = ZSTD_compressBound(scratch->size());
  out->resize(1 + bound);
  (*out)[0] = static_cast<char>(kChunkZstd);
  ZSTD_CCtx* cctx = Zstd().c;
  ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, zstd_level);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1);
  size_t z = ZSTD_compress2(cctx, out->data() + 1, bound, scratch->data(), scratch->size());
  // zstd costs ~1-2 us a frame to decompress, about as much as the rest of a read of a small
  // series: keep it only where it saves at least a fifth.
  if (ZSTD_isError(z) || (z + 1) * 5 > (scratch->size() + 5) * 4) {
    // Raw, with our own checksum.
    out->assign(1, static_cast<char>(kChunkRaw));
    out->append(*scratch);
    uint32_t crc = Crc32c(*scratch);
    char b[4] = {static_cast<char>(crc), static_cast<char>(crc >> 8), static_cast<char>(crc >> 16),
                 static_cast<char>(crc >> 24)};
    out->append(b, 4);
    return;
  }
  out->resize(1 + z);
}

Status DecodeChunk(std::string_view blob, VersionColumns* cols, std::string* scratch,
                   std::vector<uint32_t>* run_starts) {
  if (blob.empty()) return Status::Corruption("empty chunk");
  uint8_t tag = static_cast<uint8_t>(blob[0]);
  blob.remove_prefix(1);
  if (tag == kChunkRaw) {
    if (blob.size() < 4) return Status::Corruption("short raw chunk");
    std::string_view raw = blob.substr(0, blob.size() - 4);
    const auto* t = reinterpret_cast<const unsigned char*>(blob.data() + raw.size());
    uint32_t crc = uint32_t{t[0]} | (uint32_t{t[1]} << 8) | (uint32_t{t[2]} << 16) |
                   (uint32_t{t[3]} << 24);
    if (crc != Crc32c(raw)) return Status::Corruption("chunk checksum mismatch");
    return DecodeColumns(raw, cols, run_starts);
  }
  if (tag != kChunkZstd) return Status::Corruption("unknown chunk tag " + std::to_string(tag));
  unsigned long long size = ZSTD_getFrameContentSize(blob.data(), blob.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN ||
      size > (size_t{1} << 32)) {
    return Status::Corruption("bad zstd chunk header");
  }
  if (scratch->size() < size) scratch->resize(size);
  size_t got = ZSTD_decompressDCtx(Zstd().d, scratch->data(), size, blob.data(), blob.size());
  if (ZSTD_isError(got) || got != size) {
    return Status::Corruption(std::string("zstd chunk: ") +
                              (ZSTD_isError(got) ? ZSTD_getErrorName(got) : "size mismatch"));
  }
  return DecodeColumns(std::string_view(scratch->data(), got), cols, run_starts);
}

}  // namespace ixdb::storage::internal
