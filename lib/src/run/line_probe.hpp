#pragma once
// The regular expression of a line: probe, compiled once per task (docs/smoke.md, "Readiness
// probes").

#include <regex.h>

#include <string>
#include <string_view>

namespace mtask::detail {

/// A POSIX extended regular expression (as grep -E reads it), unanchored, matched against
/// whole lines or pieces of long ones.
class LineMatcher {
 public:
  /// Compiles `pattern` (REG_EXTENDED | REG_NOSUB); throws UsageError when it is not one
  /// (parse_probe has checked it before).
  explicit LineMatcher(const std::string& pattern);
  LineMatcher(const LineMatcher&) = delete;
  LineMatcher& operator=(const LineMatcher&) = delete;
  ~LineMatcher();

  /// Whether `line` holds a match. regexec needs a NUL-terminated text: `line` is copied into
  /// a buffer kept from one call to the next. A NUL byte inside a line ends what is matched.
  bool matches(std::string_view line);

 private:
  regex_t compiled_{};
  std::string buffer_;
};

}  // namespace mtask::detail
