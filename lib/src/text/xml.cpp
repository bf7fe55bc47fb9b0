#include "mtask/text/xml.hpp"

#include <cstddef>
#include <cstdint>

namespace mtask {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The length of the valid UTF-8 sequence at the start of `s` (non-empty), with its code point
// in `cp`; 0 when the bytes there are not valid UTF-8 (overlong, surrogate, past U+10FFFF,
// or cut short).
std::size_t decode(std::string_view s, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) low = 0xA0;
    if (b0 == 0xED) high = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) low = 0x90;
    if (b0 == 0xF4) high = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  if (s.size() < length) return 0;
  const auto b1 = static_cast<unsigned char>(s[1]);
  if (b1 < low || b1 > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (!continuation(static_cast<unsigned char>(s[i]))) return 0;
  }
  const unsigned char lead_mask = length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07;
  char32_t value = b0 & lead_mask;
  for (std::size_t i = 1; i < length; ++i) {
    value = (value << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
  }
  cp = value;
  return length;
}

// A control character as its visible picture from the Control Pictures block (U+2400..U+2421).
void append_picture(std::string& out, char32_t cp) {
  const char32_t picture = cp == 0x7F ? 0x2421 : 0x2400 + cp;
  out += static_cast<char>(0xE0 | (picture >> 12));
  out += static_cast<char>(0x80 | ((picture >> 6) & 0x3F));
  out += static_cast<char>(0x80 | (picture & 0x3F));
}

}  // namespace

void append_xml_escaped(std::string& out, std::string_view text, bool attribute) {
  bool in_invalid_run = false;
  while (!text.empty()) {
    char32_t cp = 0;
    const std::size_t length = decode(text, cp);
    if (length == 0) {
      if (!in_invalid_run) out += kReplacement;
      in_invalid_run = true;
      text.remove_prefix(1);
      continue;
    }
    in_invalid_run = false;
    const std::string_view bytes = text.substr(0, length);
    text.remove_prefix(length);
    switch (cp) {
      case '&':
        out += "&amp;";
        continue;
      case '<':
        out += "&lt;";
        continue;
      case '>':
        out += "&gt;";
        continue;
      case '\r':
        out += "&#13;";
        continue;
      case '"':
        out += attribute ? "&quot;" : "\"";
        continue;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        continue;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        continue;
      case 0xFFFE:
      case 0xFFFF:
        out += kReplacement;
        continue;
      default:
        break;
    }
    if (cp < 0x20 || cp == 0x7F) {
      append_picture(out, cp);
    } else {
      out += bytes;
    }
  }
}

}  // namespace mtask
