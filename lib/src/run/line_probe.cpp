#include "run/line_probe.hpp"

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "run/log.hpp"

namespace mtask::detail {

LineMatcher::LineMatcher(const std::string& pattern) {
  const int error = regcomp(&compiled_, pattern.c_str(), REG_EXTENDED | REG_NOSUB);
  if (error != 0) {
    char message[256];
    regerror(error, &compiled_, message, sizeof message);
    throw UsageError(fmt::format("line: not a POSIX extended regular expression: {}", message));
  }
}

LineMatcher::~LineMatcher() { regfree(&compiled_); }

bool LineMatcher::matches(std::string_view line) {
  buffer_.assign(line);
  const int result = regexec(&compiled_, buffer_.c_str(), 0, nullptr, 0);
  if (result != 0 && result != REG_NOMATCH) {
    char message[256];
    regerror(result, &compiled_, message, sizeof message);
    log().warn("regexec: {}: the line counts as no match", message);
  }
  return result == 0;
}

}  // namespace mtask::detail
