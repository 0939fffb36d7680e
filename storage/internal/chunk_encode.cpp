// EncodeColumns and EncodePackedColumns (chunk_columns.hpp), cut along the columns in the order
// they are stored.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "storage/internal/chunk_columns.hpp"
#include "storage/internal/key_codec.hpp"
#include "storage/internal/rice_column.hpp"

namespace ixdb::storage::internal {

namespace {

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

inline uint8_t MakeFlags(const VersionColumns& c, size_t i) {
  return static_cast<uint8_t>(
      (c.status[i] & kFlagStatusMask) | ((c.qualifier[i] & 3) << kFlagQualifierShift) |
      (c.deleted[i] ? kFlagDeleted : 0) | (std::isnan(c.value[i]) ? kFlagBlank : 0));
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

// A distinct version of a chunk (one run), ordered as the runs are stored.
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

// Distinct versions, ascending.
std::vector<Ver> DistinctVersions(const VersionColumns& c) {
  const size_t n = c.size();
  std::vector<Ver> dict;
  for (size_t i = 0; i < n; ++i) {
    Ver v{c.vintage[i], c.seq[i], c.load_id[i]};
    if (dict.empty() || !(dict.back() == v)) dict.push_back(v);
  }
  std::sort(dict.begin(), dict.end());
  dict.erase(std::unique(dict.begin(), dict.end()), dict.end());
  return dict;
}

// Row order: by run, then by period (input rows are sorted by period, so a counting sort by
// run keeps each run sorted). Run k is order[count[k] .. count[k + 1]).
void OrderByRun(const VersionColumns& c, const std::vector<Ver>& dict,
                std::vector<uint32_t>* count_out, std::vector<uint32_t>* order_out) {
  const size_t n = c.size();
  const size_t m = dict.size();
  std::vector<uint32_t>& count = *count_out;
  std::vector<uint32_t>& order = *order_out;
  std::vector<uint32_t> run_of(n);
  count.assign(m + 1, 0);
  order.resize(n);
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
}

void PutRunHeaders(const VersionColumns& c, const std::vector<Ver>& dict,
                   const std::vector<uint32_t>& count, const std::vector<uint32_t>& order,
                   std::string* out) {
  const size_t m = dict.size();
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
}

void PutPeriodGaps(const VersionColumns& c, const std::vector<uint32_t>& count,
                   const std::vector<uint32_t>& order, std::string* out) {
  const size_t n = c.size();
  const size_t m = count.size() - 1;
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

// How the values are stored: the smallest decimal scale k <= 6 at which most values are exact
// integers; the others become exceptions (raw bits). Too many exceptions: XOR encoding of all
// values. Fills the flag byte of every row (in stored order).
struct ValueLayout {
  std::vector<uint8_t> flags;
  std::vector<int64_t> scaled;  // the value times 10^scale (decimal rows only)
  int scale = 0;
  bool use_xor = false;
};

ValueLayout ChooseValueLayout(const VersionColumns& c, const std::vector<uint32_t>& order) {
  const size_t n = c.size();
  ValueLayout layout;
  std::vector<uint8_t>& flags = layout.flags;
  flags.resize(n);
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
  std::vector<int64_t>& scaled = layout.scaled;
  scaled.assign(n, 0);
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
  layout.scale = k;
  layout.use_xor = use_xor;
  return layout;
}

void PutFlagsColumn(const std::vector<uint8_t>& flags, std::string* out) {
  const size_t n = flags.size();
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
}

void PutDecimalValues(const VersionColumns& c, const std::vector<uint32_t>& order,
                      const ValueLayout& layout, std::string* out) {
  const size_t n = c.size();
  const std::vector<uint8_t>& flags = layout.flags;
  PutU8(out, static_cast<uint8_t>(layout.scale));
  int64_t prev_m = 0;
  for (size_t j = 0; j < n; ++j) {
    if (flags[j] & (kFlagBlank | kFlagException)) continue;
    const int64_t mm = layout.scaled[j];
    PutVarsint64(out,
                 static_cast<int64_t>(static_cast<uint64_t>(mm) - static_cast<uint64_t>(prev_m)));
    prev_m = mm;
  }
  for (size_t j = 0; j < n; ++j) {
    if (!(flags[j] & kFlagException)) continue;
    uint64_t bits;
    std::memcpy(&bits, &c.value[order[j]], 8);
    PutFixed64LE(out, bits);
  }
}

void PutXorValues(const VersionColumns& c, const std::vector<uint32_t>& order,
                  const std::vector<uint8_t>& flags, std::string* out) {
  const size_t n = c.size();
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

// The strings and the stage and source index columns.
void PutStringColumns(const VersionColumns& c, const std::vector<uint32_t>& order,
                      std::string* out) {
  const size_t n = c.size();
  PutVarint64(out, c.strings.size() - 1);
  for (size_t i = 1; i < c.strings.size(); ++i) PutLengthPrefixed(out, c.strings[i]);
  std::vector<uint32_t> ix(n);
  for (size_t j = 0; j < n; ++j) ix[j] = c.stage[order[j]];
  PutIndexColumn(out, ix);
  for (size_t j = 0; j < n; ++j) ix[j] = c.source[order[j]];
  PutIndexColumn(out, ix);
}

// The optional extent column: present only when some row covers several periods.
void PutExtentColumn(const VersionColumns& c, const std::vector<uint32_t>& order,
                     std::string* out) {
  const size_t n = c.size();
  if (!c.extent.empty() &&
      std::any_of(c.extent.begin(), c.extent.end(), [](uint8_t e) { return e != 0; })) {
    std::vector<uint32_t> ix(n);
    for (size_t j = 0; j < n; ++j) ix[j] = c.extent[order[j]];
    PutU8(out, kExtentRle);
    PutRle(out, ix);
  }
}

// A delta column of the packed layout: varsint x[0], then a Rice column of the zigzag deltas
// x[i] - x[i-1] (a first value of thousands would otherwise cost an escape in every column).
void PutPackedDeltas(const std::vector<int64_t>& x, std::string* out) {
  if (x.empty()) return;
  PutVarsint64(out, x[0]);
  std::vector<uint64_t> u(x.size() - 1);
  for (size_t i = 1; i < x.size(); ++i) {
    u[i - 1] =
        ZigZag(static_cast<int64_t>(static_cast<uint64_t>(x[i]) - static_cast<uint64_t>(x[i - 1])));
  }
  PutRiceColumn(u, out);
}

// The run headers of the packed layout: four delta columns and a Rice column of m values each.
void PutPackedRunHeaders(const VersionColumns& c, const std::vector<Ver>& dict,
                         const std::vector<uint32_t>& count, const std::vector<uint32_t>& order,
                         std::string* out) {
  const size_t m = dict.size();
  std::vector<int64_t> x(m);
  for (size_t k = 0; k < m; ++k) x[k] = dict[k].vintage;
  PutPackedDeltas(x, out);
  for (size_t k = 0; k < m; ++k) x[k] = static_cast<int64_t>(dict[k].seq);
  PutPackedDeltas(x, out);
  for (size_t k = 0; k < m; ++k) x[k] = static_cast<int64_t>(dict[k].load);
  PutPackedDeltas(x, out);
  std::vector<uint64_t> rows(m);
  for (size_t k = 0; k < m; ++k) rows[k] = count[k + 1] - count[k] - 1;
  PutRiceColumn(rows, out);
  for (size_t k = 0; k < m; ++k) x[k] = c.period[order[count[k]]];
  PutPackedDeltas(x, out);
}

void PutPackedPeriodGaps(const VersionColumns& c, const std::vector<uint32_t>& count,
                         const std::vector<uint32_t>& order, std::string* out) {
  const size_t m = count.size() - 1;
  std::vector<uint64_t> gaps;
  gaps.reserve(c.size() - m);
  for (size_t k = 0; k < m; ++k) {
    for (uint32_t j = count[k] + 1; j < count[k + 1]; ++j) {
      gaps.push_back(static_cast<uint64_t>(static_cast<int64_t>(c.period[order[j]]) -
                                           c.period[order[j - 1]] - 1));
    }
  }
  PutRiceColumn(gaps, out);
}

void PutPackedDecimalValues(const VersionColumns& c, const std::vector<uint32_t>& order,
                            const ValueLayout& layout, std::string* out) {
  const size_t n = c.size();
  const std::vector<uint8_t>& flags = layout.flags;
  PutU8(out, static_cast<uint8_t>(layout.scale));
  std::vector<int64_t> x;
  x.reserve(n);
  for (size_t j = 0; j < n; ++j) {
    if (!(flags[j] & (kFlagBlank | kFlagException))) x.push_back(layout.scaled[j]);
  }
  PutPackedDeltas(x, out);
  for (size_t j = 0; j < n; ++j) {
    if (!(flags[j] & kFlagException)) continue;
    uint64_t bits;
    std::memcpy(&bits, &c.value[order[j]], 8);
    PutFixed64LE(out, bits);
  }
}

}  // namespace

namespace {

// Both layouts share the order of the columns and their flags, strings and extent.
void Encode(const VersionColumns& c, bool packed, std::string* out, ColumnBytes* bytes) {
  const size_t n = c.size();
  out->clear();
  size_t mark = 0;
  auto count = [&](size_t ColumnBytes::*part) {
    if (bytes != nullptr) bytes->*part += out->size() - mark;
    mark = out->size();
  };
  PutVarint64(out, n);
  if (n == 0) return count(&ColumnBytes::header);
  const std::vector<Ver> dict = DistinctVersions(c);
  std::vector<uint32_t> run_count, order;
  OrderByRun(c, dict, &run_count, &order);
  PutVarint64(out, dict.size());
  count(&ColumnBytes::header);
  if (packed) {
    PutPackedRunHeaders(c, dict, run_count, order, out);
    count(&ColumnBytes::runs);
    PutPackedPeriodGaps(c, run_count, order, out);
  } else {
    PutRunHeaders(c, dict, run_count, order, out);
    count(&ColumnBytes::runs);
    PutPeriodGaps(c, run_count, order, out);
  }
  count(&ColumnBytes::periods);
  const ValueLayout layout = ChooseValueLayout(c, order);
  PutFlagsColumn(layout.flags, out);
  count(&ColumnBytes::flags);
  if (layout.use_xor) {
    PutXorValues(c, order, layout.flags, out);
  } else if (packed) {
    PutPackedDecimalValues(c, order, layout, out);
  } else {
    PutDecimalValues(c, order, layout, out);
  }
  if (bytes != nullptr && !layout.use_xor) {
    const size_t raw =
        8 * static_cast<size_t>(std::count_if(layout.flags.begin(), layout.flags.end(),
                                              [](uint8_t f) { return (f & kFlagException) != 0; }));
    bytes->exceptions += raw;
    mark += raw;
  }
  count(&ColumnBytes::values);
  PutStringColumns(c, order, out);
  count(&ColumnBytes::strings);
  PutExtentColumn(c, order, out);
  count(&ColumnBytes::extent);
}

}  // namespace

void EncodeColumns(const VersionColumns& c, std::string* out, ColumnBytes* bytes) {
  Encode(c, /*packed=*/false, out, bytes);
}

void EncodePackedColumns(const VersionColumns& c, std::string* out, ColumnBytes* bytes) {
  Encode(c, /*packed=*/true, out, bytes);
}

}  // namespace ixdb::storage::internal
