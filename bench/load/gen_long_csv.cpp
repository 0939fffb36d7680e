// Deterministic generator of the load benchmark's long CSV (issue 4, bench/load):
//   indicator,period,vintage,value
// ~56k series (700 regions x 80 indicators): a quarter annual, a quarter quarterly, half
// monthly, each starting in a year between 1995 and 2010, levels growing ~5%/yr with noise,
// 3 decimals. Vintage 2025-01-15 has everything up to 2024; then 12 monthly vintages
// (2025-02-15 .. 2026-01-15) each revise ~10% of the last two years' values by up to +-1% and
// add the periods completed since the previous vintage.
//
// usage: gen_long_csv OUT.csv [REGIONS=700] [INDICATORS=80]
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace {

uint64_t Mix(uint64_t x) {  // splitmix64 finaliser
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}
double Unit(uint64_t h) { return static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0); }

struct Series {
  std::string code;
  int ppy;    // periods per year: 1, 4, 12
  int first;  // first period index (year*ppy + sub)
  double base;
  std::vector<int64_t> milli;  // current value of each period since `first`, in thousandths
};

class Out {
 public:
  explicit Out(FILE* f) : f_(f) { buf_.reserve(1 << 22); }
  ~Out() { Flush(); }
  void Put(const char* s, size_t n) {
    buf_.append(s, n);
    if (buf_.size() > (1 << 22) - 256) Flush();
  }
  void Put(const std::string& s) { Put(s.data(), s.size()); }
  void Char(char c) { buf_ += c; }
  void Int(int64_t v, int min_digits = 1) {
    char tmp[24];
    int n = 0;
    bool neg = v < 0;
    uint64_t u = neg ? static_cast<uint64_t>(-v) : static_cast<uint64_t>(v);
    do {
      tmp[n++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u != 0 || n < min_digits);
    if (neg) buf_ += '-';
    while (n > 0) buf_ += tmp[--n];
  }
  void Flush() {
    fwrite(buf_.data(), 1, buf_.size(), f_);
    buf_.clear();
  }

 private:
  FILE* f_;
  std::string buf_;
};

void Period(Out& out, int ppy, int index) {
  const int year = index / ppy, sub = index % ppy + 1;
  out.Int(year);
  if (ppy == 4) {
    out.Char('Q');
    out.Int(sub);
  } else if (ppy == 12) {
    out.Char('-');
    out.Int(sub, 2);
  }
}

void Row(Out& out, const Series& s, int index, const char* vintage, int64_t milli) {
  out.Put(s.code);
  out.Char(',');
  Period(out, s.ppy, index);
  out.Char(',');
  out.Put(vintage, 10);
  out.Char(',');
  out.Int(milli / 1000);
  out.Char('.');
  out.Int(milli % 1000, 3);
  out.Char('\n');
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: gen_long_csv OUT.csv [REGIONS=700] [INDICATORS=80]\n");
    return 2;
  }
  const int regions = argc > 2 ? std::atoi(argv[2]) : 700;
  const int indicators = argc > 3 ? std::atoi(argv[3]) : 80;
  FILE* f = std::fopen(argv[1], "wb");
  if (f == nullptr) {
    std::perror(argv[1]);
    return 1;
  }
  std::vector<Series> series;
  series.reserve(static_cast<size_t>(regions) * indicators);
  for (int r = 0; r < regions; ++r) {
    for (int i = 0; i < indicators; ++i) {
      Series s;
      char code[32];
      std::snprintf(code, sizeof code, "r%03d_i%02d", r, i);
      s.code = code;
      const uint64_t h = Mix(static_cast<uint64_t>(r) * 1000 + i);
      const int kind = static_cast<int>(h % 4);  // 0 annual, 1 quarterly, 2-3 monthly
      s.ppy = kind == 0 ? 1 : kind == 1 ? 4 : 12;
      s.first = (1995 + static_cast<int>((h >> 8) % 16)) * s.ppy;
      s.base = 100 + Unit(Mix(h)) * 9900;
      series.push_back(std::move(s));
    }
  }
  Out out(f);
  out.Put(std::string("indicator,period,vintage,value\n"));
  uint64_t rows = 0;
  // The value of period `index` when first published.
  auto first_value = [](const Series& s, int index) {
    const double years = static_cast<double>(index - s.first) / s.ppy;
    const double noise =
        1 + (Unit(Mix(std::hash<std::string>{}(s.code) ^ (index * 7919ULL))) - 0.5) * 0.04;
    return static_cast<int64_t>(
        std::llround(s.base * std::pow(1.05, years) * noise / s.ppy * 1000));
  };
  // Vintage 0: everything up to December 2024.
  const char* v0 = "2025-01-15";
  for (Series& s : series) {
    const int last = 2024 * s.ppy + s.ppy - 1;
    for (int p = s.first; p <= last; ++p) {
      s.milli.push_back(first_value(s, p));
      Row(out, s, p, v0, s.milli.back());
      ++rows;
    }
  }
  // 12 monthly vintages: 2025-02-15 .. 2026-01-15. Vintage k knows months up to 2025-(k).
  for (int k = 1; k <= 12; ++k) {
    char vintage[16];
    const int vmonth = 2025 * 12 + k;  // month index of the vintage: Feb 2025 .. Jan 2026
    std::snprintf(vintage, sizeof vintage, "%04d-%02d-15", vmonth / 12, vmonth % 12 + 1);
    const int known_month = vmonth - 1;  // the last completed month
    for (size_t si = 0; si < series.size(); ++si) {
      Series& s = series[si];
      const int known = s.ppy == 12  ? known_month
                        : s.ppy == 4 ? (known_month + 1) / 3 - 1
                                     : (known_month + 1) / 12 - 1;
      const int last_before = s.first + static_cast<int>(s.milli.size()) - 1;
      // Revise ~10% of the last two years' values (as known before this vintage).
      const int from = std::max(s.first, last_before - 2 * s.ppy + 1);
      for (int p = from; p <= last_before; ++p) {
        const uint64_t h =
            Mix((si << 20) ^ (static_cast<uint64_t>(p) << 4) ^ static_cast<uint64_t>(k));
        if (Unit(h) >= 0.10) continue;
        int64_t& v = s.milli[p - s.first];
        const double factor = 1 + (Unit(Mix(h)) * 2 - 1) * 0.01;
        int64_t nv = static_cast<int64_t>(std::llround(static_cast<double>(v) * factor));
        if (nv == v) nv += 1;
        v = nv;
        Row(out, s, p, vintage, v);
        ++rows;
      }
      // Newly completed periods.
      for (int p = last_before + 1; p <= known; ++p) {
        s.milli.push_back(first_value(s, p));
        Row(out, s, p, vintage, s.milli.back());
        ++rows;
      }
    }
  }
  out.Flush();
  std::fclose(f);
  std::fprintf(stderr, "%llu rows, %zu series\n", static_cast<unsigned long long>(rows),
               series.size());
  return 0;
}
