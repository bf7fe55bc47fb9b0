#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mtask {

/// Appends `text` to `out` as the inside of a JSON string: each maximal run of bytes that is not
/// valid UTF-8 becomes one U+FFFD, quotes, backslashes and control characters are escaped.
void append_json_escaped(std::string& out, std::string_view text);

/// The length of the longest prefix of `text` no longer than `limit` that does not end inside
/// a UTF-8 sequence (used to cut a long line into pieces).
std::size_t utf8_safe_cut(std::string_view text, std::size_t limit);

/// Number of code points in valid UTF-8 `text` (each invalid byte counts as one); used to pad
/// names to the same width.
std::size_t utf8_length(std::string_view text);

}  // namespace mtask
