#include "cli/token.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace ixdb::cli {
namespace {

struct TokenFile {
  std::string path;
  TokenFile(const std::string& content, mode_t mode) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ixdb-token-XXXXXX").string();
    int fd = mkstemp(tmpl.data());
    REQUIRE(fd >= 0);
    close(fd);
    path = tmpl;
    std::ofstream(path, std::ios::binary) << content;
    chmod(path.c_str(), mode);
  }
  ~TokenFile() { std::remove(path.c_str()); }
};

TEST_CASE("ResolveToken: one source, or none", "[cli]") {
  std::string warning;
  TokenFile file("  s3cret \nsecond line ignored\n", 0600);
  struct Case {
    TokenSources sources;
    std::string token;
    bool warns;
  } cases[] = {
      {{"", "", nullptr}, "", false},
      {{"flag", "", nullptr}, "flag", true},  // visible in ps
      {{"", file.path, nullptr}, "s3cret", false},
      {{"", "", " env\n"}, "env", false},
  };
  for (const Case& c : cases) {
    INFO(c.token);
    auto t = ResolveToken(c.sources, &warning);
    REQUIRE(t.ok());
    REQUIRE(*t == c.token);
    REQUIRE(warning.empty() == !c.warns);
  }
}

TEST_CASE("ResolveToken: two or three sources, empty tokens, unreadable files are errors",
          "[cli]") {
  std::string warning;
  TokenFile file("s3cret\n", 0600);
  TokenFile empty("\n", 0600);
  struct Case {
    TokenSources sources;
    std::string message;
  } cases[] = {
      {{"a", file.path, nullptr}, "the token is given twice (--token and --token-file)"},
      {{"a", "", "b"}, "the token is given twice (--token and IXDB_TOKEN)"},
      {{"", file.path, "b"}, "the token is given twice (--token-file and IXDB_TOKEN)"},
      {{"a", file.path, "b"}, "the token is given twice (--token, --token-file and IXDB_TOKEN)"},
      {{"", "", ""}, "IXDB_TOKEN is set but empty"},
      {{"", empty.path, nullptr}, "the token file " + empty.path + " is empty"},
      {{"", "/nonexistent/token", nullptr}, "cannot read the token file /nonexistent/token"},
  };
  for (const Case& c : cases) {
    auto t = ResolveToken(c.sources, &warning);
    REQUIRE_FALSE(t.ok());
    REQUIRE(t.status().IsInvalidArgument());
    INFO(t.status().message());
    REQUIRE(t.status().message().rfind(c.message, 0) == 0);
  }
}

TEST_CASE("ResolveToken: a token file others can read gets a warning", "[cli]") {
  TokenFile file("s3cret\n", 0644);
  std::string warning;
  auto t = ResolveToken({"", file.path, nullptr}, &warning);
  REQUIRE(t.ok());
  REQUIRE(warning == "warning: the token file " + file.path +
                         " is readable by other users (chmod 600 " + file.path + ")");
}

}  // namespace
}  // namespace ixdb::cli
