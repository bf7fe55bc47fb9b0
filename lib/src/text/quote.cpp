#include "mtask/text/quote.hpp"

#include <cstdint>

#include <fmt/format.h>

#include "mtask/text/utf8.hpp"

namespace mtask {
namespace {

// Code points that can move the cursor or reorder what a terminal shows.
bool is_unsafe_to_print(char32_t cp) {
  return is_control(cp) || cp == 0x2028 || cp == 0x2029 || cp == 0x061C || cp == 0x200E ||
         cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

bool is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

std::string quote_arg(std::string_view text) {
  std::string out = "'";
  out.reserve(text.size() + 2);
  for (std::size_t pos = 0; pos < text.size();) {
    const Utf8Char ch = decode_utf8(text, pos);
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (!ch.valid()) {
      out += fmt::format("\\x{:02x}", byte);
    } else if (ch.code_point == '\n') {
      out += "\\n";
    } else if (ch.code_point == '\t') {
      out += "\\t";
    } else if (ch.code_point == '\r') {
      out += "\\r";
    } else if (ch.code_point < 0x80 && is_unsafe_to_print(ch.code_point)) {
      out += fmt::format("\\x{:02x}", byte);
    } else if (is_unsafe_to_print(ch.code_point)) {
      out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(ch.code_point));
    } else {
      out += text.substr(pos, ch.length);
    }
    pos += ch.length;
  }
  out += '\'';
  return out;
}

}  // namespace mtask
