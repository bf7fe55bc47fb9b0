#pragma once

#include <string>
#include <string_view>

namespace mtask {

/// Appends `text` to `out` so that it can stand inside an XML 1.0 element (or, with
/// `attribute`, inside a double-quoted attribute value):
/// - `&`, `<`, `>` (and in attributes `"`, tab, newline) become character references;
///   carriage return becomes `&#13;` so that it survives the parser's line-end handling;
/// - each maximal run of bytes that is not valid UTF-8 becomes one U+FFFD;
/// - characters XML 1.0 cannot hold at all are replaced visibly: C0 controls other than tab,
///   newline and carriage return become their Control Pictures (U+2400 + code, e.g. ESC is
///   `␛`), DEL becomes `␡` and U+FFFE, U+FFFF become U+FFFD.
void append_xml_escaped(std::string& out, std::string_view text, bool attribute = false);

}  // namespace mtask
