#pragma once
// `\d [PATTERN]` and `\d CODE`: the series of the store, and one series on one screen, built
// from the query language's describe(), revisions() and targets() (so a server answers them
// too).

#include <string_view>

#include "common/status.hpp"

namespace ixdb::cli {

class Session;

// No argument: every series (code, name, unit, frequency, latest period, latest vintage).
// An argument that is exactly a series code: that series described - metadata, periods
// covered, the latest values, every vintage with its count of values, the targets with their
// status. A glob (gdp*) or other text (a substring of code or names, 零售): the matching series.
// NotFound when nothing matches (with the nearest codes for a code-like argument).
Status ShowCatalog(Session& session, std::string_view arg);

}  // namespace ixdb::cli
