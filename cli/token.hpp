#pragma once
// Where the shared secret for writes comes from: --token-file F, the environment variable
// IXDB_TOKEN, or --token T (visible to other users in `ps`, hence a warning). For `serve` and for
// clients alike.

#include <string>

#include "common/status.hpp"

namespace ixdb::cli {

struct TokenSources {
  std::string flag;  // --token T ("" when not given)
  std::string file;  // --token-file F ("" when not given)
  // $IXDB_TOKEN, or nullptr when unset (set but empty counts as given: it is a mistake).
  const char* env = nullptr;
};

// The token from whichever one source is given ("" when none). InvalidArgument when two or
// three are given (naming them), when the file cannot be read, or when the token is empty. The
// file holds the token on its first line (a trailing newline and surrounding spaces are
// dropped). `warning` gets a line for people when the token came from the command line, or
// when the file is readable by other users; else it is cleared.
Result<std::string> ResolveToken(const TokenSources& sources, std::string* warning);

}  // namespace ixdb::cli
