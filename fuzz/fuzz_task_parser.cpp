// libFuzzer target over the pure parsing layer: parse_task, parse_duration, format_duration.
//
// Properties checked on every input (a broken one aborts, which libFuzzer reports as a crash):
// - parse_task either accepts, or throws mtask::UsageError and nothing else, whose message is
//   `'<quoted input>': <rule>` on one line that is safe to print on a terminal;
// - what parse_task accepts obeys the grammar's limits, prints (to_string) to a canonical text
//   that parses back to an equal TaskSpec, and that text is a fixed point;
// - the same for parse_duration with format_duration, plus format -> parse on an arbitrary
//   duration taken from the input's first bytes;
// - `t@<input>` is accepted as a TASK exactly when <input> is accepted as a DURATION.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>

#include "mtask/error.hpp"
#include "mtask/grammar/duration.hpp"
#include "mtask/grammar/task.hpp"

namespace {

[[noreturn]] void fail(std::string_view property, std::string_view input,
                       std::string_view detail = {}) {
  const std::string shown = mtask::quote_arg(input);
  std::fprintf(stderr, "\nproperty broken: %.*s\ninput: %s\n%.*s\n",
               static_cast<int>(property.size()), property.data(), shown.c_str(),
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

void require(bool ok, std::string_view property, std::string_view input,
             std::string_view detail = {}) {
  if (!ok) fail(property, input, detail);
}

bool in(unsigned char byte, unsigned lo, unsigned hi) { return byte >= lo && byte <= hi; }

// Valid UTF-8 with no control character (C0, DEL, C1), line or paragraph separator or
// bidirectional control. Written from the table of well-formed byte sequences (Unicode 3.9,
// table 3-7), independently of the library's decoder.
bool is_terminal_safe(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char b = byte(i);
    if (b < 0x80) {
      if (b < 0x20 || b == 0x7F) return false;
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned lo = 0x80;
    unsigned hi = 0xBF;
    if (in(b, 0xC2, 0xDF)) {
      length = 2;
    } else if (in(b, 0xE0, 0xEF)) {
      length = 3;
      lo = b == 0xE0 ? 0xA0 : 0x80;
      hi = b == 0xED ? 0x9F : 0xBF;
    } else if (in(b, 0xF0, 0xF4)) {
      length = 4;
      lo = b == 0xF0 ? 0x90 : 0x80;
      hi = b == 0xF4 ? 0x8F : 0xBF;
    } else {
      return false;
    }
    if (i + length > text.size() || !in(byte(i + 1), lo, hi)) return false;
    for (std::size_t k = 2; k < length; ++k) {
      if (!in(byte(i + k), 0x80, 0xBF)) return false;
    }
    const std::string_view sequence = text.substr(i, length);
    if (b == 0xC2 && byte(i + 1) <= 0x9F) return false;  // C1 controls
    if (sequence == "\u061C" || sequence == "\u200E" || sequence == "\u200F") return false;
    if (b == 0xE2 && byte(i + 1) == 0x80 && in(byte(i + 2), 0xA8, 0xAE)) return false;
    if (b == 0xE2 && byte(i + 1) == 0x81 && in(byte(i + 2), 0xA6, 0xA9)) return false;
    i += length;
  }
  return true;
}

void check_rule(std::string_view rule, std::string_view input) {
  require(!rule.empty(), "a usage error names a rule", input);
  require(is_terminal_safe(rule), "a usage error is one line safe to print", input, rule);
}

// Runs `parse`; returns true when it accepted. A UsageError goes to `on_error`; any other
// exception breaks a property.
template <typename Parse, typename OnError>
bool accepts(std::string_view input, Parse parse, OnError on_error) {
  try {
    parse();
    return true;
  } catch (const mtask::UsageError& e) {
    on_error(std::string_view(e.what()));
  } catch (const std::exception& e) {
    fail("only UsageError is thrown", input, e.what());
  } catch (...) {
    fail("only UsageError is thrown", input, "(not a std::exception)");
  }
  return false;
}

bool check_task(std::string_view input) {
  mtask::TaskSpec spec;
  const bool ok = accepts(
      input, [&] { spec = mtask::parse_task(input); },
      [&](std::string_view message) {
        const std::string prefix = mtask::quote_arg(input) + ": ";
        require(message.starts_with(prefix), "a task error starts with the quoted arg", input,
                message);
        check_rule(message.substr(prefix.size()), input);
      });
  if (!ok) return false;

  require(mtask::name_error(spec.name).empty(), "an accepted NAME is valid", input);
  require(!spec.count || *spec.count <= mtask::kMaxCount, "COUNT <= max", input);
  require(!spec.interval ||
              (*spec.interval >= mtask::Duration::zero() && *spec.interval <= mtask::kMaxDuration),
          "0 <= INTERVAL <= 24h", input);
  require(!spec.command || !spec.command->empty(), "COMMAND is not empty", input);

  const std::string canonical = mtask::to_string(spec);
  mtask::TaskSpec again;
  const bool reparsed = accepts(
      canonical, [&] { again = mtask::parse_task(canonical); },
      [&](std::string_view message) { fail("the canonical form parses", input, message); });
  require(reparsed && again == spec, "parse(to_string(spec)) == spec", input, canonical);
  require(mtask::to_string(again) == canonical, "to_string is a fixed point", input, canonical);

  const mtask::Task task = mtask::resolve(spec, {}, 0);
  require(task.is_command() == spec.command.has_value(), "resolve keeps the kind", input);
  return true;
}

void check_duration_value(mtask::Duration d, std::string_view input) {
  const std::string text = mtask::format_duration(d);
  mtask::Duration again{};
  const bool ok = accepts(
      text, [&] { again = mtask::parse_duration(text); },
      [&](std::string_view message) { fail("a formatted duration parses", input, message); });
  require(ok && again == d, "parse_duration(format_duration(d)) == d", input, text);
  require(mtask::format_duration(again) == text, "format_duration is a fixed point", input, text);
}

bool check_duration(std::string_view input) {
  mtask::Duration d{};
  const bool ok = accepts(
      input, [&] { d = mtask::parse_duration(input); },
      [&](std::string_view rule) { check_rule(rule, input); });
  if (!ok) return false;
  require(d >= mtask::Duration::zero() && d <= mtask::kMaxDuration, "0 <= DURATION <= 24h", input);
  check_duration_value(d, input);
  return true;
}

// Any duration from 0 to 24h, taken from the first eight bytes.
void check_any_duration(std::string_view input) {
  if (input.size() < sizeof(std::uint64_t)) return;
  std::uint64_t raw = 0;
  std::memcpy(&raw, input.data(), sizeof raw);
  const auto max = static_cast<std::uint64_t>(mtask::kMaxDuration.count());
  // Also hit round values, which take the other units.
  const std::uint64_t value = raw % (max + 1);
  const std::uint64_t round = value - value % 1'000'000;
  check_duration_value(mtask::Duration{static_cast<mtask::Duration::rep>(value)}, input);
  check_duration_value(mtask::Duration{static_cast<mtask::Duration::rep>(round)}, input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_task(input);
  const bool duration_ok = check_duration(input);
  check_any_duration(input);

  // An INTERVAL is a DURATION: the TASK grammar must agree with parse_duration on it.
  if (input.find_first_of(":@=") == std::string_view::npos) {
    const std::string as_interval = "t@" + std::string(input);
    require(check_task(as_interval) == duration_ok, "t@D is a TASK exactly when D is a DURATION",
            input);
  }
  return 0;
}
