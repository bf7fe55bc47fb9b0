#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace mtask {

/// All durations are kept exactly, in nanoseconds.
using Duration = std::chrono::nanoseconds;

/// The largest DURATION the grammar accepts: 24 hours.
inline constexpr Duration kMaxDuration = std::chrono::hours(24);

/// Parses a DURATION (docs/grammar.md): a decimal number as `sleep` takes it (`2`, `0.5`, `.5`,
/// `5.`) and an optional unit ns|us|ms|s|m|h (a bare number is seconds), 0 <= value <= 24h. Digits
/// below one nanosecond are an error rather than silently dropped. Throws UsageError whose message
/// names the rule broken (without quoting the input; the caller knows the whole argument and quotes
/// it).
Duration parse_duration(std::string_view text);

/// Canonical text of a duration that parse_duration reads back to the same value,
/// e.g. "500ms", "1.5s", "2h", "0s".
std::string format_duration(Duration d);

/// Seconds as a double, for reports.
inline double to_seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace mtask
