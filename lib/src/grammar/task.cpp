#include "mtask/grammar/task.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "grammar/unicode_table.hpp"
#include "mtask/error.hpp"
#include "mtask/text/decimal.hpp"
#include "mtask/text/quote.hpp"
#include "mtask/text/utf8.hpp"

namespace mtask {
namespace {

constexpr std::string_view kForm = "NAME[:COUNT][@INTERVAL][=COMMAND]";

// ---- UTF-8 ---------------------------------------------------------------------------------

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
    case Utf8Error::kIncomplete:
      return "truncated sequence";
  }
  return "no error";
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
  const std::optional<Decimal> count = parse_decimal(text, kMaxCount);
  if (!count) {
    throw UsageError(fmt::format("count must be a decimal integer from 0 to {}", kMaxCount));
  }
  if (count->over) throw UsageError(fmt::format("count over the {} maximum", kMaxCount));
  return count->value;
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

// ---- hints for a TASK that looks like something else ---------------------------------------

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A NAME for a command line `text`: its first word without a directory ("./smoke api" ->
// "smoke"), or "cmd" when that is no NAME.
std::string name_for_command(std::string_view text) {
  std::string_view word = text.substr(0, text.find(' '));
  if (const std::size_t slash = word.rfind('/'); slash != std::string_view::npos) {
    word = word.substr(slash + 1);
  }
  return name_error(word).empty() ? std::string(word) : "cmd";
}

// " (to run a command write NAME=COMMAND: did you mean 'NAME=COMMAND'?)" for `name` and
// `command`.
std::string command_hint(std::string_view name, std::string_view command) {
  return fmt::format(" (to run a command write NAME=COMMAND: did you mean {}?)",
                     quote_arg(fmt::format("{}={}", name, command)));
}

// A TASK of two words or more and nothing else (no ':', '@' or '=') is most likely a command:
// " (to run a command write NAME=COMMAND: did you mean 'echo=echo hello'?)". Else "".
std::string command_hint_for_name(std::string_view arg) {
  const std::size_t space = arg.find(' ');
  if (space == 0 || space == std::string_view::npos ||
      arg.find_first_not_of(' ', space) == std::string_view::npos ||
      arg.find_first_of(":@=") != std::string_view::npos) {
    return {};
  }
  return command_hint(name_for_command(arg), arg);
}

// The count after ':' of `arg` was no number: a duration ("sing:3s") points at INTERVAL, words
// ("lint:make lint") at NAME=COMMAND. Else "".
std::string hint_for_count(std::string_view arg, std::string_view name, std::string_view count) {
  const std::size_t equals = arg.find('=');
  const std::string_view command = equals == std::string_view::npos ? "" : arg.substr(equals);
  const bool has_unit = !count.empty() && count.back() != '.' && is_ascii_letter(count.back());
  if (has_unit && count.front() >= '0' && count.front() <= '9') {
    try {
      parse_duration(count);
    } catch (const UsageError&) {
      return {};
    }
    const std::string as_interval = fmt::format("{}@{}{}", name, count, command);
    const std::size_t digits = count.find_first_not_of("0123456789");
    // A COUNT too is a likely meaning only for a few lines: 'sing:500ms' means every 500 ms.
    constexpr std::size_t kLikelyCountDigits = 1;
    if (count[digits] == '.' || digits > kLikelyCountDigits) {
      return fmt::format(" (a duration goes after '@': did you mean {}?)", quote_arg(as_interval));
    }
    return fmt::format(
        " (a duration goes after '@': did you mean {} or {}?)",
        quote_arg(fmt::format("{}:{}@{}{}", name, count.substr(0, digits), count, command)),
        quote_arg(as_interval));
  }
  if (equals == std::string_view::npos && !count.empty() && is_ascii_letter(count.front())) {
    return command_hint(name, arg.substr(name.size() + 1));
  }
  return {};
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
  if (std::string error = name_error(spec.name); !error.empty()) {
    throw UsageError(error + command_hint_for_name(arg));
  }
  if (colon != npos) {
    const std::string_view count = head.substr(colon + 1, at == npos ? npos : at - colon - 1);
    try {
      spec.count = count_from(count);
    } catch (const UsageError& error) {
      if (at != npos) throw;
      throw UsageError(error.what() + hint_for_count(arg, spec.name, count));
    }
  }
  if (at != npos) spec.interval = parse_interval(head.substr(at + 1));
  if (equals != npos) spec.command = parse_command(arg.substr(equals + 1));
  return spec;
}

}  // namespace

std::uint64_t parse_count(std::string_view text) { return count_from(text); }

std::string name_error(std::string_view name) {
  if (name.empty()) return "empty task name";
  if (name.front() == '-') return "task name must not start with '-'";
  if (name.front() == '.') return "task name must not start with '.'";
  std::size_t length = 0;
  for (std::size_t pos = 0; pos < name.size(); ++length) {
    const Utf8Char ch = decode_utf8(name, pos);
    if (!ch.valid()) {
      return fmt::format("task name is not valid UTF-8 ({} at byte {})", describe(ch.error),
                         pos + 1);
    }
    if (!is_name_code_point(ch.code_point)) return unwanted_code_point(ch.code_point);
    pos += ch.length;
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
