#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mtask {

/// Why the bytes at a position are not a UTF-8 character (Unicode's table of well-formed byte
/// sequences rules out overlong forms, surrogates and code points past U+10FFFF).
enum class Utf8Error {
  kNone,
  kContinuation,  ///< a continuation byte (0x80..0xBF) where a character should start
  kInvalidByte,   ///< 0xF5..0xFF, which never appear in UTF-8
  kOverlong,      ///< a longer form than the code point needs (0xC0, 0xC1 included)
  kSurrogate,     ///< an encoded UTF-16 surrogate, U+D800..U+DFFF
  kTooLarge,      ///< a code point above U+10FFFF
  kTruncated,     ///< a byte that does not continue the sequence comes before its end
  kIncomplete,    ///< the text ends inside a sequence whose bytes so far are well formed
};

/// One character decoded, or why there is none.
struct Utf8Char {
  char32_t code_point = 0;  ///< meaningful only when valid()
  std::size_t length = 1;   ///< bytes of a valid character; 1 on an error, to resume after it
  Utf8Error error = Utf8Error::kNone;

  bool valid() const { return error == Utf8Error::kNone; }
};

/// Decodes the character that starts at `text[pos]` (`pos < text.size()`). The one UTF-8
/// decoder of mtask: quoting, name checks, JSON and XML escaping all go through it. A sequence
/// cut short is kTruncated (or kIncomplete at the end of `text`) before any other error is
/// looked for.
Utf8Char decode_utf8(std::string_view text, std::size_t pos);

/// Appends `text` to `out` as the inside of a JSON string: each maximal run of bytes that is not
/// valid UTF-8 (overlong forms, surrogates, code points past U+10FFFF and truncated sequences
/// included) becomes one U+FFFD; quotes, backslashes, control characters and U+007F are escaped
/// (\n \t \r \b \f, else \u00xx); everything else is copied as it is.
void append_json_escaped(std::string& out, std::string_view text);
/// How many bytes at the start of `text` go into a JSON string as they are: printable ASCII
/// but the quote and the backslash (found eight bytes at a time).
std::size_t json_plain_prefix(std::string_view text);

/// The length of the longest prefix of `text` no longer than `limit` that does not end inside
/// a UTF-8 sequence (used to cut a long line into pieces). A sequence cut short by the end of
/// `text` counts as one (the rest may arrive later); invalid bytes may be cut anywhere. Returns
/// 0 only when `limit` is smaller than the character at the start of `text`.
std::size_t utf8_safe_cut(std::string_view text, std::size_t limit);

/// Number of code points in valid UTF-8 `text` (each invalid byte counts as one). Not the
/// columns the text takes on a terminal: that is display_width (mtask/text/width.hpp).
std::size_t utf8_length(std::string_view text);

}  // namespace mtask
