#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "mtask/text/decimal.hpp"

TEST_CASE("decimal: digits only, saturated at the maximum", "[decimal]") {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  struct Case {
    std::string text;
    std::uint64_t max;
    std::optional<std::uint64_t> value;  ///< nullopt: not a number
    bool over;
  };
  const Case cases[] = {
      {"0", kMax, 0, false},
      {"7", kMax, 7, false},
      {"007", kMax, 7, false},
      {"1000000000", 1'000'000'000, 1'000'000'000, false},
      {"1000000001", 1'000'000'000, 1'000'000'000, true},
      {"18446744073709551615", kMax, kMax, false},
      {"18446744073709551616", kMax, kMax, true},
      {"99999999999999999999999999", 10, 10, true},
      {"", kMax, std::nullopt, false},
      {"-1", kMax, std::nullopt, false},
      {"+1", kMax, std::nullopt, false},
      {" 1", kMax, std::nullopt, false},
      {"1 ", kMax, std::nullopt, false},
      {"1.5", kMax, std::nullopt, false},
      {"0x10", kMax, std::nullopt, false},
      {"12a", kMax, std::nullopt, false},
      {"\xD9\xA3", kMax, std::nullopt, false},  // ARABIC-INDIC DIGIT THREE is not a digit here
  };
  for (const Case& c : cases) {
    CAPTURE(c.text, c.max);
    const std::optional<mtask::Decimal> d = mtask::parse_decimal(c.text, c.max);
    REQUIRE(d.has_value() == c.value.has_value());
    if (!d) continue;
    CHECK(d->value == *c.value);
    CHECK(d->over == c.over);
  }
}
