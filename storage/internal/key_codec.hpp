#pragma once
// Byte codecs for keys and records, symmetric Put/Get pairs in the style of leveldb
// util/coding.h. Fixed-width integers in keys are big-endian so that RocksDB's bytewise order is
// numeric order (series id, then time). Signed values in keys are stored with the sign bit
// flipped so that negative numbers sort first. Varints (little-endian base 128) are only used
// inside values and chunks, never where order matters.
//
// Every Get* consumes from the front of `*in` and returns false (leaving `*in` unspecified) when
// the input is too short or malformed; it never reads past the end.
//
// The key layout is documented in docs/storage-format.md. On-disk format: do not change.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace ixdb::storage::internal {

// ---- fixed width, big-endian ------------------------------------------------------------

inline void PutFixed32BE(std::string* dst, uint32_t v) {
  char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
               static_cast<char>(v)};
  dst->append(b, 4);
}
inline void PutFixed64BE(std::string* dst, uint64_t v) {
  PutFixed32BE(dst, static_cast<uint32_t>(v >> 32));
  PutFixed32BE(dst, static_cast<uint32_t>(v));
}
inline uint32_t DecodeFixed32BE(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | uint32_t{u[3]};
}
inline uint64_t DecodeFixed64BE(const char* p) {
  return (uint64_t{DecodeFixed32BE(p)} << 32) | DecodeFixed32BE(p + 4);
}
inline bool GetFixed32BE(std::string_view* in, uint32_t* v) {
  if (in->size() < 4) return false;
  *v = DecodeFixed32BE(in->data());
  in->remove_prefix(4);
  return true;
}
inline bool GetFixed64BE(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  *v = DecodeFixed64BE(in->data());
  in->remove_prefix(8);
  return true;
}

// Signed 32-bit values (dates, period indexes) in order-preserving form.
inline void PutOrderedInt32(std::string* dst, int32_t v) {
  PutFixed32BE(dst, static_cast<uint32_t>(v) ^ 0x80000000u);
}
inline bool GetOrderedInt32(std::string_view* in, int32_t* v) {
  uint32_t u;
  if (!GetFixed32BE(in, &u)) return false;
  *v = static_cast<int32_t>(u ^ 0x80000000u);
  return true;
}

inline void PutU8(std::string* dst, uint8_t v) { dst->push_back(static_cast<char>(v)); }
inline bool GetU8(std::string_view* in, uint8_t* v) {
  if (in->empty()) return false;
  *v = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  return true;
}

// ---- varints (values only) ----------------------------------------------------------------

inline void PutVarint64(std::string* dst, uint64_t v) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  dst->append(buf, n);
}
inline void PutVarint32(std::string* dst, uint32_t v) { PutVarint64(dst, v); }

// Decodes a varint from [p, limit); returns the byte after it or nullptr if malformed.
inline const char* DecodeVarint64(const char* p, const char* limit, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && p < limit; shift += 7) {
    uint64_t byte = static_cast<unsigned char>(*p++);
    result |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      *v = result;
      return p;
    }
  }
  return nullptr;
}
inline bool GetVarint64(std::string_view* in, uint64_t* v) {
  const char* p = DecodeVarint64(in->data(), in->data() + in->size(), v);
  if (p == nullptr) return false;
  in->remove_prefix(static_cast<size_t>(p - in->data()));
  return true;
}
inline bool GetVarint32(std::string_view* in, uint32_t* v) {
  uint64_t w;
  if (!GetVarint64(in, &w) || w > UINT32_MAX) return false;
  *v = static_cast<uint32_t>(w);
  return true;
}

inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}
inline void PutVarsint64(std::string* dst, int64_t v) { PutVarint64(dst, ZigZag(v)); }
inline bool GetVarsint64(std::string_view* in, int64_t* v) {
  uint64_t u;
  if (!GetVarint64(in, &u)) return false;
  *v = UnZigZag(u);
  return true;
}

// ---- doubles and strings (values only) ----------------------------------------------------

inline void PutDouble(std::string* dst, double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  PutFixed64BE(dst, bits);
}
inline bool GetDouble(std::string_view* in, double* d) {
  uint64_t bits;
  if (!GetFixed64BE(in, &bits)) return false;
  std::memcpy(d, &bits, 8);
  return true;
}

inline void PutLengthPrefixed(std::string* dst, std::string_view s) {
  PutVarint64(dst, s.size());
  dst->append(s.data(), s.size());
}
inline bool GetLengthPrefixed(std::string_view* in, std::string_view* s) {
  uint64_t n;
  if (!GetVarint64(in, &n) || n > in->size()) return false;
  *s = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}
inline bool GetLengthPrefixed(std::string_view* in, std::string* s) {
  std::string_view v;
  if (!GetLengthPrefixed(in, &v)) return false;
  s->assign(v.data(), v.size());
  return true;
}

// ---- keys ---------------------------------------------------------------------------------
// Catalog column family: one tag byte, then the fields below. On-disk format: do not change.
inline constexpr char kTagFormat = 'F';     // "F"                          -> "ixdb" + u32 version
inline constexpr char kTagCounters = 'N';   // "N"                          -> counters record
inline constexpr char kTagCode = 'C';       // "C" + code                   -> u32 id + meta record
inline constexpr char kTagId = 'I';         // "I" + u32 id                 -> code
inline constexpr char kTagHistory = 'H';    // "H" + u32 id + u64 seq       -> meta replaced at seq
inline constexpr char kTagLoad = 'L';       // "L" + u64 load id            -> load record
inline constexpr char kTagLoadTouch = 'R';  // "R" + u64 load id + u32 id   -> u8 flags + u64 seq
inline constexpr char kTagFormula = 'D';    // "D" + code                   -> meta record (v3+)

// Each key kind below has an encoder and a parser that is its exact inverse (leveldb's
// AppendInternalKey / ParseInternalKey); nothing else decodes keys by hand.

// Obs column family: u32 series id + u64 chunk seq -> chunk.
inline constexpr size_t kObsKeySize = 12;
struct ObsKeyParts {
  uint32_t series_id = 0;
  uint64_t seq = 0;
};
inline std::string ObsKey(uint32_t series_id, uint64_t seq) {
  std::string k;
  k.reserve(kObsKeySize);
  PutFixed32BE(&k, series_id);
  PutFixed64BE(&k, seq);
  return k;
}
inline bool ParseObsKey(std::string_view k, ObsKeyParts* out) {
  return k.size() == kObsKeySize && GetFixed32BE(&k, &out->series_id) &&
         GetFixed64BE(&k, &out->seq);
}
// The prefix of every key (obs, targets) of one series.
inline std::string SeriesPrefix(uint32_t series_id) {
  std::string k;
  PutFixed32BE(&k, series_id);
  return k;
}

// Targets column family: u32 series id + u8 freq + i32 period + i32 vintage + u64 seq -> target.
inline constexpr size_t kTargetKeySize = 21;
inline constexpr size_t kTargetGroupSize = 9;     // series id + freq + period: one target
inline constexpr size_t kTargetVersionSize = 13;  // + vintage: one release of it
struct TargetKeyParts {
  uint32_t series_id = 0;
  uint8_t freq = 0;
  int32_t period = 0;
  int32_t vintage = 0;
  uint64_t seq = 0;
};
inline std::string TargetGroupPrefix(uint32_t series_id, uint8_t freq, int32_t period) {
  std::string k;
  k.reserve(kTargetKeySize);
  PutFixed32BE(&k, series_id);
  PutU8(&k, freq);
  PutOrderedInt32(&k, period);
  return k;
}
inline std::string TargetKey(uint32_t series_id, uint8_t freq, int32_t period, int32_t vintage,
                             uint64_t seq) {
  std::string k = TargetGroupPrefix(series_id, freq, period);
  PutOrderedInt32(&k, vintage);
  PutFixed64BE(&k, seq);
  return k;
}
inline std::string TargetKey(const TargetKeyParts& p) {
  return TargetKey(p.series_id, p.freq, p.period, p.vintage, p.seq);
}
inline bool ParseTargetKey(std::string_view k, TargetKeyParts* out) {
  if (k.size() != kTargetKeySize) return false;
  GetFixed32BE(&k, &out->series_id);
  GetU8(&k, &out->freq);
  GetOrderedInt32(&k, &out->period);
  GetOrderedInt32(&k, &out->vintage);
  GetFixed64BE(&k, &out->seq);
  return out->freq == 1 || out->freq == 4 || out->freq == 12;
}

// Vintage index column family: i32 vintage + u32 series id -> "" (the series has versions of
// that vintage).
inline constexpr size_t kVintageKeySize = 8;
inline std::string VintagePrefix(int32_t vintage) {
  std::string k;
  PutOrderedInt32(&k, vintage);
  return k;
}
inline std::string VintageKey(int32_t vintage, uint32_t series_id) {
  std::string k = VintagePrefix(vintage);
  PutFixed32BE(&k, series_id);
  return k;
}
inline bool ParseVintageKey(std::string_view k, int32_t* vintage, uint32_t* series_id) {
  return k.size() == kVintageKeySize && GetOrderedInt32(&k, vintage) && GetFixed32BE(&k, series_id);
}

inline std::string CatalogKey(char tag, std::string_view rest = {}) {
  std::string k(1, tag);
  k.append(rest.data(), rest.size());
  return k;
}
inline std::string IdKey(char tag, uint32_t id) {
  std::string k(1, tag);
  PutFixed32BE(&k, id);
  return k;
}
// "H" + u32 id + u64 seq: the metadata a write at `seq` replaced.
inline std::string HistoryKey(uint32_t id, uint64_t seq) {
  std::string k = IdKey(kTagHistory, id);
  PutFixed64BE(&k, seq);
  return k;
}
// "L" + u64 load id.
inline std::string LoadKey(uint64_t load_id) {
  std::string k(1, kTagLoad);
  PutFixed64BE(&k, load_id);
  return k;
}
// "R" + u64 load id (+ u32 series id): the series a load touched.
inline std::string LoadTouchPrefix(uint64_t load_id) {
  std::string k(1, kTagLoadTouch);
  PutFixed64BE(&k, load_id);
  return k;
}
inline std::string LoadTouchKey(uint64_t load_id, uint32_t series_id) {
  std::string k = LoadTouchPrefix(load_id);
  PutFixed32BE(&k, series_id);
  return k;
}
inline bool ParseLoadTouchKey(std::string_view k, uint64_t* load_id, uint32_t* series_id) {
  return k.size() == 13 && k[0] == kTagLoadTouch && (k.remove_prefix(1), true) &&
         GetFixed64BE(&k, load_id) && GetFixed32BE(&k, series_id);
}

}  // namespace ixdb::storage::internal
