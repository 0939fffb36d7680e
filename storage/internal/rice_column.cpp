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
  return q < kRiceEscape ? q + 1 + static_cast<uint64_t>(k)
                         : kRiceEscape + 6 + static_cast<uint64_t>(std::bit_width(u));
}

// The k with the fewest bits for the block, among those near the median bit width (an outlier,
// such as the first value of a column, must not drive k up as it would drive up the mean).
int ChooseK(const uint64_t* u, size_t n) {
  int widths[65] = {};
  for (size_t i = 0; i < n; ++i) ++widths[std::bit_width(u[i])];
  int median = 0;
  for (size_t seen = 0; median < 64; ++median) {
    seen += static_cast<size_t>(widths[median]);
    if (seen * 2 >= n) break;
  }
  int best_k = 0;
  uint64_t best = ~uint64_t{0};
  for (int k = std::max(0, median - 2); k <= std::min(kRiceMaxK, median + 1); ++k) {
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
    if (std::all_of(b, b + n, [](uint64_t v) { return v == 0; })) {
      PutU8(out, kRiceZeros);
      continue;
    }
    const int k = ChooseK(b, n);
    PutU8(out, static_cast<uint8_t>(k));
    const uint64_t kmask = k == 0 ? 0 : (~uint64_t{0} >> (64 - k));
    for (size_t i = 0; i < n; ++i) {
      const uint64_t q = b[i] >> k;
      if (q < kRiceEscape) {
        w.Put((uint64_t{1} << q) - 1, static_cast<int>(q) + 1);  // q ones, then a zero
        if (k > 0) w.Put(b[i] & kmask, k);
      } else {
        const int width = std::bit_width(b[i]);
        w.Put((uint64_t{1} << kRiceEscape) - 1, kRiceEscape);
        w.Put(static_cast<uint64_t>(width - 1), 6);
        w.Put(b[i] & (~uint64_t{0} >> (64 - std::min(width, 32))), std::min(width, 32));
        if (width > 32) w.Put(b[i] >> 32, width - 32);
      }
    }
    w.Finish();
  }
}

}  // namespace ixdb::storage::internal
