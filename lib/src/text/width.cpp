#include "mtask/text/width.hpp"

#include "mtask/text/utf8.hpp"
#include "text/width_table.hpp"

namespace mtask {

std::size_t char_width(char32_t cp) {
  // Printable ASCII, by far the most common, needs no table.
  if (cp >= 0x20 && cp < 0x7F) return 1;
  if (unicode::is_zero_width(cp)) return 0;
  return unicode::is_wide(cp) ? 2 : 1;
}

std::size_t display_width(std::string_view text) {
  std::size_t columns = 0;
  for (std::size_t at = 0; at < text.size();) {
    const Utf8Char ch = decode_utf8(text, at);
    columns += ch.valid() ? char_width(ch.code_point) : 1;
    at += ch.length;
  }
  return columns;
}

std::size_t width_cut(std::string_view text, std::size_t columns) {
  std::size_t used = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const Utf8Char ch = decode_utf8(text, at);
    const std::size_t width = ch.valid() ? char_width(ch.code_point) : 1;
    if (used + width > columns) break;
    used += width;
    at += ch.length;
  }
  return at;
}

void append_padded(std::string& out, std::string_view text, std::size_t columns,
                   bool right_aligned) {
  const std::size_t width = display_width(text);
  const std::size_t pad = columns > width ? columns - width : 0;
  if (right_aligned) out.append(pad, ' ');
  out += text;
  if (!right_aligned) out.append(pad, ' ');
}

}  // namespace mtask
