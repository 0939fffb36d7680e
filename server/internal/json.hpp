#pragma once
// Reading and re-writing JSON for the wire protocol, over Boost.JSON. Internal to server/ (the
// protocol, the op table and the ops); Boost.JSON's types stay behind this header, and its
// implementation is compiled once, in json.cpp (it is header-only).

#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <string_view>

#include "common/json_writer.hpp"
#include "common/status.hpp"

namespace ixdb::server::internal {

// Nesting depth beyond which a text is rejected (a request needs 4 levels).
inline constexpr size_t kMaxJsonDepth = 32;

// Parses one complete JSON text (whitespace around it allowed, nothing else). Numbers are read
// exactly (Boost.JSON 1.81's own double parsing can be one ulp off). InvalidArgument names the
// byte offset of the error ("malformed JSON at byte 14: ..."); LimitExceeded when out of memory.
Status ParseJson(std::string_view text, boost::json::value* out);

// "null", "a boolean", "a number", "a string", "an array", "an object": for messages that say
// what was found instead.
std::string_view KindName(boost::json::kind kind);

// Reads obj[key] as a string into *out. Absent: OK (out unchanged) unless `required`. Wrong type
// or missing: InvalidArgument naming the member by `where`, its path for messages (e.g.
// "files[2].name").
Status GetString(const boost::json::object& obj, std::string_view key, std::string_view where,
                 bool required, std::string* out);

// Writes a parsed value back out (doubles in the writer's shortest form).
void WriteValue(JsonWriter& out, const boost::json::value& value);

}  // namespace ixdb::server::internal
