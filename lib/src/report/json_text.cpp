#include "report/json_text.hpp"

#include <cstdint>
#include <cstring>

#include "mtask/text/utf8.hpp"

namespace mtask::detail {
namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// Whether any byte of `word` is below `n` (n <= 0x80); exact as a yes/no answer.
constexpr bool has_byte_below(std::uint64_t word, std::uint64_t n) {
  return ((word - kOnes * n) & ~word & kHighs) != 0;
}

constexpr bool has_byte(std::uint64_t word, std::uint64_t value) {
  return has_byte_below(word ^ (kOnes * value), 1);
}

// A byte that goes into a JSON string as it is and is plain ASCII.
constexpr bool plain(unsigned char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; }

// The length of the run of plain ASCII bytes at the start of `text`.
std::size_t plain_prefix(std::string_view text) {
  std::size_t at = 0;
  for (; text.size() - at >= 8; at += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + at, sizeof word);
    if ((word & kHighs) != 0 || has_byte_below(word, 0x20) || has_byte(word, '"') ||
        has_byte(word, '\\') || has_byte(word, 0x7F)) {
      break;
    }
  }
  while (at < text.size() && plain(static_cast<unsigned char>(text[at]))) ++at;
  return at;
}

}  // namespace

char* put_json_text(char* out, std::string_view text, std::string& scratch) {
  const std::size_t plain_size = plain_prefix(text);
  if (plain_size > 0) std::memcpy(out, text.data(), plain_size);
  out += plain_size;
  if (plain_size == text.size()) return out;
  // Escaping starts afresh after an ASCII byte: the rest escapes as it would in place.
  scratch.clear();
  append_json_escaped(scratch, text.substr(plain_size));
  std::memcpy(out, scratch.data(), scratch.size());
  return out + scratch.size();
}

}  // namespace mtask::detail
