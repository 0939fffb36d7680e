#pragma once
// Rice-coded integer columns: the integer columns of packed chunks (chunk tag 2, 3). A column of
// `count` unsigned integers (the reader knows the count) is:
//   u8 mode 0: every value equal: varint value
//   u8 mode 1: blocks of kRiceBlock values (the last one shorter), each: u8 kRiceZeros (every
//              value of the block 0, no bits), or u8 k (0..kRiceMaxK) then the values' Rice
//              codes as a bit stream (least significant bit first), padded with zero bits to a
//              whole byte. The code of u: q = u >> k; if q < kRiceEscape, q one-bits, a zero-bit,
//              then the k low bits of u; else kRiceEscape one-bits, 6 bits of w - 1 where w is
//              the bit width of u, then the w bits of u (an outlier costs 30 + w bits, not a long
//              unary).
// A value costs about log2(mean) + 1.5 bits: a varint costs whole bytes of 7 bits each, which is
// what the decimal-scaled values of a chunk (15-17 significant bits) lost most.
// On-disk format: do not change (docs/storage-format.md, "Packed columns").

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace ixdb::storage::internal {

inline constexpr uint8_t kRiceConstant = 0;
inline constexpr uint8_t kRiceBlocks = 1;
inline constexpr size_t kRiceBlock = 64;
inline constexpr int kRiceMaxK = 56;
inline constexpr int kRiceEscape = 24;
inline constexpr uint8_t kRiceZeros = 0xFF;

// Appends the column of `count` values u[0..count) to *out (nothing when count is 0).
void PutRiceColumn(const uint64_t* u, size_t count, std::string* out);
inline void PutRiceColumn(const std::vector<uint64_t>& u, std::string* out) {
  PutRiceColumn(u.data(), u.size(), out);
}

// Decodes a column of `count` values from [*p, limit), calling emit(i, u) for i = 0..count-1
// in order, and advances *p past it. False on malformed or truncated input (emit may have been
// called for some values then).
template <typename Emit>
bool GetRiceColumn(const char** p, const char* limit, size_t count, Emit emit);

// ---------------------------------------------------------------------------------------------
// Implementation of the decoder (a template: it runs inside every chunk decode).

namespace rice_detail {

// Bits [bit, bit + 57) of [begin, limit) as the low bits of the result (zeros past the end).
inline uint64_t Peek(const unsigned char* begin, const unsigned char* limit, uint64_t bit) {
  const unsigned char* q = begin + (bit >> 3);
  uint64_t w = 0;
  if (limit - q >= 8) {
    std::memcpy(&w, q, 8);  // little-endian hosts only (x86-64, aarch64)
  } else {
    for (int b = 0; q + b < limit; ++b) w |= uint64_t{q[b]} << (8 * b);
  }
  return w >> (bit & 7);
}

}  // namespace rice_detail

template <typename Emit>
bool GetRiceColumn(const char** p, const char* limit, size_t count, Emit emit) {
  if (count == 0) return true;
  const auto* pos = reinterpret_cast<const unsigned char*>(*p);
  const auto* end = reinterpret_cast<const unsigned char*>(limit);
  if (pos >= end) return false;
  const uint8_t mode = *pos++;
  if (mode == kRiceConstant) {
    uint64_t v = 0;
    int shift = 0;
    while (true) {
      if (pos >= end || shift > 63) return false;
      const uint8_t b = *pos++;
      v |= uint64_t{static_cast<uint8_t>(b & 0x7F)} << shift;
      if (b < 0x80) break;
      shift += 7;
    }
    for (size_t i = 0; i < count; ++i) emit(i, v);
    *p = reinterpret_cast<const char*>(pos);
    return true;
  }
  if (mode != kRiceBlocks) return false;
  for (size_t start = 0; start < count; start += kRiceBlock) {
    if (pos >= end) return false;
    const int k = *pos++;
    const size_t stop = std::min(count, start + kRiceBlock);
    if (k == kRiceZeros) {
      for (size_t i = start; i < stop; ++i) emit(i, uint64_t{0});
      continue;
    }
    if (k > kRiceMaxK) return false;
    const uint64_t limit_bits = static_cast<uint64_t>(end - pos) * 8;
    const uint64_t kmask = k == 0 ? 0 : (~uint64_t{0} >> (64 - k));
    uint64_t bit = 0;
    for (size_t i = start; i < stop; ++i) {
      uint64_t w = rice_detail::Peek(pos, end, bit);
      const int q = std::countr_one(w);
      uint64_t u;
      if (q < kRiceEscape) {
        if (q + 1 + k <= 57) {
          u = (static_cast<uint64_t>(q) << k) | ((w >> (q + 1)) & kmask);
        } else {
          w = rice_detail::Peek(pos, end, bit + q + 1);
          u = (static_cast<uint64_t>(q) << k) | (w & kmask);
        }
        bit += static_cast<uint64_t>(q + 1 + k);
      } else {
        const int w = static_cast<int>(rice_detail::Peek(pos, end, bit + kRiceEscape) & 63) + 1;
        bit += kRiceEscape + 6;
        const int lo_bits = std::min(w, 32);
        u = rice_detail::Peek(pos, end, bit) & (~uint64_t{0} >> (64 - lo_bits));
        if (w > 32) {
          u |= (rice_detail::Peek(pos, end, bit + 32) & (~uint64_t{0} >> (96 - w))) << 32;
        }
        bit += static_cast<uint64_t>(w);
      }
      if (bit > limit_bits) return false;
      emit(i, u);
    }
    pos += (bit + 7) >> 3;
  }
  *p = reinterpret_cast<const char*>(pos);
  return true;
}

}  // namespace ixdb::storage::internal
