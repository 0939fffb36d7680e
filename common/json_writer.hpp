#pragma once
// The one place ixdb writes JSON text: the wire protocol's messages, `--format json`, the CLI's
// load options. Written by hand rather than with a library's serializer because the output is a
// contract: strings are always valid UTF-8 (bad bytes become U+FFFD), Chinese text is not
// \u-escaped, and doubles come out in std::to_chars' shortest round-trip form, kept a double.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ixdb {

// Appends `raw` as a JSON string literal: quotes, backslashes and control characters escaped
// (\n \r \t \b \f, others \u00XX, and DEL), each byte that is not valid UTF-8 replaced by
// U+FFFD, so the output is always valid JSON. Other characters are copied as they are.
void AppendJsonString(std::string& out, std::string_view raw);

// Writes compact JSON (no whitespace) onto the end of a string, putting in the commas and
// colons:
//   JsonWriter w(out);
//   w.BeginObject().Key("ok").Bool(true).Key("rows").BeginArray().Int(1).EndArray().EndObject();
// appends {"ok":true,"rows":[1]}. A writer may start in the middle of a document (at a place
// where a value goes) and add one value there.
// REQUIRES: calls form one JSON value: every member value after its Key, End* matching
// Begin*. This is not checked. Not thread-safe; `out` must outlive the writer.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // The name of the next member of the object being written (escaped as a string).
  JsonWriter& Key(std::string_view name);

  // Escaped as AppendJsonString does.
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Uint(uint64_t value);
  // The shortest text that reads back to the same double (std::to_chars), always with a '.'
  // or an exponent so that a reader keeps it a double: 5.0, 20011.65, 1e+300. NaN and the
  // infinities, which JSON lacks, are null.
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // A number already formatted by the caller (e.g. query::FormatNumber's fixed notation).
  // REQUIRES: `text` is a JSON number.
  JsonWriter& Number(std::string_view text);
  // [item, ...] of strings.
  JsonWriter& StringArray(const std::vector<std::string>& items);

 private:
  // Puts the comma that separates this value from the previous one, if any.
  void BeforeValue();

  std::string& out_;
  // No value yet in the array or object being written (or at the writer's start).
  bool first_ = true;
  // A Key was written: the next value is its member's, after the colon.
  bool after_key_ = false;
};

}  // namespace ixdb
