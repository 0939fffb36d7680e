// Replays the loader fuzzer's seed corpus (tests/load/fuzz/corpus) in the ordinary (gcc) build,
// and every example file under each option byte: a report or an error with a message, never a
// crash; nothing is written.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/load/fuzz/loader_fuzz_input.hpp"
#include "tests/load/load_test_util.hpp"

namespace {

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("Loader fuzz corpus: every input loads (dry) or fails with a message", "[load]") {
  ixdb::test::LoadTestStore t;
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(IXDB_LOAD_FUZZ_CORPUS)) {
    const std::string input = ReadAll(e.path());
    INFO(e.path().filename().string());
    CHECK(ixdb::load::fuzz::RunInput(t.store(), input, t.path()));
    ++n;
  }
  CHECK(n >= 10);
  for (const auto& e : std::filesystem::directory_iterator(IXDB_EXAMPLES_DIR)) {
    const std::string content = ReadAll(e.path());
    for (int b = 0; b < 128; b += 3) {
      INFO(e.path().filename().string() << " options " << b);
      CHECK(ixdb::load::fuzz::RunInput(t.store(), std::string(1, static_cast<char>(b)) + content,
                                       t.path()));
    }
  }
  CHECK(t.store().NewReadView()->ListSeries()->empty());  // dry runs write nothing
}
