#include "mtask/text/decimal.hpp"

#include <charconv>
#include <system_error>

namespace mtask {

std::optional<Decimal> parse_decimal(std::string_view text, std::uint64_t max) {
  // from_chars takes neither a sign for an unsigned type nor a base prefix in base 10, but it
  // reads a prefix: the whole text must be digits.
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (ptr != end) return std::nullopt;
  if (error == std::errc::result_out_of_range || value > max) return Decimal{max, true};
  return Decimal{value, false};
}

}  // namespace mtask
