#include "mtask/text/xml.hpp"

#include <cstddef>
#include <cstdint>

#include "mtask/text/utf8.hpp"

namespace mtask {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

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
    const Utf8Char ch = decode_utf8(text, 0);
    if (!ch.valid()) {
      if (!in_invalid_run) out += kReplacement;
      in_invalid_run = true;
      text.remove_prefix(1);
      continue;
    }
    in_invalid_run = false;
    const char32_t cp = ch.code_point;
    const std::size_t length = ch.length;
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
