#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "mtask/error.hpp"
#include "mtask/grammar/duration.hpp"

namespace {

using namespace std::chrono_literals;
using mtask::Duration;

struct Accepted {
  std::string_view text;
  Duration value;
};

struct Rejected {
  std::string_view text;
  std::string_view message;
};

struct Formatted {
  Duration value;
  std::string_view text;
};

// The message of the UsageError that parse_duration throws, or a note that it threw none.
std::string duration_error(std::string_view text) {
  try {
    const Duration d = mtask::parse_duration(text);
    return "(accepted as " + std::to_string(d.count()) + "ns)";
  } catch (const mtask::UsageError& e) {
    return e.what();
  }
}

}  // namespace

TEST_CASE("a bare number is seconds", "[duration]") {
  CHECK(mtask::parse_duration("2") == 2s);
  CHECK(mtask::parse_duration("0.5") == 500ms);
  CHECK(mtask::parse_duration(".5") == 500ms);
  CHECK(mtask::parse_duration("5.") == 5s);
}

TEST_CASE("durations are read exactly in nanoseconds", "[duration]") {
  const auto row = GENERATE(values<Accepted>({
      {"0", 0ns},
      {"0s", 0ns},
      {"0.0", 0ns},
      {"00", 0ns},
      {".0ms", 0ns},
      {"0.", 0ns},
      {"1ns", 1ns},
      {"1us", 1us},
      {"1ms", 1ms},
      {"1s", 1s},
      {"1m", 1min},
      {"1h", 1h},
      {"200ms", 200ms},
      {"0.1", 100'000'000ns},
      {"0.1s", 100'000'000ns},
      {"1.5ms", 1500us},
      {"5.ms", 5ms},
      {".5ms", 500us},
      {"007ms", 7ms},
      {"0.001us", 1ns},
      {"0.000000001", 1ns},
      {"1.000000001s", 1'000'000'001ns},
      {"1.50000000000s", 1500ms},
      {"1.000000000000000000000000000000s", 1s},
      {"000000000000000000000000000001s", 1s},
      {"0.1m", 6s},
      {"1.5m", 90s},
      {"0.00000000005m", 3ns},
      {"0.5h", 30min},
      {"0.0000000000025h", 9ns},
      {"24h", 24h},
      {"1440m", 24h},
      {"86400", 24h},
      {"86400.000000000", 24h},
      {"86400000000000ns", 24h},
      {"23.5h", 23h + 30min},
  }));
  CAPTURE(row.text);
  CHECK(mtask::parse_duration(row.text).count() == row.value.count());
}

TEST_CASE("bad durations are rejected with the rule they break", "[duration]") {
  const auto row = GENERATE(values<Rejected>({
      {"", "empty duration"},
      {" 1s", "whitespace in duration"},
      {"1 s", "whitespace in duration"},
      {"1s\n", "whitespace in duration"},
      {"\t1", "whitespace in duration"},
      {"-1s", "duration must not have a sign"},
      {"+1s", "duration must not have a sign"},
      {"-0", "duration must not have a sign"},
      {"-inf", "duration must not have a sign"},
      {"inf", "duration must be a number, not inf or nan"},
      {"INF", "duration must be a number, not inf or nan"},
      {"infinity", "duration must be a number, not inf or nan"},
      {"nan", "duration must be a number, not inf or nan"},
      {"NaN", "duration must be a number, not inf or nan"},
      {"s", "duration must start with a number (e.g. 500ms or 1.5)"},
      {"ms", "duration must start with a number (e.g. 500ms or 1.5)"},
      {"abc", "duration must start with a number (e.g. 500ms or 1.5)"},
      {".", "duration has no digits"},
      {".s", "duration has no digits"},
      {"1.2.3", "duration has more than one decimal point"},
      {"1..5", "duration has more than one decimal point"},
      {"1e3", "duration must not have an exponent (write 1000, not 1e3)"},
      {"1e400", "duration must not have an exponent (write 1000, not 1e3)"},
      {"1E-3", "duration must not have an exponent (write 1000, not 1e3)"},
      {"1.5e+3", "duration must not have an exponent (write 1000, not 1e3)"},
      {"0x10", "duration must be decimal, not hexadecimal"},
      {"0x1p3", "duration must be decimal, not hexadecimal"},
      {"0X1A", "duration must be decimal, not hexadecimal"},
      {"1parsec", "unknown duration unit 'parsec' (use ns, us, ms, s, m, h)"},
      {"1S", "unknown duration unit 'S' (use ns, us, ms, s, m, h)"},
      {"1sec", "unknown duration unit 'sec' (use ns, us, ms, s, m, h)"},
      {"1e", "unknown duration unit 'e' (use ns, us, ms, s, m, h)"},
      {"0x", "unknown duration unit 'x' (use ns, us, ms, s, m, h)"},
      {"1µs", "unknown duration unit 'µs' (use ns, us, ms, s, m, h)"},
      {"1\x1b[31m", "unknown duration unit '\\x1b[31m' (use ns, us, ms, s, m, h)"},
      {"1\xff", "unknown duration unit '\\xff' (use ns, us, ms, s, m, h)"},
      {"0.5ns", "duration has digits below 1ns"},
      {"1.0000000001s", "duration has digits below 1ns"},
      {"0.0000000001", "duration has digits below 1ns"},
      {"1.00000000000000000001s", "duration has digits below 1ns"},
      {"0.00000000001m", "duration has digits below 1ns"},
      {"0.0000000000001h", "duration has digits below 1ns"},
      {"25h", "duration over the 24h maximum"},
      {"1441m", "duration over the 24h maximum"},
      {"86401", "duration over the 24h maximum"},
      {"86400.000000001", "duration over the 24h maximum"},
      {"86400000000001ns", "duration over the 24h maximum"},
      {"18446744073709551616ns", "duration over the 24h maximum"},
      {"99999999999999999999999999999999h", "duration over the 24h maximum"},
  }));
  CAPTURE(row.text);
  CHECK(duration_error(row.text) == row.message);
}

TEST_CASE("a duration is written in the largest unit that shows it exactly", "[duration]") {
  const auto row = GENERATE(values<Formatted>({
      {0ns, "0s"},
      {1ns, "1ns"},
      {3ns, "3ns"},
      {999ns, "999ns"},
      {1000ns, "1us"},
      {1500ns, "1.5us"},
      {100'000'000ns, "100ms"},
      {500ms, "500ms"},
      {1ms + 1ns, "1.000001ms"},
      {1500ms, "1.5s"},
      {1s, "1s"},
      {6s, "6s"},
      {30s, "30s"},
      {59s, "59s"},
      {61s, "61s"},
      {90s, "1.5m"},
      {100s, "100s"},
      {45min, "45m"},
      {90min, "1.5h"},
      {1h + 1ns, "3600.000000001s"},
      {1h + 6s, "60.1m"},
      {24h, "24h"},
      {-1s, "-1s"},
  }));
  CAPTURE(row.value.count());
  CHECK(mtask::format_duration(row.value) == row.text);
}

TEST_CASE("every formatted duration parses back to the same value", "[duration]") {
  // A fixed linear congruential sequence: the same values on every run.
  std::uint64_t state = 0x2545F4914F6CDD1DULL;
  const auto max = static_cast<std::uint64_t>(mtask::kMaxDuration.count());
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    // Mix small values, round values and arbitrary ones.
    const std::uint64_t pick = state >> 33;
    const std::uint64_t base = i % 3 == 0 ? pick % 1000 : pick % (max + 1);
    const std::uint64_t rounded = i % 3 == 1 ? base - base % 1'000'000 : base;
    const Duration d{static_cast<Duration::rep>(rounded)};
    const std::string text = mtask::format_duration(d);
    CAPTURE(d.count(), text);
    REQUIRE(mtask::parse_duration(text) == d);
  }
}
