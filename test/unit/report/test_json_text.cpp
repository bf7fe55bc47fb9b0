#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "mtask/text/utf8.hpp"
#include "report/json_text.hpp"

namespace {

std::string general(std::string_view text) {
  std::string out;
  mtask::append_json_escaped(out, text);
  return out;
}

std::string fast(std::string_view text) {
  std::string out(mtask::detail::kJsonEscapedMax * text.size(), '\0');
  std::string scratch;
  const char* end = mtask::detail::put_json_text(out.data(), text, scratch);
  out.resize(static_cast<std::size_t>(end - out.data()));
  return out;
}

}  // namespace

TEST_CASE("put_json_text gives the bytes of the general escaper for every byte and pair") {
  for (unsigned a = 0; a < 256; ++a) {
    const std::string one(1, static_cast<char>(a));
    REQUIRE(fast(one) == general(one));
    for (unsigned b = 0; b < 256; ++b) {
      const std::string two{static_cast<char>(a), static_cast<char>(b)};
      REQUIRE(fast(two) == general(two));
    }
  }
}

TEST_CASE("put_json_text gives the bytes of the general escaper on mixed text") {
  // Pieces of text a task may write: plain ASCII runs long and short, what JSON escapes,
  // UTF-8 of each length, and what is not UTF-8 (stray continuation bytes, cut sequences,
  // overlong forms, surrogates, bytes that never occur).
  const std::vector<std::string> pieces{"a",
                                        "plain text",
                                        "0123456789abcdef",
                                        " ",
                                        "\"",
                                        "\\",
                                        "\n",
                                        "\t",
                                        "\r",
                                        "\x1b[1m",
                                        "\x7f",
                                        "\x01",
                                        "\xc3\xa9",
                                        "\xe2\x9c\x93",
                                        "\xf0\x9f\x98\x80",
                                        "\x80",
                                        "\xbf\xbf",
                                        "\xc3",
                                        "\xe2\x9c",
                                        "\xc0\xaf",
                                        "\xed\xa0\x80",
                                        "\xf4\x90\x80\x80",
                                        "\xff",
                                        "\xfe\xfe"};
  std::uint32_t state = 12345;
  const auto next = [&state] {
    state = state * 1103515245U + 12345U;
    return state >> 16U;
  };
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const std::uint32_t count = next() % 12;
    for (std::uint32_t i = 0; i < count; ++i) text += pieces[next() % pieces.size()];
    INFO("round " << round);
    REQUIRE(fast(text) == general(text));
  }
}

TEST_CASE("put_json_text copies a long plain line as it is") {
  const std::string line(100000, 'x');
  CHECK(fast(line) == line);
  CHECK(fast(line + "\"") == line + "\\\"");
}
