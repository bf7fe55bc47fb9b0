#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "mtask/text/utf8.hpp"

using namespace std::string_literals;

namespace {

std::string escaped(std::string_view text) {
  std::string out;
  mtask::append_json_escaped(out, text);
  return out;
}

const std::string kFffd = "\xEF\xBF\xBD";

struct EscapeCase {
  std::string input;
  std::string expected;
};

}  // namespace

TEST_CASE("utf8: plain text and valid UTF-8 pass through unchanged", "[utf8]") {
  const EscapeCase cases[] = {
      {"", ""},
      {"sing... (1/3)", "sing... (1/3)"},
      {"a long line of plain ascii text, longer than eight bytes",
       "a long line of plain ascii text, longer than eight bytes"},
      {"caf\xC3\xA9", "caf\xC3\xA9"},                            // U+00E9
      {"\xE5\x94\xB1\xE6\xAD\x8C", "\xE5\x94\xB1\xE6\xAD\x8C"},  // 唱歌
      {"\xF0\x9F\x8E\xB5 la", "\xF0\x9F\x8E\xB5 la"},            // U+1F3B5
      {"\xC2\x80", "\xC2\x80"},                                  // U+0080, lowest two-byte
      {"\xDF\xBF", "\xDF\xBF"},                                  // U+07FF
      {"\xE0\xA0\x80", "\xE0\xA0\x80"},                          // U+0800, lowest three-byte
      {"\xED\x9F\xBF", "\xED\x9F\xBF"},                          // U+D7FF, just below surrogates
      {"\xEE\x80\x80", "\xEE\x80\x80"},                          // U+E000, just above surrogates
      {"\xEF\xBF\xBF", "\xEF\xBF\xBF"},                          // U+FFFF
      {"\xF0\x90\x80\x80", "\xF0\x90\x80\x80"},                  // U+10000, lowest four-byte
      {"\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF"},                  // U+10FFFF, the highest
  };
  for (const auto& c : cases) {
    CAPTURE(c.input);
    CHECK(escaped(c.input) == c.expected);
  }
}

TEST_CASE("utf8: quotes, backslashes and control characters are escaped", "[utf8]") {
  const EscapeCase cases[] = {
      {"say \"hi\"", R"(say \"hi\")"},
      {R"(C:\dir)", R"(C:\\dir)"},
      {"a\nb", R"(a\nb)"},
      {"a\tb", R"(a\tb)"},
      {"a\rb", R"(a\rb)"},
      {"a\bb", R"(a\bb)"},
      {"a\fb", R"(a\fb)"},
      {"\0"s, R"(\u0000)"},
      {"\x01", R"(\u0001)"},
      {"\x1B[31mred\x1B[0m", R"(\u001b[31mred\u001b[0m)"},
      {"\x1F", R"(\u001f)"},
      {"\x7F", R"(\u007f)"},
      {" ~", " ~"},  // the edges of the plain range
      {"/", "/"},    // JSON allows '/' as it is
  };
  for (const auto& c : cases) {
    CAPTURE(c.input);
    CHECK(escaped(c.input) == c.expected);
  }
}

TEST_CASE("utf8: each maximal run of invalid bytes becomes one U+FFFD", "[utf8]") {
  const EscapeCase cases[] = {
      {"\xFF", kFffd},
      {"a\xFF\xFE"
       "b",
       "a" + kFffd + "b"},
      {"\x80", kFffd},  // lone continuation byte
      {"\x80\x80\x80\x80\x80", kFffd},
      {"\xC0\x80", kFffd},                  // overlong NUL
      {"\xC1\xBF", kFffd},                  // overlong two-byte
      {"\xE0\x80\x80", kFffd},              // overlong three-byte
      {"\xE0\x9F\xBF", kFffd},              // overlong U+07FF
      {"\xF0\x80\x80\x80", kFffd},          // overlong four-byte
      {"\xF0\x8F\xBF\xBF", kFffd},          // overlong U+FFFF
      {"\xED\xA0\x80", kFffd},              // surrogate U+D800
      {"\xED\xBF\xBF", kFffd},              // surrogate U+DFFF
      {"\xED\xA0\xBD\xED\xB8\x80", kFffd},  // CESU-8 surrogate pair
      {"\xF4\x90\x80\x80", kFffd},          // U+110000
      {"\xF5\x80\x80\x80", kFffd},          // lead byte past U+10FFFF
      {"\xF8\x88\x80\x80\x80", kFffd},      // old five-byte form
      {"\xE2\x82", kFffd},                  // truncated at the end
      {"\xE2\x82"
       "x",
       kFffd + "x"},                                             // truncated before ASCII
      {"\xF0\x9F\x8E", kFffd},                                   // truncated four-byte
      {"\xE2\x82\xFF", kFffd},                                   // truncated, then another bad byte
      {"\xFF\xE2\x82\xAC\xFF", kFffd + "\xE2\x82\xAC" + kFffd},  // valid € between runs
      {"\xC3\xA9\xC3", "\xC3\xA9" + kFffd},
      {"\xFF\n\xFF", kFffd + R"(\n)" + kFffd},  // an escape ends a run
  };
  for (const auto& c : cases) {
    CAPTURE(c.input);
    CHECK(escaped(c.input) == c.expected);
  }
}

TEST_CASE("utf8: escaping finds a special byte at every position of a long run", "[utf8]") {
  const EscapeCase specials[] = {
      {"\"", R"(\")"},       {"\\", R"(\\)"}, {"\n", R"(\n)"},          {"\x1F", R"(\u001f)"},
      {"\x7F", R"(\u007f)"}, {"\xFF", kFffd}, {"\xC3\xA9", "\xC3\xA9"},
  };
  for (const auto& special : specials) {
    for (std::size_t at = 0; at <= 24; ++at) {
      const std::string before(at, 'a');
      const std::string after(24 - at, 'b');
      CAPTURE(special.input, at);
      CHECK(escaped(before + special.input + after) == before + special.expected + after);
    }
  }
}

TEST_CASE("utf8: escaping appends to what the string already holds", "[utf8]") {
  std::string out = R"({"text":")";
  mtask::append_json_escaped(out, "a\"b");
  CHECK(out == R"({"text":"a\"b)");
}

TEST_CASE("utf8: a safe cut never ends inside a character", "[utf8]") {
  struct Case {
    std::string text;
    std::size_t limit;
    std::size_t expected;
  };
  const std::string euro = "\xE2\x82\xAC";      // 3 bytes
  const std::string note = "\xF0\x9F\x8E\xB5";  // 4 bytes
  const Case cases[] = {
      {"abcdef", 3, 3},
      {"abc", 3, 3},
      {"abc", 10, 3},
      {"", 0, 0},
      {"ab" + euro, 2, 2},
      {"ab" + euro, 3, 2},
      {"ab" + euro, 4, 2},
      {"ab" + euro, 5, 5},
      {"ab" + euro + "c", 5, 5},
      {note + note, 1, 0},
      {note + note, 3, 0},
      {note + note, 4, 4},
      {note + note, 6, 4},
      {"a" + note.substr(0, 2), 2, 1},  // incomplete at the end of the text: still whole
      {"\xFF\x80\x80\x80\x80", 2, 2},   // invalid bytes are cut anywhere
      {"a\xE2\x82x", 2, 2},             // a broken sequence is cut anywhere
      {"\xED\xA0\x80", 1, 1},           // so is a surrogate
  };
  for (const auto& c : cases) {
    CAPTURE(c.text, c.limit);
    CHECK(mtask::utf8_safe_cut(c.text, c.limit) == c.expected);
  }
}

TEST_CASE("utf8: length counts code points and each invalid byte", "[utf8]") {
  struct Case {
    std::string text;
    std::size_t expected;
  };
  const Case cases[] = {
      {"", 0},
      {"sing", 4},
      {"\xE5\x94\xB1\xE6\xAD\x8C", 2},
      {"caf\xC3\xA9", 4},
      {"\xF0\x9F\x8E\xB5", 1},
      {"\xFF\xFE", 2},
      {"\xE2\x82", 2},
      {"a\xC0\x80"
       "b",
       4},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(mtask::utf8_length(c.text) == c.expected);
  }
}

TEST_CASE("utf8: decode gives the code point and length, or why there is none", "[utf8]") {
  using mtask::Utf8Error;
  struct Case {
    std::string text;
    std::size_t pos;
    char32_t code_point;
    std::size_t length;
    Utf8Error error;
  };
  const Case cases[] = {
      {"a", 0, U'a', 1, Utf8Error::kNone},
      {"\0"s, 0, 0, 1, Utf8Error::kNone},
      {"x\xC3\xA9", 1, 0xE9, 2, Utf8Error::kNone},
      {"\xE5\x94\xB1", 0, 0x5531, 3, Utf8Error::kNone},
      {"\xF0\x9F\x8E\xB5", 0, 0x1F3B5, 4, Utf8Error::kNone},
      {"\xF4\x8F\xBF\xBF", 0, 0x10FFFF, 4, Utf8Error::kNone},
      {"\xED\x9F\xBF", 0, 0xD7FF, 3, Utf8Error::kNone},
      {"\x80", 0, 0, 1, Utf8Error::kContinuation},
      {"\xBF", 0, 0, 1, Utf8Error::kContinuation},
      {"\xC0\xAF", 0, 0, 1, Utf8Error::kOverlong},
      {"\xC1\xBF", 0, 0, 1, Utf8Error::kOverlong},
      {"\xE0\x80\xAF", 0, 0, 1, Utf8Error::kOverlong},
      {"\xF0\x8F\xBF\xBF", 0, 0, 1, Utf8Error::kOverlong},
      {"\xED\xA0\x80", 0, 0, 1, Utf8Error::kSurrogate},
      {"\xF4\x90\x80\x80", 0, 0, 1, Utf8Error::kTooLarge},
      {"\xF5\x80\x80\x80", 0, 0, 1, Utf8Error::kInvalidByte},
      {"\xFF", 0, 0, 1, Utf8Error::kInvalidByte},
      {"\xC3"
       "a",
       0, 0, 1, Utf8Error::kTruncated},
      {"\xE5\x94"
       "a",
       0, 0, 1, Utf8Error::kTruncated},
      // Cut short by the end: well formed so far, or already wrong in its second byte.
      {"\xC3", 0, 0, 1, Utf8Error::kIncomplete},
      {"\xF0\x9F\x8E", 0, 0, 1, Utf8Error::kIncomplete},
      {"\xE0\xA0", 0, 0, 1, Utf8Error::kIncomplete},
      {"\xE0\x80", 0, 0, 1, Utf8Error::kTruncated},
      {"\xED\xA0", 0, 0, 1, Utf8Error::kTruncated},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text, c.pos);
    const mtask::Utf8Char ch = mtask::decode_utf8(c.text, c.pos);
    CHECK(ch.error == c.error);
    CHECK(ch.length == c.length);
    CHECK(ch.valid() == (c.error == Utf8Error::kNone));
    if (ch.valid()) CHECK(ch.code_point == c.code_point);
  }
}
