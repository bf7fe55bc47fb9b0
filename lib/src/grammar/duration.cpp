#include "mtask/grammar/duration.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/text/decimal.hpp"

namespace mtask {
namespace {

// A unit is coefficient x 10^exponent nanoseconds. Keeping the power of ten apart lets the
// fraction be scaled exactly in 64 bits, without floating point.
struct Unit {
  std::string_view name;
  std::uint64_t coefficient;
  int exponent;
};

constexpr std::array<Unit, 6> kUnits{{
    {"ns", 1, 0},
    {"us", 1, 3},
    {"ms", 1, 6},
    {"s", 1, 9},
    {"m", 6, 10},
    {"h", 36, 11},
}};

constexpr std::uint64_t kMaxNanoseconds = static_cast<std::uint64_t>(kMaxDuration.count());

// No unit makes more than 13 significant fraction digits a whole number of nanoseconds
// (1h = 2^13 x 3^2 x 5^11 ns), so 17 is a safe bound that also keeps the arithmetic in 64 bits.
constexpr std::size_t kMaxFractionDigits = 17;

constexpr std::uint64_t power_of_ten(int exponent) {
  std::uint64_t result = 1;
  for (int i = 0; i < exponent; ++i) result *= 10;
  return result;
}

constexpr std::uint64_t nanoseconds_in(const Unit& unit) {
  return unit.coefficient * power_of_ten(unit.exponent);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

bool starts_with_inf_or_nan(std::string_view text) {
  if (text.size() < 3) return false;
  std::string head(text.substr(0, 3));
  std::ranges::transform(head, head.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return head == "inf" || head == "nan";
}

const Unit* find_unit(std::string_view name) {
  const auto it = std::ranges::find(kUnits, name, &Unit::name);
  return it == kUnits.end() ? nullptr : &*it;
}

// Rejects what follows the number when it is a known non-grammar (second point, exponent,
// hexadecimal) rather than a unit; the caller then looks the unit up.
void check_suffix(std::string_view whole, bool has_point, std::string_view suffix) {
  if (suffix.empty()) return;
  if (suffix.front() == '.') throw UsageError("duration has more than one decimal point");
  const bool next_is_number =
      suffix.size() > 1 && (is_digit(suffix[1]) || suffix[1] == '+' || suffix[1] == '-');
  if ((suffix.front() == 'e' || suffix.front() == 'E') && next_is_number) {
    throw UsageError("duration must not have an exponent (write 1000, not 1e3)");
  }
  const bool zero = whole == "0" && !has_point;
  if (zero && (suffix.front() == 'x' || suffix.front() == 'X') && suffix.size() > 1) {
    throw UsageError("duration must be decimal, not hexadecimal");
  }
}

// whole: digits before the point, saturated above the maximum (so never wraps).
std::uint64_t whole_value(std::string_view digits) {
  if (digits.empty()) return 0;  // ".5"
  const Decimal whole = parse_decimal(digits, kMaxNanoseconds).value_or(Decimal{});
  return whole.over ? kMaxNanoseconds + 1 : whole.value;
}

// The fraction `digits` (after the point) of one `unit`, in nanoseconds; throws when it does
// not come to a whole number of nanoseconds.
std::uint64_t fraction_nanoseconds(std::string_view digits, const Unit& unit) {
  const auto last = digits.find_last_not_of('0');
  digits = last == std::string_view::npos ? std::string_view{} : digits.substr(0, last + 1);
  constexpr const char* kTooFine = "duration has digits below 1ns";
  if (digits.size() > kMaxFractionDigits) throw UsageError(kTooFine);
  // At most kMaxFractionDigits digits: no saturation.
  const std::uint64_t numerator =
      digits.empty() ? 0 : parse_decimal(digits).value_or(Decimal{}).value;
  // value = numerator x coefficient x 10^(exponent - digits)
  const int shift = unit.exponent - static_cast<int>(digits.size());
  if (shift >= 0) return numerator * unit.coefficient * power_of_ten(shift);
  const std::uint64_t scaled = numerator * unit.coefficient;
  const std::uint64_t divisor = power_of_ten(-shift);
  if (scaled % divisor != 0) throw UsageError(kTooFine);
  return scaled / divisor;
}

}  // namespace

Duration parse_duration(std::string_view text) {
  if (text.empty()) throw UsageError("empty duration");
  if (std::ranges::any_of(text, is_space)) throw UsageError("whitespace in duration");
  if (text.front() == '-' || text.front() == '+') {
    throw UsageError("duration must not have a sign");
  }

  std::size_t pos = 0;
  const auto take_digits = [&] {
    const std::size_t start = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    return text.substr(start, pos - start);
  };
  const std::string_view whole = take_digits();
  const bool has_point = pos < text.size() && text[pos] == '.';
  if (has_point) ++pos;
  const std::string_view fraction = has_point ? take_digits() : std::string_view{};
  const std::string_view suffix = text.substr(pos);

  if (whole.empty() && fraction.empty()) {
    if (has_point) throw UsageError("duration has no digits");
    if (starts_with_inf_or_nan(text)) throw UsageError("duration must be a number, not inf or nan");
    throw UsageError("duration must start with a number (e.g. 500ms or 1.5)");
  }
  check_suffix(whole, has_point, suffix);
  const Unit* unit = find_unit(suffix.empty() ? "s" : suffix);
  if (unit == nullptr) {
    throw UsageError(
        fmt::format("unknown duration unit {} (use ns, us, ms, s, m, h)", quote_arg(suffix)));
  }

  const std::uint64_t fraction_ns = fraction_nanoseconds(fraction, *unit);
  const std::uint64_t per_unit = nanoseconds_in(*unit);
  const std::uint64_t whole_units = whole_value(whole);
  constexpr const char* kTooLong = "duration over the 24h maximum";
  if (whole_units > kMaxNanoseconds / per_unit) throw UsageError(kTooLong);
  const std::uint64_t total = whole_units * per_unit + fraction_ns;
  if (total > kMaxNanoseconds) throw UsageError(kTooLong);
  return Duration{static_cast<Duration::rep>(total)};
}

std::string format_duration(Duration d) {
  const Duration::rep count = d.count();
  if (count == 0) return "0s";
  // Negative durations never come from parse_duration; they are written with a sign so that
  // a report shows them honestly, even though they do not parse back.
  const std::uint64_t magnitude =
      count < 0 ? 0 - static_cast<std::uint64_t>(count) : static_cast<std::uint64_t>(count);
  const std::string_view sign = count < 0 ? "-" : "";
  // The largest unit in which the value is at least 1 and an exact decimal.
  for (auto unit = kUnits.rbegin(); unit != kUnits.rend(); ++unit) {
    const std::uint64_t per_unit = nanoseconds_in(*unit);
    if (magnitude < per_unit) continue;
    std::string digits = std::to_string(magnitude / per_unit);
    std::uint64_t rest = magnitude % per_unit;
    if (rest != 0) digits += '.';
    for (std::size_t i = 0; rest != 0 && i < kMaxFractionDigits; ++i) {
      rest *= 10;
      digits += static_cast<char>('0' + rest / per_unit);
      rest %= per_unit;
    }
    if (rest == 0) return fmt::format("{}{}{}", sign, digits, unit->name);
  }
  return fmt::format("{}{}ns", sign, magnitude);  // not reached: nanoseconds are always exact
}

}  // namespace mtask
