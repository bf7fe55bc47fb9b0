#pragma once

#include <string>
#include <string_view>

namespace mtask {

/// `text` between single quotes, safe to print on a terminal: control characters (C0, DEL, C1),
/// line and paragraph separators, bidirectional controls and bytes that are not valid UTF-8
/// are written as escapes (`\n`, `\t`, `\r`, `\x1b`, `\xff`, `\u202e`); everything else is
/// kept as it is. Every usage error quotes the user's text through this one function.
std::string quote_arg(std::string_view text);

/// True for the C0 controls, DEL and the C1 controls.
bool is_control(char32_t cp);

}  // namespace mtask
