#pragma once
// Reads one sentence with the grammar (grammar.hpp) into tokens (tokens.hpp). Internal.

#include <string_view>
#include <vector>

#include "extract/internal/tokens.hpp"

namespace ixdb::extract::internal {

// The tokens of `sentence` in text order; characters no rule took are not tokens (they are
// the words between them). Never fails: any text is a sentence.
std::vector<Token> ReadSentence(std::string_view sentence);

}  // namespace ixdb::extract::internal
