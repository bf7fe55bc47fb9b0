#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mtask::detail {

/// The most bytes one byte of text can take inside a JSON string ("\u001b").
inline constexpr std::size_t kJsonEscapedMax = 6;

/// Puts `text` at `out` as the inside of a JSON string, the same bytes as append_json_escaped
/// (mtask/text/utf8.hpp), and returns the end of what it put. Plain printable ASCII, what most
/// lines are, is found eight bytes at a time and copied in one go; from the first byte that
/// is not, the rest goes through append_json_escaped into `scratch`. `out` must have room for
/// kJsonEscapedMax * text.size() bytes.
char* put_json_text(char* out, std::string_view text, std::string& scratch);

}  // namespace mtask::detail
