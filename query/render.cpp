#include "query/render.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "common/json_writer.hpp"
#include "common/utf8.hpp"
#include "query/terminal_layout.hpp"

namespace ixdb::query {
namespace {

// Fixed notation reads best ("100000000", not "1e+08") as long as it stays short; outside this
// range the shortest general form (scientific) is used instead of hundreds of digits.
constexpr double kFixedMin = 1e-6;
constexpr double kFixedMax = 1e21;

// Room a number takes in CSV: the fixed form stays under 48 characters in [kFixedMin,
// kFixedMax), the general form under 25.
constexpr size_t kNumberRoom = 64;

// The bytes that make RFC 4180 quote a field: , " CR LF.
constexpr std::array<bool, 256> kQuoteByte = [] {
  std::array<bool, 256> t{};
  for (unsigned char ch : {',', '"', '\r', '\n'}) t[ch] = true;
  return t;
}();

bool NeedsCsvQuotes(std::string_view field) {
  bool quote = false;
  for (char ch : field) quote |= kQuoteByte[static_cast<unsigned char>(ch)];
  return quote;
}

// Writes the field at p (room: 2 * size + 2), quoted per RFC 4180 when it must be; returns
// the end.
char* WriteCsvField(char* p, std::string_view field) {
  if (!NeedsCsvQuotes(field)) {
    std::memcpy(p, field.data(), field.size());
    return p + field.size();
  }
  *p++ = '"';
  for (char ch : field) {
    if (ch == '"') *p++ = '"';
    *p++ = ch;
  }
  *p++ = '"';
  return p;
}

void AppendCsvField(std::string& out, std::string_view field) {
  const size_t at = out.size();
  out.resize(at + 2 * field.size() + 2);
  out.resize(static_cast<size_t>(WriteCsvField(out.data() + at, field) - out.data()));
}

// The most bytes a cell takes in CSV.
size_t CsvRoom(const Cell& c) {
  if (const auto* s = std::get_if<std::string>(&c)) return 2 * s->size() + 2;
  return kNumberRoom;
}

// The fast path of WriteNumber for published decimals: when v is the double nearest n / 10^k
// for some k <= 9 and |n| < 10^15, the shortest text that reads back as v is n's digits with
// the point k from the right (decimals of at most 15 digits map to distinct doubles, so no
// shorter one reads back as v): what to_chars prints, without its general search. Returns
// nullptr when v is not such a decimal. REQUIRES: kFixedMin <= |v| < kFixedMax.
char* WriteShortDecimal(char* p, double v) {
  static constexpr double kScale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  static constexpr uint64_t kIntScale[] = {1,      10,      100,      1000,      10000,
                                           100000, 1000000, 10000000, 100000000, 1000000000};
  const double mag = std::fabs(v);
  for (int k = 0; k <= 9; ++k) {
    const double n = std::round(mag * kScale[k]);
    if (n >= 1e15) return nullptr;
    if (n / kScale[k] != mag) continue;
    const uint64_t digits = static_cast<uint64_t>(n);
    if (v < 0) *p++ = '-';
    p = std::to_chars(p, p + 16, digits / kIntScale[k]).ptr;
    if (k == 0) return p;
    *p++ = '.';
    uint64_t frac = digits % kIntScale[k];
    for (int i = k - 1; i >= 0; --i, frac /= 10) p[i] = static_cast<char>('0' + frac % 10);
    return p + k;
  }
  return nullptr;
}

// FormatNumber(v) at p (room: kNumberRoom); returns the end. REQUIRES: v is not NaN.
char* WriteNumber(char* p, double v) {
  auto put = [p](std::string_view t) {
    std::memcpy(p, t.data(), t.size());
    return p + t.size();
  };
  if (std::isinf(v)) return put(v > 0 ? "inf" : "-inf");
  if (v == 0) return put("0");  // also -0: users never mean a signed zero
  const double mag = std::fabs(v);
  const bool fixed = mag >= kFixedMin && mag < kFixedMax;
  if (char* end = fixed ? WriteShortDecimal(p, v) : nullptr) return end;
  const std::to_chars_result r =
      fixed ? std::to_chars(p, p + kNumberRoom, v, std::chars_format::fixed)
            : std::to_chars(p, p + kNumberRoom, v);
  return r.ec == std::errc() ? r.ptr : put("nan");  // cannot fail with this room
}

// A cell as CSV at p (room: CsvRoom): empty for null and for NaN (a missing value); returns
// the end.
char* WriteCsvCell(char* p, const Cell& c) {
  if (const auto* s = std::get_if<std::string>(&c)) return WriteCsvField(p, *s);
  if (const auto* i = std::get_if<int64_t>(&c)) return std::to_chars(p, p + kNumberRoom, *i).ptr;
  const auto* d = std::get_if<double>(&c);
  return d == nullptr || std::isnan(*d) ? p : WriteNumber(p, *d);
}

}  // namespace

std::string FormatNumber(double v) {
  if (std::isnan(v)) return "nan";
  char buf[kNumberRoom];
  return std::string(buf, WriteNumber(buf, v));
}

std::string RenderText(const Table& table) { return RenderTextTable(table, TextLayout{}); }

std::string RenderCsv(const Table& table, bool bom) {
  std::string out;
  if (bom) out += "\xEF\xBB\xBF";
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (c > 0) out += ',';
    AppendCsvField(out, table.columns[c].name);
  }
  out += '\n';
  // Each row is written in place into room sized for its worst case, then trimmed: no
  // temporary string per cell.
  const size_t ncols = table.columns.size();
  out.reserve(out.size() + table.rows.size() * (ncols * 12 + 1));
  for (const auto& row : table.rows) {
    const size_t cells = std::min(ncols, row.size());
    size_t room = ncols + 1;
    for (size_t c = 0; c < cells; ++c) room += CsvRoom(row[c]);
    const size_t at = out.size();
    if (out.capacity() < at + room) out.reserve(std::max(2 * out.capacity(), at + room));
    out.resize(at + room);
    char* p = out.data() + at;
    for (size_t c = 0; c < ncols; ++c) {
      if (c > 0) *p++ = ',';
      if (c < cells) p = WriteCsvCell(p, row[c]);
    }
    *p++ = '\n';
    out.resize(static_cast<size_t>(p - out.data()));
  }
  return out;
}

namespace {

void AppendJsonRow(std::string& out, const Table& table, const std::vector<Cell>& row) {
  JsonWriter json(out);
  json.BeginObject();
  for (size_t c = 0; c < table.columns.size(); ++c) {
    json.Key(table.columns[c].name);
    const Cell* cell = c < row.size() ? &row[c] : nullptr;
    if (cell == nullptr || std::holds_alternative<std::monostate>(*cell)) {
      json.Null();
    } else if (const auto* s = std::get_if<std::string>(cell)) {
      json.String(*s);
    } else if (const auto* d = std::get_if<double>(cell)) {
      // JSON has no NaN or infinity: a missing or non-finite value is null. Finite values
      // print as the text table does (fixed notation while short), not in the wire's form.
      if (std::isfinite(*d)) {
        json.Number(FormatNumber(*d));
      } else {
        json.Null();
      }
    } else {
      json.Int(std::get<int64_t>(*cell));
    }
  }
  json.EndObject();
}

}  // namespace

std::string RenderJson(const Table& table) {
  if (table.rows.empty()) return "[]\n";
  std::string out = "[\n";
  for (size_t r = 0; r < table.rows.size(); ++r) {
    out += "  ";
    AppendJsonRow(out, table, table.rows[r]);
    out += r + 1 < table.rows.size() ? ",\n" : "\n";
  }
  out += "]\n";
  return out;
}

std::string RenderJsonLine(const Table& table) {
  std::string out = "[";
  for (size_t r = 0; r < table.rows.size(); ++r) {
    if (r > 0) out += ',';
    AppendJsonRow(out, table, table.rows[r]);
  }
  out += "]\n";
  return out;
}

}  // namespace ixdb::query
