#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

// quote_arg, with which every usage error quotes the user's text.
#include "mtask/text/quote.hpp"

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

}  // namespace mtask
