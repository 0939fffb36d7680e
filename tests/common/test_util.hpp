#pragma once
// Helpers shared by every module's tests.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

// REQUIRE_OK prints the Status message when it fails (like RocksDB's ASSERT_OK).
#define REQUIRE_OK(expr)                                          \
  do {                                                            \
    const auto _s = (expr); /* a copy: expr may be a temporary */ \
    INFO(_s.ToString());                                          \
    REQUIRE(_s.ok());                                             \
  } while (0)

namespace ixdb::test {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at destruction,
// so that every test opens its store in a place of its own (RocksDB's PerThreadDBPath).
class TempDir {
 public:
  TempDir() {
    const char* base = getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/ixdb-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/name.
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }
  // Writes `content` to path()/name and returns the full path.
  std::string Write(const std::string& name, const std::string& content) const {
    const std::string p = Sub(name);
    std::ofstream out(p, std::ios::binary);
    out << content;
    REQUIRE(out.good());
    return p;
  }

 private:
  std::string path_;
};

}  // namespace ixdb::test
