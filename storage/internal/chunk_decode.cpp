// DecodeColumns and DecodePackedColumns (chunk_columns.hpp), cut along the columns in the order
// they are stored. This is the hot path of every read: its steps work on raw pointers into the
// already sized columns.
#include <algorithm>
#include <cstring>
#include <limits>

#include "storage/internal/chunk_columns.hpp"
#include "storage/internal/key_codec.hpp"
#include "storage/internal/rice_column.hpp"

namespace ixdb::storage::internal {

namespace {

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
  // Decodes a Rice column (rice_column.hpp) of `count` values through emit(i, u).
  template <typename Emit>
  void Rice(size_t count, Emit emit) {
    if (ok_ && !GetRiceColumn(&p_, limit_, count, emit)) ok_ = false;
  }
  // Decodes a delta column of the packed layout (a varsint, then a Rice column of the zigzag
  // deltas) of `count` values through emit(i, x).
  template <typename Emit>
  void Deltas(size_t count, Emit emit) {
    if (count == 0) return;
    uint64_t x = static_cast<uint64_t>(Varsint());
    if (!ok_) return;
    emit(size_t{0}, static_cast<int64_t>(x));
    Rice(count - 1, [&](size_t i, uint64_t u) {
      x += static_cast<uint64_t>(UnZigZag(u));
      emit(i + 1, static_cast<int64_t>(x));
    });
  }
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

// The steps of DecodeColumns, in the order of the columns. Each returns nullptr, or which part
// is bad (for "bad chunk: <part>"); DecodeColumns then removes what was appended.

// Run headers: the version columns of every row and the first period of each run.
const char* DecodeRunHeaders(Reader* r, size_t n, uint64_t m, size_t base, VersionColumns* c,
                             std::vector<uint32_t>* run_starts) {
  int32_t* period = c->period.data() + base;
  int32_t* vin = c->vintage.data() + base;
  uint64_t* seq = c->seq.data() + base;
  uint64_t* load = c->load_id.data() + base;
  int64_t v = 0, first = 0;
  uint64_t sq = 0, ld = 0;
  size_t pos = 0;
  for (uint64_t k = 0; k < m; ++k) {
    v += r->Varsint();
    sq += static_cast<uint64_t>(r->Varsint());
    ld += static_cast<uint64_t>(r->Varsint());
    const uint64_t rows = r->Varint();
    first += r->Varsint();
    if (!r->ok() || rows == 0 || rows > n - pos || v < INT32_MIN || v > INT32_MAX ||
        first < INT32_MIN || first > INT32_MAX) {
      return "run header";
    }
    run_starts->push_back(static_cast<uint32_t>(base + pos));
    std::fill(vin + pos, vin + pos + rows, static_cast<int32_t>(v));
    std::fill(seq + pos, seq + pos + rows, sq);
    std::fill(load + pos, load + pos + rows, ld);
    period[pos] = static_cast<int32_t>(first);  // gaps fill the rest (DecodePeriodGaps)
    pos += rows;
  }
  if (pos != n) return "run sizes";
  return nullptr;
}

// Gaps: RLE over the non-first rows of every run, in order. `period` is the chunk's first row.
const char* DecodePeriodGaps(Reader* r, size_t n, uint64_t m, size_t base, size_t runs_base,
                             const std::vector<uint32_t>& run_starts, int32_t* period) {
  const uint64_t gap_runs = r->Varint();
  if (!r->ok() || gap_runs > n) return "period gaps";
  if (m == 1 && gap_runs == 1 && r->PeekZeroGapRun(n - 1)) {
    // Fast path: one run of consecutive periods (the common delta chunk).
    if (static_cast<int64_t>(period[0]) + static_cast<int64_t>(n) > INT32_MAX) {
      return "period gaps";
    }
    for (size_t i = 1; i < n; ++i) period[i] = period[0] + static_cast<int32_t>(i);
    return nullptr;
  }
  size_t row = 0;          // current row (0-based within this chunk)
  size_t run = runs_base;  // current run
  int64_t gap = 0;
  uint64_t left = 0;
  auto next_run_start = [&](size_t k) {
    return k + 1 < run_starts.size() ? run_starts[k + 1] - base : n;
  };
  size_t run_end = next_run_start(run);
  for (uint64_t g = 0; g < gap_runs; ++g) {
    gap += r->Varsint();
    left = r->Varint();
    if (!r->ok() || gap < 0 || left == 0) return "period gaps";
    while (left > 0) {
      ++row;
      if (row >= n) return "period gaps";
      if (row == run_end) {  // first row of the next run: its period is in the header
        ++run;
        run_end = next_run_start(run);
        continue;
      }
      const int64_t p = static_cast<int64_t>(period[row - 1]) + 1 + gap;
      if (p > INT32_MAX) return "period gaps";
      period[row] = static_cast<int32_t>(p);
      --left;
    }
  }
  // Rows after the last gap must all be run starts.
  while (++row < n) {
    if (row != run_end) return "period gaps";
    ++run;
    run_end = next_run_start(run);
  }
  return nullptr;
}

// The flag byte of every row into flags[0..n). *same_flags: one byte for every row
// (*the_flags).
bool DecodeFlags(Reader* r, size_t n, uint8_t* flags, bool* same_flags, uint8_t* the_flags) {
  switch (r->Byte()) {
    case kFlagsSame:
      *the_flags = r->Byte();
      *same_flags = true;
      std::fill(flags, flags + n, *the_flags);
      break;
    case kFlagsRaw: {
      std::string_view b = r->Bytes(n);
      if (r->ok()) std::memcpy(flags, b.data(), n);
      break;
    }
    case kFlagsRle:
      r->Rle(n, flags, [](int64_t v) { return static_cast<uint8_t>(v); });
      break;
    default:
      r->Fail();
  }
  return r->ok();
}

// Fast path: every row has a decimal value.
inline void DecodeDenseDecimals(Reader* r, size_t n, double div, double* val) {
  int64_t cur = 0;
  for (size_t i = 0; i < n; ++i) {
    cur = static_cast<int64_t>(static_cast<uint64_t>(cur) + static_cast<uint64_t>(r->Varsint()));
    val[i] = static_cast<double>(cur) / div;
  }
}

// Decimal values, blanks, and exceptions stored as raw bits after the decimals.
const char* DecodeDecimalsWithExceptions(Reader* r, size_t n, const uint8_t* flags, double div,
                                         double* val) {
  int64_t cur = 0;
  size_t exceptions = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t f = flags[i];
    if (f & (kFlagBlank | kFlagException)) {
      exceptions += (f & kFlagBlank) == 0;
      val[i] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    cur = static_cast<int64_t>(static_cast<uint64_t>(cur) + static_cast<uint64_t>(r->Varsint()));
    val[i] = static_cast<double>(cur) / div;
  }
  if (exceptions > 0) {
    std::string_view b = r->Bytes(exceptions * 8);
    if (!r->ok()) return "value exceptions";
    const char* p = b.data();
    for (size_t i = 0; i < n; ++i) {
      if ((flags[i] & (kFlagBlank | kFlagException)) != kFlagException) continue;
      std::memcpy(&val[i], p, 8);
      p += 8;
    }
  }
  return nullptr;
}

const char* DecodeXorValues(Reader* r, size_t n, const uint8_t* flags, double* val) {
  uint64_t prev = 0;
  for (size_t i = 0; i < n && r->ok(); ++i) {
    if (flags[i] & kFlagBlank) {
      val[i] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    uint8_t ctl = r->Byte();
    if (ctl != 0) {
      int tz = ctl >> 4, nbytes = ctl & 15;
      if (nbytes == 0 || tz + nbytes > 8) return "xor value";
      std::string_view b = r->Bytes(nbytes);
      if (!r->ok()) break;
      uint64_t y = 0;
      for (int k = 0; k < nbytes; ++k) y |= uint64_t{static_cast<unsigned char>(b[k])} << (8 * k);
      prev ^= y << (tz * 8);
    }
    std::memcpy(&val[i], &prev, 8);
  }
  return nullptr;
}

const char* DecodePackedDecimals(Reader* r, size_t n, const uint8_t* flags, bool same_flags,
                                 uint8_t the_flags, double div, double* val);

const char* DecodeValues(Reader* r, bool packed, size_t n, const uint8_t* flags, bool same_flags,
                         uint8_t the_flags, double* val) {
  const uint8_t mode = r->Byte();
  if (mode <= kMaxDecimalScale && packed) {
    return DecodePackedDecimals(r, n, flags, same_flags, the_flags, kPow10[mode], val);
  } else if (mode <= kMaxDecimalScale && same_flags &&
             !(the_flags & (kFlagBlank | kFlagException))) {
    DecodeDenseDecimals(r, n, kPow10[mode], val);
  } else if (mode <= kMaxDecimalScale) {
    if (const char* bad = DecodeDecimalsWithExceptions(r, n, flags, kPow10[mode], val)) return bad;
  } else if (mode == kValuesXor) {
    if (const char* bad = DecodeXorValues(r, n, flags, val)) return bad;
  } else {
    return "value mode";
  }
  return r->ok() ? nullptr : "values";
}

// Splits each row's flag byte (flags[i], which becomes the status) into status, qualifier and
// deleted. False if a status is not an ObsStatus.
bool SplitFlags(size_t n, bool same_flags, uint8_t the_flags, uint8_t* flags, uint8_t* qual,
                uint8_t* del) {
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
  return !bad_status;
}

// The chunk's strings (interned into c->strings) and the stage and source index columns.
const char* DecodeStringColumns(Reader* r, size_t n, size_t raw_size, size_t base,
                                VersionColumns* c) {
  uint64_t nstrings = r->Varint();
  if (!r->ok() || nstrings > raw_size) return "dictionary";
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
    uint64_t len = r->Varint();
    std::string_view str = r->Bytes(len);
    if (!r->ok()) return "dictionary";
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
    switch (r->Byte()) {
      case kIndexNone:
        std::fill(col, col + n, 0u);
        break;
      case kIndexRle:
        r->Rle(n, col, conv);
        break;
      default:
        r->Fail();
    }
  }
  if (!r->ok() || !range_ok) return "stage/source columns";
  return nullptr;
}

// The optional extent column (the chunk's last); without it, rows cover one period each.
const char* DecodeExtentColumn(Reader* r, size_t n, size_t base, VersionColumns* c) {
  if (!r->at_end()) {
    if (r->Byte() != kExtentRle) return "trailing bytes";
    std::vector<uint32_t> ext(n);
    bool ext_ok = true;
    r->Rle(n, ext.data(), [&](int64_t v) {
      if (v < 0 || v > 11) ext_ok = false;
      return static_cast<uint32_t>(v);
    });
    if (!r->ok() || !ext_ok) return "extent column";
    c->extent.resize(base, 0);
    c->extent.reserve(base + n);
    for (uint32_t e : ext) c->extent.push_back(static_cast<uint8_t>(e));
    if (!r->at_end()) return "trailing bytes";
  } else if (!c->extent.empty()) {
    c->extent.resize(base + n, 0);
  }
  return nullptr;
}

// The packed layout's run headers: four delta columns and a Rice column of m values.
const char* DecodePackedRunHeaders(Reader* r, size_t n, uint64_t m, size_t base, VersionColumns* c,
                                   std::vector<uint32_t>* run_starts) {
  uint64_t small[5 * 16];
  std::vector<uint64_t> big;
  uint64_t* h = small;
  if (m > 16) {
    big.resize(5 * m);
    h = big.data();
  }
  auto into = [](uint64_t* col) {
    return [col](size_t i, auto x) { col[i] = static_cast<uint64_t>(x); };
  };
  r->Deltas(m, into(h));          // vintages
  r->Deltas(m, into(h + m));      // seqs
  r->Deltas(m, into(h + 2 * m));  // load ids
  r->Rice(m, into(h + 3 * m));    // rows - 1
  r->Deltas(m, into(h + 4 * m));  // first periods
  if (!r->ok()) return "run header";
  int32_t* period = c->period.data() + base;
  int32_t* vin = c->vintage.data() + base;
  uint64_t* seq = c->seq.data() + base;
  uint64_t* load = c->load_id.data() + base;
  size_t pos = 0;
  for (uint64_t k = 0; k < m; ++k) {
    const int64_t v = static_cast<int64_t>(h[k]);
    const uint64_t sq = h[m + k];
    const uint64_t ld = h[2 * m + k];
    const uint64_t rows = h[3 * m + k] + 1;
    const int64_t first = static_cast<int64_t>(h[4 * m + k]);
    if (rows == 0 || rows > n - pos || v < INT32_MIN || v > INT32_MAX || first < INT32_MIN ||
        first > INT32_MAX) {
      return "run header";
    }
    run_starts->push_back(static_cast<uint32_t>(base + pos));
    std::fill(vin + pos, vin + pos + rows, static_cast<int32_t>(v));
    std::fill(seq + pos, seq + pos + rows, sq);
    std::fill(load + pos, load + pos + rows, ld);
    period[pos] = static_cast<int32_t>(first);  // gaps fill the rest
    pos += rows;
  }
  if (pos != n) return "run sizes";
  return nullptr;
}

// The packed layout's period gaps: one Rice column over the rows that are not first of a run.
const char* DecodePackedPeriodGaps(Reader* r, size_t n, uint64_t m, size_t base, size_t runs_base,
                                   const std::vector<uint32_t>& run_starts, int32_t* period) {
  size_t row = 0;
  size_t run = 0;  // the run `row` is in, counted from this chunk's first
  auto run_start = [&](size_t k) -> size_t { return k < m ? run_starts[runs_base + k] - base : n; };
  size_t next = run_start(1);
  bool ok = true;
  r->Rice(n - m, [&](size_t, uint64_t gap) {
    if (!ok) return;
    ++row;
    while (row == next && row < n) {  // a run's first row: its period is in the header
      ++run;
      next = run_start(run + 1);
      ++row;
    }
    const int64_t p = static_cast<int64_t>(period[row - 1]) + 1 + static_cast<int64_t>(gap);
    if (row >= n || gap > INT32_MAX || p > INT32_MAX) {
      ok = false;
      return;
    }
    period[row] = static_cast<int32_t>(p);
  });
  return r->ok() && ok ? nullptr : "period gaps";
}

// The packed layout's decimal values: a Rice column over the rows neither blank nor exception.
const char* DecodePackedDecimals(Reader* r, size_t n, const uint8_t* flags, bool same_flags,
                                 uint8_t the_flags, double div, double* val) {
  constexpr uint8_t kNotDecimal = kFlagBlank | kFlagException;
  if (same_flags && !(the_flags & kNotDecimal)) {
    r->Deltas(n, [&](size_t i, int64_t x) { val[i] = static_cast<double>(x) / div; });
    return r->ok() ? nullptr : "values";
  }
  size_t decimals = 0, exceptions = 0;
  for (size_t i = 0; i < n; ++i) {
    decimals += (flags[i] & kNotDecimal) == 0;
    exceptions += (flags[i] & kNotDecimal) == kFlagException;
  }
  size_t row = 0;
  r->Deltas(decimals, [&](size_t, int64_t x) {
    while (flags[row] & kNotDecimal) val[row++] = std::numeric_limits<double>::quiet_NaN();
    val[row++] = static_cast<double>(x) / div;
  });
  if (!r->ok()) return "values";
  for (; row < n; ++row) val[row] = std::numeric_limits<double>::quiet_NaN();
  if (exceptions > 0) {
    std::string_view b = r->Bytes(exceptions * 8);
    if (!r->ok()) return "value exceptions";
    const char* p = b.data();
    for (size_t i = 0; i < n; ++i) {
      if ((flags[i] & kNotDecimal) != kFlagException) continue;
      std::memcpy(&val[i], p, 8);
      p += 8;
    }
  }
  return nullptr;
}

// Resizes every per-row column but extent (which exists only when some row has one).
void ResizeRows(VersionColumns* c, size_t size) {
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
}

// Both layouts share the order of the columns and their flags, strings and extent.
Status Decode(std::string_view raw, bool packed, VersionColumns* c,
              std::vector<uint32_t>* run_starts) {
  Reader r(raw.data(), raw.data() + raw.size());
  uint64_t n64 = r.Varint();
  // This bounds allocations on garbage input. A varint row costs at least one byte somewhere;
  // a packed chunk of constant columns costs a few bytes for any number of rows, so its bound
  // only keeps garbage from allocating more than a few MB per byte of input.
  const size_t max_rows = packed ? raw.size() * 4096 + 65536 : raw.size() * 64;
  if (!r.ok() || n64 > max_rows) return Status::Corruption("bad chunk: row count");
  const size_t n = n64;
  const size_t base = c->size();
  const size_t runs_base = run_starts->size();
  auto fail = [&](const char* what) {
    ResizeRows(c, base);
    if (c->extent.size() > base) c->extent.resize(base);
    run_starts->resize(runs_base);
    return Status::Corruption(std::string("bad chunk: ") + what);
  };
  if (n == 0) return r.at_end() ? Status::OK() : fail("trailing bytes");
  const uint64_t m = r.Varint();
  if (!r.ok() || m == 0 || m > n || (!packed && m > raw.size())) return fail("runs");
  ResizeRows(c, base + n);
  if (const char* bad = packed ? DecodePackedRunHeaders(&r, n, m, base, c, run_starts)
                               : DecodeRunHeaders(&r, n, m, base, c, run_starts)) {
    return fail(bad);
  }
  int32_t* period = c->period.data() + base;
  if (const char* bad = packed
                            ? DecodePackedPeriodGaps(&r, n, m, base, runs_base, *run_starts, period)
                            : DecodePeriodGaps(&r, n, m, base, runs_base, *run_starts, period)) {
    return fail(bad);
  }
  // Flags go to `status` first, then are split.
  uint8_t* flags = c->status.data() + base;
  bool same_flags = false;
  uint8_t the_flags = 0;
  if (!DecodeFlags(&r, n, flags, &same_flags, &the_flags)) return fail("flags");
  if (const char* bad =
          DecodeValues(&r, packed, n, flags, same_flags, the_flags, c->value.data() + base)) {
    return fail(bad);
  }
  if (!SplitFlags(n, same_flags, the_flags, flags, c->qualifier.data() + base,
                  c->deleted.data() + base)) {
    return fail("status");
  }
  if (const char* bad = DecodeStringColumns(&r, n, raw.size(), base, c)) return fail(bad);
  if (const char* bad = DecodeExtentColumn(&r, n, base, c)) return fail(bad);
  return Status::OK();
}

}  // namespace

Status DecodeColumns(std::string_view raw, VersionColumns* c, std::vector<uint32_t>* run_starts) {
  return Decode(raw, /*packed=*/false, c, run_starts);
}

Status DecodePackedColumns(std::string_view raw, VersionColumns* c,
                           std::vector<uint32_t>* run_starts) {
  return Decode(raw, /*packed=*/true, c, run_starts);
}

}  // namespace ixdb::storage::internal
