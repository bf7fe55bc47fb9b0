#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mtask {

/// Appends `text` to `out` as the inside of a JSON string: each maximal run of bytes that is not
/// valid UTF-8 (overlong forms, surrogates, code points past U+10FFFF and truncated sequences
/// included) becomes one U+FFFD; quotes, backslashes, control characters and U+007F are escaped
/// (\n \t \r \b \f, else \u00xx); everything else is copied as it is.
void append_json_escaped(std::string& out, std::string_view text);

/// The length of the longest prefix of `text` no longer than `limit` that does not end inside
/// a UTF-8 sequence (used to cut a long line into pieces). A sequence cut short by the end of
/// `text` counts as one (the rest may arrive later); invalid bytes may be cut anywhere. Returns
/// 0 only when `limit` is smaller than the character at the start of `text`.
std::size_t utf8_safe_cut(std::string_view text, std::size_t limit);

/// Number of code points in valid UTF-8 `text` (each invalid byte counts as one); used to pad
/// names to the same width.
std::size_t utf8_length(std::string_view text);

}  // namespace mtask
