#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "mtask/run/line_splitter.hpp"

namespace {

struct Piece {
  std::string text;
  bool partial;
  bool operator==(const Piece&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Piece& p) {
  return os << '{' << '"' << p.text << '"' << (p.partial ? ", partial}" : "}");
}

// Feeds the chunks in turn, then finishes, and collects what the splitter delivered.
class Collector {
 public:
  explicit Collector(std::size_t max_piece = mtask::kMaxLinePiece) : splitter_(max_piece) {}

  Collector& feed(std::string_view bytes) {
    splitter_.feed(bytes, sink());
    return *this;
  }
  Collector& finish() {
    splitter_.finish(sink());
    return *this;
  }
  const std::vector<Piece>& pieces() const { return pieces_; }
  mtask::LineSplitter& splitter() { return splitter_; }

 private:
  mtask::LineSplitter::Sink sink() {
    return [this](std::string_view text, bool partial) {
      pieces_.push_back({std::string(text), partial});
    };
  }

  mtask::LineSplitter splitter_;
  std::vector<Piece> pieces_;
};

std::vector<Piece> split(const std::vector<std::string>& chunks, std::size_t max_piece) {
  Collector c(max_piece);
  for (const auto& chunk : chunks) c.feed(chunk);
  return c.finish().pieces();
}

struct Case {
  const char* what;
  std::vector<std::string> chunks;
  std::size_t max_piece;
  std::vector<Piece> expected;
};

}  // namespace

TEST_CASE("line splitter: lines are joined across reads and cut at newlines", "[line_splitter]") {
  const std::size_t big = mtask::kMaxLinePiece;
  const Case cases[] = {
      {"nothing", {}, big, {}},
      {"an empty read", {""}, big, {}},
      {"one line", {"sing... (1/3)\n"}, big, {{"sing... (1/3)", false}}},
      {"two lines in one read", {"a\nb\n"}, big, {{"a", false}, {"b", false}}},
      {"empty lines", {"\n\n"}, big, {{"", false}, {"", false}}},
      {"a line in three reads", {"ab", "c", "def\n"}, big, {{"abcdef", false}}},
      {"a newline on its own", {"abc", "\n"}, big, {{"abc", false}}},
      {"a read that ends one line and starts another",
       {"ab", "c\nde", "f\n"},
       big,
       {{"abc", false}, {"def", false}}},
      {"carriage returns are data", {"a\r\n\r\n"}, big, {{"a\r", false}, {"\r", false}}},
      {"a last line without newline", {"a\nlast"}, big, {{"a", false}, {"last", false}}},
      {"NUL bytes are data", {std::string("a\0b\n", 4)}, big, {{std::string("a\0b", 3), false}}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    CHECK(split(c.chunks, c.max_piece) == c.expected);
  }
}

TEST_CASE("line splitter: a long line comes in pieces of at most max_piece", "[line_splitter]") {
  const std::string euro = "\xE2\x82\xAC";
  const Case cases[] = {
      {"exactly max_piece is one piece", {"abcd\n"}, 4, {{"abcd", false}}},
      {"exactly max_piece without newline", {"abcd"}, 4, {{"abcd", false}}},
      {"one byte more", {"abcde\n"}, 4, {{"abcd", true}, {"e", false}}},
      {"several pieces", {"abcdefghij\n"}, 4, {{"abcd", true}, {"efgh", true}, {"ij", false}}},
      {"twice max_piece", {"abcdefgh\n"}, 4, {{"abcd", true}, {"efgh", false}}},
      {"pieces across reads",
       {"ab", "cde", "fghij", "\n"},
       4,
       {{"abcd", true}, {"efgh", true}, {"ij", false}}},
      {"byte by byte", {"a", "b", "c", "d", "e", "f", "\n"}, 4, {{"abcd", true}, {"ef", false}}},
      {"a long line then a short one",
       {"abcdef\nxy\n"},
       4,
       {{"abcd", true}, {"ef", false}, {"xy", false}}},
      {"a character is not split",
       {"ab" + euro + "cd\n"},
       4,
       {{"ab", true}, {euro + "c", true}, {"d", false}}},
      {"a character split across reads is not split either",
       {"ab\xE2",
        "\x82\xAC"
        "cd\n"},
       4,
       {{"ab", true}, {euro + "c", true}, {"d", false}}},
      {"held bytes cut before a character",
       {"abc", "d" + euro + "\n"},
       4,
       {{"abcd", true}, {euro, false}}},
      {"invalid bytes are cut at max_piece",
       {"\xFF\xFF\xFF\xFF\xFF\n"},
       4,
       {{"\xFF\xFF\xFF\xFF", true}, {"\xFF", false}}},
      {"a long last line without newline", {"abcdef"}, 4, {{"abcd", true}, {"ef", false}}},
      {"a character longer than max_piece is cut through",
       {"\xF0\x9F\x8E\xB5\n"},
       2,
       {{"\xF0\x9F", true}, {"\x8E\xB5", false}}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    CHECK(split(c.chunks, c.max_piece) == c.expected);
  }
}

TEST_CASE("line splitter: any way of reading gives the same lines", "[line_splitter]") {
  const std::string input =
      "first\n\xE5\x94\xB1\xE6\xAD\x8C and a longer line \xF0\x9F\x8E\xB5\n\nx\xFFy\ntail";
  for (const std::size_t max_piece :
       {std::size_t{4}, std::size_t{5}, std::size_t{7}, std::size_t{64}}) {
    std::vector<std::string> whole{input};
    const auto expected = split(whole, max_piece);
    for (std::size_t chunk = 1; chunk <= 9; ++chunk) {
      std::vector<std::string> chunks;
      for (std::size_t at = 0; at < input.size(); at += chunk)
        chunks.push_back(input.substr(at, chunk));
      CAPTURE(max_piece, chunk);
      CHECK(split(chunks, max_piece) == expected);
    }
    // Joining the pieces gives back the input, and no piece is too long or splits a character.
    std::string joined;
    for (const auto& piece : expected) {
      CHECK(piece.text.size() <= max_piece);
      joined += piece.text;
      if (!piece.partial) joined += '\n';
    }
    CHECK(joined == input + "\n");
  }
}

TEST_CASE("line splitter: mid_line is true between the pieces of a line", "[line_splitter]") {
  Collector c(4);
  CHECK_FALSE(c.splitter().mid_line());
  c.feed("abc");
  CHECK_FALSE(c.splitter().mid_line());  // held, nothing delivered yet
  CHECK(c.splitter().pending() == 3);
  c.feed("defg");
  CHECK(c.splitter().mid_line());
  CHECK(c.splitter().pending() == 3);
  c.feed("\n");
  CHECK_FALSE(c.splitter().mid_line());
  CHECK(c.splitter().pending() == 0);
  c.feed("abcdefgh");
  CHECK(c.splitter().mid_line());
  c.finish();
  CHECK_FALSE(c.splitter().mid_line());
  CHECK(c.pieces() ==
        std::vector<Piece>{{"abcd", true}, {"efg", false}, {"abcd", true}, {"efgh", false}});
}

TEST_CASE("line splitter: finish delivers nothing when no line is open", "[line_splitter]") {
  Collector c;
  c.feed("done\n").finish().finish();
  CHECK(c.pieces() == std::vector<Piece>{{"done", false}});
}

TEST_CASE("line splitter: memory stays bounded by max_piece", "[line_splitter]") {
  Collector c(16);
  std::size_t most = 0;
  for (int i = 0; i < 1000; ++i) {
    c.feed("0123456789abc");
    most = std::max(most, c.splitter().pending());
  }
  CHECK(most <= 16);
}

TEST_CASE("line splitter: a line inside one read is delivered without copying", "[line_splitter]") {
  const std::string input = "first\nsecond\n" + std::string(10, 'x') + "\n";
  mtask::LineSplitter splitter(4);
  std::vector<const char*> starts;
  splitter.feed(input, [&](std::string_view text, bool) { starts.push_back(text.data()); });
  REQUIRE(starts.size() >= 3);
  for (const char* start : starts) {
    CHECK(start >= input.data());
    CHECK(start < input.data() + input.size());
  }
}

TEST_CASE("line splitter: the default piece is 64 KiB", "[line_splitter]") {
  const std::string line(mtask::kMaxLinePiece * 2 + 10, 'z');
  const auto pieces = split({line + "\n"}, mtask::kMaxLinePiece);
  REQUIRE(pieces.size() == 3);
  CHECK(pieces[0].text.size() == 65536);
  CHECK(pieces[0].partial);
  CHECK(pieces[1].partial);
  CHECK(pieces[2].text.size() == 10);
  CHECK_FALSE(pieces[2].partial);
}
