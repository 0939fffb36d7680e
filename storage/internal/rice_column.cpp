// PutRiceColumn (rice_column.hpp): the encoder of Rice-coded integer columns.
#include "storage/internal/rice_column.hpp"

#include <algorithm>

#include "storage/internal/key_codec.hpp"

namespace ixdb::storage::internal {

namespace {

// Bit stream, least significant bit first, appended to a string.
class BitWriter {
 public:
  explicit BitWriter(std::string* out) : out_(out) {}
  // REQUIRES: bits <= 56, v < 2^bits.
  void Put(uint64_t v, int bits) {
    acc_ |= v << pending_;
    pending_ += bits;
    while (pending_ >= 8) {
      out_->push_back(static_cast<char>(acc_ & 0xFF));
      acc_ >>= 8;
      pending_ -= 8;
    }
  }
  // Pads the last byte with zero bits.
  void Finish() {
    if (pending_ > 0) out_->push_back(static_cast<char>(acc_ & 0xFF));
    acc_ = 0;
    pending_ = 0;
  }

 private:
  std::string* out_;
  uint64_t acc_ = 0;
  int pending_ = 0;  // < 8 between calls
};

uint64_t CodeBits(uint64_t u, int k) {
  const uint64_t q = u >> k;
  return q < kRiceEscape ? q + 1 + static_cast<uint64_t>(k) : kRiceEscape + 64;
}

// The k with the fewest bits for the block: near log2 of the mean (optimal for a geometric
// distribution), checked one step either side.
int ChooseK(const uint64_t* u, size_t n) {
  unsigned __int128 sum = 0;
  for (size_t i = 0; i < n; ++i) sum += u[i];
  const uint64_t mean = static_cast<uint64_t>(sum / n);
  const int guess = mean == 0 ? 0 : std::bit_width(mean) - 1;
  int best_k = 0;
  uint64_t best = ~uint64_t{0};
  for (int k = std::max(0, guess - 1); k <= std::min(kRiceMaxK, guess + 1); ++k) {
    uint64_t bits = 0;
    for (size_t i = 0; i < n; ++i) bits += CodeBits(u[i], k);
    if (bits < best) {
      best = bits;
      best_k = k;
    }
  }
  return best_k;
}

}  // namespace

void PutRiceColumn(const uint64_t* u, size_t count, std::string* out) {
  if (count == 0) return;
  if (std::all_of(u, u + count, [&](uint64_t v) { return v == u[0]; })) {
    PutU8(out, kRiceConstant);
    PutVarint64(out, u[0]);
    return;
  }
  PutU8(out, kRiceBlocks);
  BitWriter w(out);
  for (size_t start = 0; start < count; start += kRiceBlock) {
    const size_t n = std::min(kRiceBlock, count - start);
    const uint64_t* b = u + start;
    const int k = ChooseK(b, n);
    PutU8(out, static_cast<uint8_t>(k));
    const uint64_t kmask = k == 0 ? 0 : (~uint64_t{0} >> (64 - k));
    for (size_t i = 0; i < n; ++i) {
      const uint64_t q = b[i] >> k;
      if (q < kRiceEscape) {
        w.Put((uint64_t{1} << q) - 1, static_cast<int>(q) + 1);  // q ones, then a zero
        if (k > 0) w.Put(b[i] & kmask, k);
      } else {
        w.Put((uint64_t{1} << kRiceEscape) - 1, kRiceEscape);
        w.Put(b[i] & 0xFFFFFFFFu, 32);
        w.Put(b[i] >> 32, 32);
      }
    }
    w.Finish();
  }
}

}  // namespace ixdb::storage::internal
