#pragma once
// `.help FUNCTION` / `\h FUNCTION`: a function's signature, summary, formula, unit rule and
// example, from the query language's own functions() table (so a server answers it too).

#include <string_view>

#include "common/status.hpp"

namespace ixdb::cli {

class Session;

// Prints the help of function `name` ("yoy", also "yoy(" or "yoy()"). NotFound for a name
// that is no function, suggesting the nearest names.
Status ShowFunctionHelp(Session& session, std::string_view name);

// True when functions() has `name`.
bool IsFunctionName(Session& session, std::string_view name);

}  // namespace ixdb::cli
