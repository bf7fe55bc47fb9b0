#include <string>

#include <catch2/catch.hpp>

#include "mtask/text/quote.hpp"

using namespace std::string_literals;

TEST_CASE("quote: what a terminal would act on is escaped, the rest kept", "[quote]") {
  struct Case {
    std::string text;
    std::string quoted;
  };
  const Case cases[] = {
      {"", "''"},
      {"sing:3", "'sing:3'"},
      {"唱歌 ☃", "'唱歌 ☃'"},
      {"back\\slash 'quote'", "'back\\slash 'quote''"},
      {"\u009b\u2028\u202e\u2066", "'\\u009b\\u2028\\u202e\\u2066'"},
      {"\xff\xc0\xaf\xed\xa0\x80", "'\\xff\\xc0\\xaf\\xed\\xa0\\x80'"},
      {"caf\xC3\xA9", "'caf\xC3\xA9'"},
      {"a\nb\tc\rd", "'a\\nb\\tc\\rd'"},
      {"\x1b[2J\a\x7f", "'\\x1b[2J\\x07\\x7f'"},
      {"\0"s, "'\\x00'"},
      {"\u0085\u061c\u200e\u2029\u202a\u2069", "'\\u0085\\u061c\\u200e\\u2029\\u202a\\u2069'"},
      {"\xE5\x94", "'\\xe5\\x94'"},                // cut short: each byte on its own
      {"\xF0\x9F\x8E\xB5", "'\xF0\x9F\x8E\xB5'"},  // U+1F3B5 is printable
      {"\xED\xA0\x80", "'\\xed\\xa0\\x80'"},       // a surrogate
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(mtask::quote_arg(c.text) == c.quoted);
  }
}

TEST_CASE("quote: controls are C0, DEL and C1", "[quote]") {
  for (const char32_t cp : {U'\0', U'\x1F', U'\x7F', U'\x80', U'\x9F'})
    CHECK(mtask::is_control(cp));
  for (const char32_t cp : {U' ', U'~', U'\xA0', U'\u2028'}) CHECK_FALSE(mtask::is_control(cp));
}
