#include "mtask/text/utf8.hpp"

#include <array>
#include <cstdint>
#include <cstring>

namespace mtask {
namespace {

constexpr bool is_continuation(unsigned char byte) { return (byte & 0xC0U) == 0x80U; }

// True for the bytes that go into a JSON string as they are and are plain ASCII.
constexpr std::array<bool, 256> make_plain_table() {
  std::array<bool, 256> table{};
  for (std::size_t c = 0x20; c < 0x7F; ++c) table[c] = true;
  table['"'] = false;
  table['\\'] = false;
  return table;
}
constexpr std::array<bool, 256> kPlain = make_plain_table();

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// Whether any byte of `word` is below `n` (n <= 0x80); exact as a yes/no answer.
constexpr bool has_byte_below(std::uint64_t word, std::uint64_t n) {
  return ((word - kOnes * n) & ~word & kHighs) != 0;
}

constexpr bool has_byte(std::uint64_t word, std::uint64_t value) {
  return has_byte_below(word ^ (kOnes * value), 1);
}

// Eight bytes at a time: whether none of them needs a look of its own.
bool all_plain(const char* p) {
  std::uint64_t word = 0;
  std::memcpy(&word, p, sizeof word);
  return (word & kHighs) == 0 && !has_byte_below(word, 0x20) && !has_byte(word, '"') &&
         !has_byte(word, '\\') && !has_byte(word, 0x7F);
}

// The end of the run of plain ASCII bytes that starts at `at`.
std::size_t skip_plain(std::string_view text, std::size_t at) {
  while (text.size() - at >= 8 && all_plain(text.data() + at)) at += 8;
  while (at < text.size() && kPlain[static_cast<unsigned char>(text[at])]) ++at;
  return at;
}

void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    default:
      break;
  }
  constexpr std::string_view kHex = "0123456789abcdef";
  const std::size_t value = c;
  const char escape[] = {'\\', 'u', '0', '0', kHex[value >> 4U], kHex[value & 0xFU]};
  out.append(escape, sizeof escape);
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

Utf8Char decode_utf8(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const unsigned lead = byte(0);
  if (lead < 0x80U) return {.code_point = lead};
  if (lead < 0xC0U) return {.error = Utf8Error::kContinuation};
  if (lead < 0xC2U) return {.error = Utf8Error::kOverlong};
  if (lead > 0xF4U) return {.error = Utf8Error::kInvalidByte};
  const std::size_t length = lead < 0xE0U ? 2 : lead < 0xF0U ? 3 : 4;
  // The second byte's range for a well-formed sequence; outside it is one of the errors below.
  const unsigned second_lo = lead == 0xE0U ? 0xA0U : lead == 0xF0U ? 0x90U : 0x80U;
  const unsigned second_hi = lead == 0xEDU ? 0x9FU : lead == 0xF4U ? 0x8FU : 0xBFU;
  char32_t value = lead & (0x7FU >> length);
  for (std::size_t i = 1; i < length; ++i) {
    if (pos + i >= text.size()) {
      const bool well_formed = i == 1 || (byte(1) >= second_lo && byte(1) <= second_hi);
      return {.error = well_formed ? Utf8Error::kIncomplete : Utf8Error::kTruncated};
    }
    if (!is_continuation(byte(i))) return {.error = Utf8Error::kTruncated};
    value = (value << 6U) | (byte(i) & 0x3FU);
  }
  constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kSmallest[length]) return {.error = Utf8Error::kOverlong};
  if (value >= 0xD800 && value <= 0xDFFF) return {.error = Utf8Error::kSurrogate};
  if (value > 0x10FFFF) return {.error = Utf8Error::kTooLarge};
  return {.code_point = value, .length = length};
}

std::size_t json_plain_prefix(std::string_view text) { return skip_plain(text, 0); }

void append_json_escaped(std::string& out, std::string_view text) {
  out.reserve(out.size() + text.size());
  // Bytes that go out unchanged (ASCII and valid multi-byte sequences) are copied in runs.
  std::size_t run = 0;
  std::size_t at = 0;
  while (true) {
    at = skip_plain(text, at);
    if (at == text.size()) break;
    const auto c = static_cast<unsigned char>(text[at]);
    if (c < 0x80U) {
      out.append(text.data() + run, at - run);
      append_escape(out, c);
      run = ++at;
      continue;
    }
    const Utf8Char first = decode_utf8(text, at);
    if (first.valid()) {
      at += first.length;
      continue;
    }
    out.append(text.data() + run, at - run);
    out += kReplacement;
    ++at;
    while (at < text.size() && static_cast<unsigned char>(text[at]) >= 0x80U &&
           !decode_utf8(text, at).valid()) {
      ++at;
    }
    run = at;
  }
  out.append(text.data() + run, text.size() - run);
}

std::size_t utf8_safe_cut(std::string_view text, std::size_t limit) {
  if (limit >= text.size()) return text.size();
  if (!is_continuation(static_cast<unsigned char>(text[limit]))) return limit;
  // text[limit] continues a sequence that may start up to three bytes earlier.
  const std::size_t lowest = limit >= 3 ? limit - 3 : 0;
  for (std::size_t start = limit; start-- > lowest;) {
    if (is_continuation(static_cast<unsigned char>(text[start]))) continue;
    // A sequence the end of `text` cuts short reaches past `limit` (< text.size()) too.
    const Utf8Char ch = decode_utf8(text, start);
    if (ch.error == Utf8Error::kIncomplete || (ch.valid() && start + ch.length > limit)) {
      return start;
    }
    break;
  }
  return limit;
}

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t at = 0; at < text.size(); ++count) {
    at += decode_utf8(text, at).length;
  }
  return count;
}

}  // namespace mtask
