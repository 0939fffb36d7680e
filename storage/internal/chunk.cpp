#include "storage/internal/chunk.hpp"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <numeric>

#include "storage/internal/chunk_columns.hpp"

namespace ixdb::storage::internal {

namespace {

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

void EncodeChunk(const VersionColumns& cols, ChunkLayout layout, int zstd_level, std::string* out,
                 std::string* scratch) {
  const bool packed = layout == ChunkLayout::kPacked;
  if (packed) {
    EncodePackedColumns(cols, scratch);
  } else {
    EncodeColumns(cols, scratch);
  }
  out->clear();
  size_t bound = ZSTD_compressBound(scratch->size());
  out->resize(1 + bound);
  (*out)[0] = static_cast<char>(packed ? kChunkPackedZstd : kChunkZstd);
  ZSTD_CCtx* cctx = Zstd().c;
  ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, zstd_level);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1);
  size_t z = ZSTD_compress2(cctx, out->data() + 1, bound, scratch->data(), scratch->size());
  // zstd costs ~1-2 us a frame to decompress, about as much as the rest of a read of a small
  // series: keep it only where it saves at least a fifth.
  if (ZSTD_isError(z) || (z + 1) * 5 > (scratch->size() + 5) * 4) {
    if (packed) {
      out->assign(1, static_cast<char>(kChunkPacked));
      out->append(*scratch);
      return;
    }
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
    uint32_t crc =
        uint32_t{t[0]} | (uint32_t{t[1]} << 8) | (uint32_t{t[2]} << 16) | (uint32_t{t[3]} << 24);
    if (crc != Crc32c(raw)) return Status::Corruption("chunk checksum mismatch");
    return DecodeColumns(raw, cols, run_starts);
  }
  if (tag == kChunkPacked) return DecodePackedColumns(blob, cols, run_starts);
  if (tag != kChunkZstd && tag != kChunkPackedZstd) {
    return Status::Corruption("unknown chunk tag " + std::to_string(tag));
  }
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
  const std::string_view raw(scratch->data(), got);
  return tag == kChunkPackedZstd ? DecodePackedColumns(raw, cols, run_starts)
                                 : DecodeColumns(raw, cols, run_starts);
}

}  // namespace ixdb::storage::internal
