#pragma once
// "Did you mean ...?": the known word closest to a mistyped one, when it is close enough that
// the suggestion is likely right (docs/usage.md, "Mistakes mtask answers").

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mtask {

/// The number of single-character insertions, deletions, substitutions and swaps of two
/// neighbours that turn `a` into `b` (optimal string alignment distance), over bytes.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word`, if it is close: at most 1 edit for words up to 5
/// characters, 2 for longer ones, and fewer edits than `word` has characters. On a tie, the
/// first candidate in order wins.
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates);

/// " (did you mean 'X'?)" for the candidate closest to `word`, or "" when none is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace mtask
