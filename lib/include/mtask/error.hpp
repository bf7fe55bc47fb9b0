#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace mtask {

/// Bad input from the user: a TASK or an option value that breaks a rule of the grammar.
/// what() is one line that quotes the offending text and names the rule; nothing has been
/// started when it is thrown.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A system limit or failure kept mtask from running the tasks (exit status 3).
class SystemError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// `text` between single quotes, safe to print on a terminal: control characters (C0, DEL, C1),
/// line and paragraph separators, bidirectional controls and bytes that are not valid UTF-8
/// are written as escapes (`\n`, `\t`, `\r`, `\x1b`, `\xff`, `\u202e`); everything else is
/// kept as it is. Every usage error quotes the user's text through this one function.
std::string quote_arg(std::string_view text);

}  // namespace mtask
