#include "cli/token.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "common/strings.hpp"

namespace ixdb::cli {

Result<std::string> ResolveToken(const TokenSources& sources, std::string* warning) {
  warning->clear();
  std::vector<std::string> given;
  if (!sources.flag.empty()) given.push_back("--token");
  if (!sources.file.empty()) given.push_back("--token-file");
  if (sources.env != nullptr) given.push_back("IXDB_TOKEN");
  if (given.size() > 1) {
    std::string names;
    for (size_t i = 0; i < given.size(); ++i) {
      names += (i == 0 ? "" : i + 1 == given.size() ? " and " : ", ") + given[i];
    }
    return Status::InvalidArgument("the token is given twice (" + names +
                                   "): give exactly one of --token-file F, IXDB_TOKEN or --token");
  }
  if (!sources.flag.empty()) {
    *warning =
        "warning: a token given with --token is visible to other users of this machine (ps); "
        "prefer --token-file F or the environment variable IXDB_TOKEN";
    return sources.flag;
  }
  if (sources.env != nullptr) {
    std::string token(Trim(sources.env));
    if (token.empty()) return Status::InvalidArgument("IXDB_TOKEN is set but empty");
    return token;
  }
  if (sources.file.empty()) return std::string();
  std::ifstream in(sources.file, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot read the token file " + sources.file);
  std::string first_line;
  std::getline(in, first_line);
  std::string token(Trim(first_line));
  if (token.empty()) {
    return Status::InvalidArgument("the token file " + sources.file +
                                   " is empty (the token goes on its first line)");
  }
  struct stat st {};
  if (::stat(sources.file.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    *warning = "warning: the token file " + sources.file +
               " is readable by other users (chmod 600 " + sources.file + ")";
  }
  return token;
}

}  // namespace ixdb::cli
