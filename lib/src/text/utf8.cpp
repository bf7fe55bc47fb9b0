#include "mtask/text/utf8.hpp"

#include <array>
#include <cstdint>
#include <cstring>

namespace mtask {
namespace {

// What starts at a position of a byte string, by the well-formed byte sequences of
// Unicode 15, table 3-7 (which rules out overlong forms, surrogates and code points past
// U+10FFFF).
struct Sequence {
  enum Kind { kValid, kIncomplete, kInvalid };
  Kind kind;
  std::size_t length;  // bytes of a valid sequence, or how many were present if incomplete
};

constexpr bool in(unsigned char byte, unsigned char lo, unsigned char hi) {
  return byte >= lo && byte <= hi;
}

constexpr bool is_continuation(unsigned char byte) { return (byte & 0xC0U) == 0x80U; }

// Looks at the sequence that starts at text[at]. A sequence cut short by the end of `text`
// whose bytes so far are well formed is kIncomplete.
Sequence sequence_at(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80U) return {Sequence::kValid, 1};

  std::size_t length = 0;
  unsigned char second_lo = 0x80U;
  unsigned char second_hi = 0xBFU;
  if (in(lead, 0xC2U, 0xDFU)) {
    length = 2;
  } else if (in(lead, 0xE0U, 0xEFU)) {
    length = 3;
    if (lead == 0xE0U) second_lo = 0xA0U;  // overlong below U+0800
    if (lead == 0xEDU) second_hi = 0x9FU;  // surrogates U+D800..U+DFFF
  } else if (in(lead, 0xF0U, 0xF4U)) {
    length = 4;
    if (lead == 0xF0U) second_lo = 0x90U;  // overlong below U+10000
    if (lead == 0xF4U) second_hi = 0x8FU;  // past U+10FFFF
  } else {
    return {Sequence::kInvalid, 1};  // a continuation byte, C0, C1 or F5..FF
  }

  const std::size_t present = text.size() - at < length ? text.size() - at : length;
  for (std::size_t i = 1; i < present; ++i) {
    const bool ok = i == 1 ? in(byte(1), second_lo, second_hi) : is_continuation(byte(i));
    if (!ok) return {Sequence::kInvalid, 1};
  }
  if (present < length) return {Sequence::kIncomplete, present};
  return {Sequence::kValid, length};
}

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
    const Sequence first = sequence_at(text, at);
    if (first.kind == Sequence::kValid) {
      at += first.length;
      continue;
    }
    out.append(text.data() + run, at - run);
    out += kReplacement;
    ++at;
    while (at < text.size() && static_cast<unsigned char>(text[at]) >= 0x80U &&
           sequence_at(text, at).kind != Sequence::kValid) {
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
    const Sequence seq = sequence_at(text, start);
    if (seq.kind != Sequence::kInvalid && start + seq.length > limit) return start;
    break;
  }
  return limit;
}

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t at = 0; at < text.size(); ++count) {
    const Sequence seq = sequence_at(text, at);
    at += seq.kind == Sequence::kValid ? seq.length : 1;
  }
  return count;
}

}  // namespace mtask
