#include "mtask/grammar/task.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "grammar/unicode_table.hpp"
#include "mtask/error.hpp"

namespace mtask {
namespace {

constexpr std::string_view kForm = "NAME[:COUNT][@INTERVAL][=COMMAND]";

// ---- UTF-8 ---------------------------------------------------------------------------------

enum class Utf8Error {
  kNone,
  kContinuation,
  kInvalidByte,
  kOverlong,
  kSurrogate,
  kTooLarge,
  kTruncated
};

struct CodePoint {
  char32_t value = 0;
  std::size_t size = 1;  ///< bytes used; 1 for an error, so that decoding resumes at the next
  Utf8Error error = Utf8Error::kNone;
};

CodePoint decode(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned lead = byte(pos);
  if (lead < 0x80) return {.value = lead};
  if (lead < 0xC0) return {.error = Utf8Error::kContinuation};
  if (lead < 0xC2) return {.error = Utf8Error::kOverlong};
  if (lead > 0xF4) return {.error = Utf8Error::kInvalidByte};
  const std::size_t size = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  char32_t value = lead & (0x7Fu >> size);
  for (std::size_t i = 1; i < size; ++i) {
    if (pos + i >= text.size() || (byte(pos + i) & 0xC0u) != 0x80u) {
      return {.error = Utf8Error::kTruncated};
    }
    value = (value << 6) | (byte(pos + i) & 0x3Fu);
  }
  constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kSmallest[size]) return {.error = Utf8Error::kOverlong};
  if (value >= 0xD800 && value <= 0xDFFF) return {.error = Utf8Error::kSurrogate};
  if (value > 0x10FFFF) return {.error = Utf8Error::kTooLarge};
  return {.value = value, .size = size};
}

std::string_view describe(Utf8Error error) {
  switch (error) {
    case Utf8Error::kNone:
      break;
    case Utf8Error::kContinuation:
      return "unexpected continuation byte";
    case Utf8Error::kInvalidByte:
      return "a byte that never appears in UTF-8";
    case Utf8Error::kOverlong:
      return "overlong encoding";
    case Utf8Error::kSurrogate:
      return "encoded UTF-16 surrogate";
    case Utf8Error::kTooLarge:
      return "code point above U+10FFFF";
    case Utf8Error::kTruncated:
      return "truncated sequence";
  }
  return "no error";
}

bool is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

// Code points that can move the cursor or reorder what a terminal shows.
bool is_unsafe_to_print(char32_t cp) {
  return is_control(cp) || cp == 0x2028 || cp == 0x2029 || cp == 0x061C || cp == 0x200E ||
         cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// ---- the parts of a TASK -------------------------------------------------------------------

std::string unwanted_code_point(char32_t cp) {
  if (cp == 0x1B) return "task name must not contain an escape character (ESC, U+001B)";
  if (cp == ' ') return "task name must not contain a space";
  const auto code = static_cast<std::uint32_t>(cp);
  if (is_control(cp)) {
    return fmt::format("task name must not contain control character U+{:04X}", code);
  }
  if (unicode::is_separator(cp)) {
    return fmt::format("task name must not contain whitespace U+{:04X}", code);
  }
  constexpr std::string_view kAllowed = "use letters, marks, digits, '_', '-' or '.'";
  if (cp == '\'') return fmt::format("task name must not contain \"'\" ({})", kAllowed);
  if (cp < 0x80) {
    return fmt::format("task name must not contain '{}' ({})", static_cast<char>(cp), kAllowed);
  }
  return fmt::format("task name must not contain U+{:04X} ({})", code, kAllowed);
}

bool is_name_code_point(char32_t cp) {
  return cp == '_' || cp == '-' || cp == '.' || unicode::is_letter_mark_or_number(cp);
}

std::uint64_t count_from(std::string_view text) {
  if (text.empty()) throw UsageError("empty count after ':'");
  if (text.front() == '-' || text.front() == '+') throw UsageError("count must not have a sign");
  if (!std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; })) {
    throw UsageError(fmt::format("count must be a decimal integer from 0 to {}", kMaxCount));
  }
  // Saturate instead of overflowing: any value above the maximum is rejected the same way.
  std::uint64_t value = 0;
  for (const char c : text) {
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
    if (value > kMaxCount) throw UsageError(fmt::format("count over the {} maximum", kMaxCount));
  }
  return value;
}

Duration parse_interval(std::string_view text) {
  if (text.empty()) throw UsageError("empty interval after '@'");
  return parse_duration(text);
}

std::string parse_command(std::string_view text) {
  if (text.empty()) throw UsageError("empty command after '='");
  if (text.find('\0') != std::string_view::npos) {
    throw UsageError("command must not contain a NUL byte");
  }
  if (std::ranges::all_of(text, [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); })) {
    throw UsageError("blank command after '='");
  }
  return std::string(text);
}

// parse_task without the quoting: throws UsageError with the rule alone.
TaskSpec parse_unquoted(std::string_view arg) {
  if (arg.empty()) throw UsageError(fmt::format("empty task (the form is {})", kForm));
  const std::size_t equals = arg.find('=');
  const std::string_view head = arg.substr(0, equals);
  const std::size_t colon = head.find(':');
  const std::size_t at = head.find('@');
  constexpr auto npos = std::string_view::npos;
  if (colon != npos && head.find(':', colon + 1) != npos) {
    throw UsageError(fmt::format("':' may appear only once before '=' (the form is {})", kForm));
  }
  if (at != npos && head.find('@', at + 1) != npos) {
    throw UsageError(fmt::format("'@' may appear only once before '=' (the form is {})", kForm));
  }
  if (colon != npos && at != npos && at < colon) {
    throw UsageError(fmt::format("COUNT must come before INTERVAL (the form is {})", kForm));
  }

  TaskSpec spec;
  spec.name = std::string(head.substr(0, std::min(colon, at)));
  if (std::string error = name_error(spec.name); !error.empty()) throw UsageError(error);
  if (colon != npos) {
    spec.count = count_from(head.substr(colon + 1, at == npos ? npos : at - colon - 1));
  }
  if (at != npos) spec.interval = parse_interval(head.substr(at + 1));
  if (equals != npos) spec.command = parse_command(arg.substr(equals + 1));
  return spec;
}

}  // namespace

std::string quote_arg(std::string_view text) {
  std::string out = "'";
  out.reserve(text.size() + 2);
  for (std::size_t pos = 0; pos < text.size();) {
    const CodePoint cp = decode(text, pos);
    const unsigned char byte = static_cast<unsigned char>(text[pos]);
    if (cp.error != Utf8Error::kNone) {
      out += fmt::format("\\x{:02x}", byte);
    } else if (cp.value == '\n') {
      out += "\\n";
    } else if (cp.value == '\t') {
      out += "\\t";
    } else if (cp.value == '\r') {
      out += "\\r";
    } else if (cp.value < 0x80 && is_unsafe_to_print(cp.value)) {
      out += fmt::format("\\x{:02x}", byte);
    } else if (is_unsafe_to_print(cp.value)) {
      out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(cp.value));
    } else {
      out += text.substr(pos, cp.size);
    }
    pos += cp.size;
  }
  out += '\'';
  return out;
}

std::uint64_t parse_count(std::string_view text) { return count_from(text); }

std::string name_error(std::string_view name) {
  if (name.empty()) return "empty task name";
  if (name.front() == '-') return "task name must not start with '-'";
  if (name.front() == '.') return "task name must not start with '.'";
  std::size_t length = 0;
  for (std::size_t pos = 0; pos < name.size(); ++length) {
    const CodePoint cp = decode(name, pos);
    if (cp.error != Utf8Error::kNone) {
      return fmt::format("task name is not valid UTF-8 ({} at byte {})", describe(cp.error),
                         pos + 1);
    }
    if (!is_name_code_point(cp.value)) return unwanted_code_point(cp.value);
    pos += cp.size;
  }
  if (length > kMaxNameLength) {
    return fmt::format("task name is {} code points long (maximum {})", length, kMaxNameLength);
  }
  return {};
}

TaskSpec parse_task(std::string_view arg) {
  try {
    return parse_unquoted(arg);
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("{}: {}", quote_arg(arg), e.what()));
  }
}

std::string to_string(const TaskSpec& spec) {
  std::string text = spec.name;
  if (spec.count) text += fmt::format(":{}", *spec.count);
  if (spec.interval) {
    text += '@';
    text += format_duration(*spec.interval);
  }
  if (spec.command) {
    text += '=';
    text += *spec.command;
  }
  return text;
}

Task resolve(const TaskSpec& spec, const TaskDefaults& defaults, std::size_t index) {
  const bool is_command = spec.command.has_value();
  const std::uint64_t builtin_count = is_command ? 1 : 3;
  const Duration builtin_interval = is_command ? Duration::zero() : std::chrono::milliseconds(500);
  return Task{
      .name = spec.name,
      .count = spec.count.value_or(defaults.count.value_or(builtin_count)),
      .interval = spec.interval.value_or(defaults.interval.value_or(builtin_interval)),
      .command = spec.command.value_or(std::string{}),
      .index = index,
  };
}

}  // namespace mtask
