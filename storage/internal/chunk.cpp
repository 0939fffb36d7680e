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

uint32_t kCrcTable[256];
const bool kCrcInit = [] {
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    kCrcTable[i] = c;
  }
  return true;
}();

void EncodeColumns(const VersionColumns& c, std::string* out) {
  const size_t n = c.size();
  out->clear();
  PutVarint64(out, n);
  // Periods: first, then deltas (rows are sorted, so deltas are small and non-negative).
  int32_t prev_p = 0;
  for (size_t i = 0; i < n; ++i) {
    PutVarsint64(out, static_cast<int64_t>(c.period[i]) - prev_p);
    prev_p = c.period[i];
  }
  PutRle(out, c.vintage);
  PutRle(out, c.seq);
  PutRle(out, c.load_id);
  // Blank (NaN) mask, then the present values.
  std::vector<uint8_t> nan(n);
  size_t present = 0;
  for (size_t i = 0; i < n; ++i) {
    nan[i] = std::isnan(c.value[i]) ? 1 : 0;
    present += !nan[i];
  }
  PutRle(out, nan);
  int k = 0;
  bool scaled = true;
  for (size_t i = 0; i < n && scaled; ++i) {
    if (nan[i]) continue;
    int64_t m;
    while (!ScaledInt(c.value[i], k, &m)) {
      if (++k > kMaxDecimalScale) {
        scaled = false;
        break;
      }
    }
  }
  if (scaled && present > 0) {
    PutU8(out, static_cast<uint8_t>(k));
    int64_t prev = 0;
    for (size_t i = 0; i < n; ++i) {
      if (nan[i]) continue;
      int64_t m = 0;
      ScaledInt(c.value[i], k, &m);
      PutVarsint64(out, m - prev);
      prev = m;
    }
  } else {
    PutU8(out, kValuesXor);
    uint64_t prev = 0;
    for (size_t i = 0; i < n; ++i) {
      if (nan[i]) continue;
      uint64_t bits;
      std::memcpy(&bits, &c.value[i], 8);
      uint64_t x = bits ^ prev;
      prev = bits;
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
  PutRle(out, c.status);
  PutRle(out, c.qualifier);
  PutRle(out, c.deleted);
  // String dictionary (entry 0 "" implied), then stage and source as RLE indexes.
  PutVarint64(out, c.strings.size() - 1);
  for (size_t i = 1; i < c.strings.size(); ++i) PutLengthPrefixed(out, c.strings[i]);
  PutRle(out, c.stage);
  PutRle(out, c.source);
}

Status DecodeColumns(std::string_view raw, VersionColumns* c) {
  auto bad = [](const char* what) {
    return Status::Corruption(std::string("bad chunk: ") + what);
  };
  Reader r(raw.data(), raw.data() + raw.size());
  uint64_t n64 = r.Varint();
  // Every row needs at least one byte of period delta.
  if (!r.ok() || n64 > raw.size()) return bad("row count");
  const size_t n = n64;
  const size_t base = c->size();
  c->period.resize(base + n);
  c->vintage.resize(base + n);
  c->seq.resize(base + n);
  c->load_id.resize(base + n);
  c->value.resize(base + n);
  c->status.resize(base + n);
  c->qualifier.resize(base + n);
  c->deleted.resize(base + n);
  c->stage.resize(base + n);
  c->source.resize(base + n);
  auto fail = [&](const char* what) {
    c->period.resize(base);
    c->vintage.resize(base);
    c->seq.resize(base);
    c->load_id.resize(base);
    c->value.resize(base);
    c->status.resize(base);
    c->qualifier.resize(base);
    c->deleted.resize(base);
    c->stage.resize(base);
    c->source.resize(base);
    return bad(what);
  };
  {
    int64_t p = 0;
    int32_t* out = c->period.data() + base;
    for (size_t i = 0; i < n; ++i) {
      p += r.Varsint();
      out[i] = static_cast<int32_t>(p);
    }
    if (!r.ok()) return fail("periods");
  }
  r.Rle(n, c->vintage.data() + base, [](int64_t v) { return static_cast<int32_t>(v); });
  r.Rle(n, c->seq.data() + base, [](int64_t v) { return static_cast<uint64_t>(v); });
  r.Rle(n, c->load_id.data() + base, [](int64_t v) { return static_cast<uint64_t>(v); });
  if (!r.ok()) return fail("vintage/seq/load columns");
  // NaN mask goes into `deleted` temporarily (overwritten below).
  uint8_t* nan = c->deleted.data() + base;
  r.Rle(n, nan, [](int64_t v) { return static_cast<uint8_t>(v != 0); });
  if (!r.ok()) return fail("blank mask");
  double* val = c->value.data() + base;
  uint8_t mode = r.Byte();
  if (mode <= kMaxDecimalScale) {
    const double div = kPow10[mode];
    int64_t m = 0;
    for (size_t i = 0; i < n; ++i) {
      if (nan[i]) {
        val[i] = std::numeric_limits<double>::quiet_NaN();
        continue;
      }
      m = static_cast<int64_t>(static_cast<uint64_t>(m) + static_cast<uint64_t>(r.Varsint()));
      val[i] = static_cast<double>(m) / div;
    }
  } else if (mode == kValuesXor) {
    uint64_t prev = 0;
    for (size_t i = 0; i < n; ++i) {
      if (nan[i]) {
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
  r.Rle(n, c->status.data() + base, [](int64_t v) { return static_cast<uint8_t>(v); });
  r.Rle(n, c->qualifier.data() + base, [](int64_t v) { return static_cast<uint8_t>(v); });
  r.Rle(n, c->deleted.data() + base, [](int64_t v) { return static_cast<uint8_t>(v != 0); });
  if (!r.ok()) return fail("status columns");
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
    std::string_view s = r.Bytes(len);
    if (!r.ok()) return fail("dictionary");
    map[i] = c->InternString(s);
  }
  const uint64_t limit = nstrings;
  bool range_ok = true;
  auto conv = [&](int64_t v) {
    if (v < 0 || static_cast<uint64_t>(v) > limit) {
      range_ok = false;
      return uint32_t{0};
    }
    return map[v];
  };
  r.Rle(n, c->stage.data() + base, conv);
  r.Rle(n, c->source.data() + base, conv);
  if (!r.ok() || !range_ok) return fail("stage/source columns");
  if (!r.at_end()) return fail("trailing bytes");
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
  strings.resize(1);
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
}

void VersionColumns::AppendRow(const VersionColumns& src, size_t i) {
  PushRow(src.period[i], src.vintage[i], src.seq[i], src.load_id[i], src.value[i], src.status[i],
          src.qualifier[i], src.deleted[i],
          src.stage[i] ? InternString(src.strings[src.stage[i]]) : 0,
          src.source[i] ? InternString(src.strings[src.source[i]]) : 0);
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
  }
  *this = std::move(out);
}

uint32_t Crc32(std::string_view data) {
  (void)kCrcInit;
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) c = kCrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
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
  if (ZSTD_isError(z) || z + 1 >= scratch->size() + 5) {
    // Raw is smaller (tiny chunks) or zstd failed: store raw with our own checksum.
    out->assign(1, static_cast<char>(kChunkRaw));
    out->append(*scratch);
    uint32_t crc = Crc32(*scratch);
    char b[4] = {static_cast<char>(crc), static_cast<char>(crc >> 8), static_cast<char>(crc >> 16),
                 static_cast<char>(crc >> 24)};
    out->append(b, 4);
    return;
  }
  out->resize(1 + z);
}

Status DecodeChunk(std::string_view blob, VersionColumns* cols, std::string* scratch) {
  if (blob.empty()) return Status::Corruption("empty chunk");
  uint8_t tag = static_cast<uint8_t>(blob[0]);
  blob.remove_prefix(1);
  if (tag == kChunkRaw) {
    if (blob.size() < 4) return Status::Corruption("short raw chunk");
    std::string_view raw = blob.substr(0, blob.size() - 4);
    const auto* t = reinterpret_cast<const unsigned char*>(blob.data() + raw.size());
    uint32_t crc = uint32_t{t[0]} | (uint32_t{t[1]} << 8) | (uint32_t{t[2]} << 16) |
                   (uint32_t{t[3]} << 24);
    if (crc != Crc32(raw)) return Status::Corruption("chunk checksum mismatch");
    return DecodeColumns(raw, cols);
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
  return DecodeColumns(std::string_view(scratch->data(), got), cols);
}

}  // namespace ixdb::storage::internal
