#pragma once
// One input of the loader fuzzer (and of its corpus replay in the gcc build): the first byte
// chooses the options, the rest is a file's content, loaded as a dry run against an empty
// store. Every input must give a report or an error with a message: never a crash, a hang or
// an exception.
//   byte 0: bits 0-2 format (1 long, 2 wide, 3 sdmx, 4 targets, else auto), bit 3 --encoding
//   gb18030, bit 4 --codes sanitize, bit 5 --ignore-unknown-columns, bit 6 --skip-bad.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "load/loader.hpp"
#include "storage/store.hpp"

namespace ixdb::load::fuzz {

inline LoadOptions OptionsFor(uint8_t b, const std::string& scratch_dir) {
  LoadOptions o;
  static constexpr Format kFormats[] = {Format::kAuto, Format::kLong,    Format::kWide,
                                        Format::kSdmx, Format::kTargets, Format::kAuto,
                                        Format::kAuto, Format::kAuto};
  o.format = kFormats[b & 7];
  o.encoding = (b & 8) ? Encoding::kGb18030 : Encoding::kAuto;
  o.codes = (b & 16) ? CodeMode::kSanitize : CodeMode::kStrict;
  o.ignore_unknown_columns = (b & 32) != 0;
  if (b & 64) o.skip_bad_path = scratch_dir + "/rejects.txt";
  o.vintage = DateFromYmd(2024, 1, 20);
  o.dry_run = true;
  o.max_errors = 20;
  o.threads = 1;
  return o;
}

// Returns false when the loader broke its contract (an error without a message).
inline bool RunInput(storage::Store& store, std::string_view input,
                     const std::string& scratch_dir) {
  if (input.empty()) return true;
  const LoadOptions o = OptionsFor(static_cast<uint8_t>(input[0]), scratch_dir);
  auto r = LoadText(store, "fuzz.csv", std::string(input.substr(1)), o);
  if (!r.ok()) return !r.status().message().empty();
  return !FormatLoadSummary(*r).empty();
}

}  // namespace ixdb::load::fuzz
