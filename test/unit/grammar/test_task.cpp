#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "mtask/error.hpp"
#include "mtask/grammar/task.hpp"

namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using mtask::TaskSpec;

struct Accepted {
  std::string arg;
  TaskSpec spec;
};

struct Rejected {
  std::string arg;
  std::string message;
};

std::string repeat(std::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

// The message of the UsageError that parse_task throws, or a note that it threw none.
std::string task_error(std::string_view arg) {
  try {
    return "(accepted as " + mtask::to_string(mtask::parse_task(arg)) + ")";
  } catch (const mtask::UsageError& e) {
    return e.what();
  }
}

constexpr std::string_view kAllowed = "(use letters, marks, digits, '_', '-' or '.')";
constexpr std::string_view kForm = "(the form is NAME[:COUNT][@INTERVAL][=COMMAND])";
const std::string kUnits = "(use ns, us, ms, s, m, h)";

}  // namespace

TEST_CASE("every form of TASK is accepted", "[task]") {
  const auto row = GENERATE(values<Accepted>({
      {"sing", {.name = "sing"}},
      {"sing:3", {.name = "sing", .count = 3}},
      {"dance:3@200ms", {.name = "dance", .count = 3, .interval = 200ms}},
      {"tick:10@0.1", {.name = "tick", .count = 10, .interval = 100ms}},
      {"唱歌:3", {.name = "唱歌", .count = 3}},
      {"health:5@1s=curl -fsS http://127.0.0.1:8080/health",
       {.name = "health",
        .count = 5,
        .interval = 1s,
        .command = "curl -fsS http://127.0.0.1:8080/health"}},
      {"lint=clang-format --dry-run -Werror src/*.cc",
       {.name = "lint", .command = "clang-format --dry-run -Werror src/*.cc"}},
      {"x=a=b", {.name = "x", .command = "a=b"}},
      {"x=:@=", {.name = "x", .command = ":@="}},
      {"x= a", {.name = "x", .command = " a"}},
      {"x=\x1b[31m\n\xff", {.name = "x", .command = "\x1b[31m\n\xff"}},
      {"sing@1s", {.name = "sing", .interval = 1s}},
      {"sing@0", {.name = "sing", .interval = 0s}},
      {"sing:0", {.name = "sing", .count = 0}},
      {"sing:1000000000", {.name = "sing", .count = 1'000'000'000}},
      {"sing:007", {.name = "sing", .count = 7}},
      {"sing:00000000000000000000000000001", {.name = "sing", .count = 1}},
      {"sing:3=echo", {.name = "sing", .count = 3, .command = "echo"}},
      {"sing@24h=true", {.name = "sing", .interval = 24h, .command = "true"}},
      {"a_b-c.d", {.name = "a_b-c.d"}},
      {"_x", {.name = "_x"}},
      {"9", {.name = "9"}},
      {"x-", {.name = "x-"}},
      {"x.", {.name = "x."}},
      {"café", {.name = "café"}},
      {"cafe\u0301", {.name = "cafe\u0301"}},  // a combining mark (Mn)
      {"\u0301x", {.name = "\u0301x"}},        // a NAME may start with a mark
      {"Ω٣", {.name = "Ω٣"}},                  // Greek letter, Arabic-Indic digit (Nd)
      {"Ⅻ½", {.name = "Ⅻ½"}},                  // letter number (Nl), other number (No)
      {"ह\u093f", {.name = "ह\u093f"}},        // a spacing mark (Mc)
      {"𝒜", {.name = "𝒜"}},                    // four bytes of UTF-8
      {repeat("x", 32), {.name = repeat("x", 32)}},
      {repeat("é", 32) + ":1", {.name = repeat("é", 32), .count = 1}},
      {repeat("唱", 32), {.name = repeat("唱", 32)}},
      {repeat("𝒜", 32), {.name = repeat("𝒜", 32)}},
  }));
  CAPTURE(row.arg);
  const TaskSpec spec = mtask::parse_task(row.arg);
  CHECK(spec.name == row.spec.name);
  CHECK(spec.count == row.spec.count);
  CHECK(spec.interval == row.spec.interval);
  CHECK(spec.command == row.spec.command);
  // The canonical text reads back to the same spec, and is a fixed point.
  const std::string canonical = mtask::to_string(spec);
  CHECK(mtask::parse_task(canonical) == spec);
  CHECK(mtask::to_string(mtask::parse_task(canonical)) == canonical);
}

TEST_CASE("a bad TASK is rejected with one line that quotes it and names the rule", "[task]") {
  const auto row = GENERATE(values<Rejected>({
      // usage errors (exit status 2)
      {"", "'': empty task " + std::string(kForm)},
      {":3", "':3': empty task name"},
      {"@1s", "'@1s': empty task name"},
      {"=echo", "'=echo': empty task name"},
      {"sing:", "'sing:': empty count after ':'"},
      {"sing:@1s", "'sing:@1s': empty count after ':'"},
      {"sing:-1", "'sing:-1': count must not have a sign"},
      {"sing:+1", "'sing:+1': count must not have a sign"},
      {"sing:abc",
       "'sing:abc': count must be a decimal integer from 0 to 1000000000 (to run a command "
       "write NAME=COMMAND: did you mean 'sing=abc'?)"},
      // what looks like a command, or like a duration, is pointed at the right form
      {"lint:make lint",
       "'lint:make lint': count must be a decimal integer from 0 to 1000000000 (to run a "
       "command write NAME=COMMAND: did you mean 'lint=make lint'?)"},
      {"sing:3s",
       "'sing:3s': count must be a decimal integer from 0 to 1000000000 (a duration goes after "
       "'@': did you mean 'sing:3@3s' or 'sing@3s'?)"},
      {"sing:100ms=echo",
       "'sing:100ms=echo': count must be a decimal integer from 0 to 1000000000 (a duration "
       "goes after '@': did you mean 'sing@100ms=echo'?)"},
      {"sing:500ms",
       "'sing:500ms': count must be a decimal integer from 0 to 1000000000 (a duration goes "
       "after '@': did you mean 'sing@500ms'?)"},
      {"sing:1.5s",
       "'sing:1.5s': count must be a decimal integer from 0 to 1000000000 (a duration goes "
       "after '@': did you mean 'sing@1.5s'?)"},
      {"sing:3parsec", "'sing:3parsec': count must be a decimal integer from 0 to 1000000000"},
      {"sing:3s@1s", "'sing:3s@1s': count must be a decimal integer from 0 to 1000000000"},
      {"echo hello",
       "'echo hello': task name must not contain a space (to run a command write "
       "NAME=COMMAND: did you mean 'echo=echo hello'?)"},
      {"./smoke api",
       "'./smoke api': task name must not start with '.' (to run a command write NAME=COMMAND: "
       "did you mean 'smoke=./smoke api'?)"},
      {"sing ", "'sing ': task name must not contain a space"},
      {"sing: 3", "'sing: 3': count must be a decimal integer from 0 to 1000000000"},
      {"sing:3 ", "'sing:3 ': count must be a decimal integer from 0 to 1000000000"},
      {"sing:0x10", "'sing:0x10': count must be a decimal integer from 0 to 1000000000"},
      {"sing:1e3", "'sing:1e3': count must be a decimal integer from 0 to 1000000000"},
      {"sing:3.0", "'sing:3.0': count must be a decimal integer from 0 to 1000000000"},
      {"sing:1000000001", "'sing:1000000001': count over the 1000000000 maximum"},
      // 2^64 and 2^64 + 1 would wrap to 0 and 1.
      {"sing:18446744073709551616",
       "'sing:18446744073709551616': count over the 1000000000 maximum"},
      {"sing:18446744073709551617",
       "'sing:18446744073709551617': count over the 1000000000 maximum"},
      {"sing:" + repeat("9", 40),
       "'sing:" + repeat("9", 40) + "': count over the 1000000000 maximum"},
      {"sing:3@-1s", "'sing:3@-1s': duration must not have a sign"},
      {"sing:3@-0", "'sing:3@-0': duration must not have a sign"},
      {"sing:3@nan", "'sing:3@nan': duration must be a number, not inf or nan"},
      {"sing:3@inf", "'sing:3@inf': duration must be a number, not inf or nan"},
      {"sing:3@25h", "'sing:3@25h': duration over the 24h maximum"},
      {"sing:3@1e400", "'sing:3@1e400': duration must not have an exponent (write 1000, not 1e3)"},
      {"sing:3@0x10", "'sing:3@0x10': duration must be decimal, not hexadecimal"},
      {"sing:3@0.5ns", "'sing:3@0.5ns': duration has digits below 1ns"},
      {"sing:3@1parsec", "'sing:3@1parsec': unknown duration unit 'parsec' " + kUnits},
      {"sing@1s:3", "'sing@1s:3': COUNT must come before INTERVAL " + std::string(kForm)},
      {"sing@:3", "'sing@:3': COUNT must come before INTERVAL " + std::string(kForm)},
      {"sing@", "'sing@': empty interval after '@'"},
      {"sing:3@", "'sing:3@': empty interval after '@'"},
      {"sing@=echo", "'sing@=echo': empty interval after '@'"},
      {"sing::3", "'sing::3': ':' may appear only once before '=' " + std::string(kForm)},
      {"sing:3:4", "'sing:3:4': ':' may appear only once before '=' " + std::string(kForm)},
      {"sing@1s@2s", "'sing@1s@2s': '@' may appear only once before '=' " + std::string(kForm)},
      {"x=", "'x=': empty command after '='"},
      {"x:3@1s=", "'x:3@1s=': empty command after '='"},
      {"x=   ", "'x=   ': blank command after '='"},
      {"x=\t\n", "'x=\\t\\n': blank command after '='"},
      {"x=a\0b"s, "'x=a\\x00b': command must not contain a NUL byte"},
      // the NAME
      {"si ng",
       "'si ng': task name must not contain a space (to run a command write NAME=COMMAND: did "
       "you mean 'si=si ng'?)"},
      {" sing", "' sing': task name must not contain a space"},
      {"sing :3", "'sing :3': task name must not contain a space"},
      {"sing\a", "'sing\\x07': task name must not contain control character U+0007"},
      {"sing\n:3", "'sing\\n:3': task name must not contain control character U+000A"},
      {"sing\t", "'sing\\t': task name must not contain control character U+0009"},
      {"sing\r", "'sing\\r': task name must not contain control character U+000D"},
      {"a\x7f", "'a\\x7f': task name must not contain control character U+007F"},
      {"a\u0085", "'a\\u0085': task name must not contain control character U+0085"},
      {"\x1b[31msing",
       "'\\x1b[31msing': task name must not contain an escape character (ESC, U+001B)"},
      {"sing\x1b]0;pwned\a",
       "'sing\\x1b]0;pwned\\x07': task name must not contain an escape character (ESC, U+001B)"},
      {"a\u3000b", "'a\u3000b': task name must not contain whitespace U+3000"},
      {"a\u00a0b", "'a\u00a0b': task name must not contain whitespace U+00A0"},
      {"a\u2028b", "'a\\u2028b': task name must not contain whitespace U+2028"},
      {"a\u202eb", "'a\\u202eb': task name must not contain U+202E " + std::string(kAllowed)},
      {"a/b", "'a/b': task name must not contain '/' " + std::string(kAllowed)},
      {"a'b", "'a'b': task name must not contain \"'\" " + std::string(kAllowed)},
      {"a☃", "'a☃': task name must not contain U+2603 " + std::string(kAllowed)},
      {"a\u200b", "'a\u200b': task name must not contain U+200B " + std::string(kAllowed)},
      {"-sing", "'-sing': task name must not start with '-'"},
      {".sing", "'.sing': task name must not start with '.'"},
      {"-", "'-': task name must not start with '-'"},
      {repeat("x", 33), "'" + repeat("x", 33) + "': task name is 33 code points long (maximum 32)"},
      {repeat("é", 33), "'" + repeat("é", 33) + "': task name is 33 code points long (maximum 32)"},
      {repeat("唱", 33) + ":3",
       "'" + repeat("唱", 33) + ":3': task name is 33 code points long (maximum 32)"},
      {repeat("𝒜", 33), "'" + repeat("𝒜", 33) + "': task name is 33 code points long (maximum 32)"},
      // invalid UTF-8: the quote shows each bad byte escaped, never raw
      {"a\x80", "'a\\x80': task name is not valid UTF-8 (unexpected continuation byte at byte 2)"},
      {"\xc0\xaf", "'\\xc0\\xaf': task name is not valid UTF-8 (overlong encoding at byte 1)"},
      {"\xe0\x80\xaf",
       "'\\xe0\\x80\\xaf': task name is not valid UTF-8 (overlong encoding at byte 1)"},
      {"a\xf0\x80\x80\xaf",
       "'a\\xf0\\x80\\x80\\xaf': task name is not valid UTF-8 (overlong encoding at byte 2)"},
      {"\xed\xa0\x80",
       "'\\xed\\xa0\\x80': task name is not valid UTF-8 (encoded UTF-16 surrogate at byte 1)"},
      {"\xf4\x90\x80\x80",
       "'\\xf4\\x90\\x80\\x80': task name is not valid UTF-8 (code point above U+10FFFF at byte "
       "1)"},
      {"\xff",
       "'\\xff': task name is not valid UTF-8 (a byte that never appears in UTF-8 at byte 1)"},
      {"唱\xe6\xad", "'唱\\xe6\\xad': task name is not valid UTF-8 (truncated sequence at byte 4)"},
      {"\xe6\xad:3", "'\\xe6\\xad:3': task name is not valid UTF-8 (truncated sequence at byte 1)"},
      // unsafe text in the other parts is escaped too
      {"sing:3@1\x1b[2J", "'sing:3@1\\x1b[2J': unknown duration unit '\\x1b[2J' " + kUnits},
      {"sing:\x1b", "'sing:\\x1b': count must be a decimal integer from 0 to 1000000000"},
  }));
  CAPTURE(row.arg);
  CHECK(task_error(row.arg) == row.message);
}

TEST_CASE("a task prints in canonical form", "[task]") {
  const auto row = GENERATE(values<Rejected>({
      {"sing", "sing"},
      {"sing:007@1500ms=echo hi", "sing:7@1.5s=echo hi"},
      {"tick:10@0.1", "tick:10@100ms"},
      {"a@90", "a@1.5m"},
      {"a@100", "a@100s"},
      {"a@3600.000000001", "a@3600.000000001s"},
      {"a@0", "a@0s"},
      {"a@0.0ms", "a@0s"},
      {"a@.5", "a@500ms"},
      {"a@86400", "a@24h"},
      {"a:0@1h=x=y", "a:0@1h=x=y"},
  }));
  CAPTURE(row.arg);
  CHECK(mtask::to_string(mtask::parse_task(row.arg)) == row.message);
}

TEST_CASE("name_error accepts good names and names the rule for bad ones", "[task]") {
  CHECK(mtask::name_error("sing").empty());
  CHECK(mtask::name_error("唱歌").empty());
  CHECK(mtask::name_error(repeat("é", 32)).empty());
  CHECK(mtask::name_error("") == "empty task name");
  CHECK(mtask::name_error("a:b") == "task name must not contain ':' " + std::string(kAllowed));
  CHECK(mtask::name_error(repeat("é", 33)) == "task name is 33 code points long (maximum 32)");
}

TEST_CASE("a built-in task runs 3 times at 500ms by default", "[task]") {
  const mtask::Task task = mtask::resolve({.name = "sing"}, {}, 4);
  CHECK(task.name == "sing");
  CHECK(task.count == 3);
  CHECK(task.interval == 500ms);
  CHECK_FALSE(task.is_command());
  CHECK(task.index == 4);
}

TEST_CASE("a command task runs once with no interval by default", "[task]") {
  const mtask::Task task = mtask::resolve({.name = "lint", .command = "make lint"}, {}, 0);
  CHECK(task.count == 1);
  CHECK(task.interval == 0s);
  CHECK(task.command == "make lint");
  CHECK(task.is_command());
}

TEST_CASE("count and interval options replace the defaults of both kinds of task", "[task]") {
  const mtask::TaskDefaults defaults{.count = 7, .interval = 2s};
  const mtask::Task builtin = mtask::resolve({.name = "sing"}, defaults, 0);
  CHECK(builtin.count == 7);
  CHECK(builtin.interval == 2s);
  const mtask::Task command = mtask::resolve({.name = "x", .command = "true"}, defaults, 1);
  CHECK(command.count == 7);
  CHECK(command.interval == 2s);
  const mtask::Task only_count = mtask::resolve({.name = "x", .command = "true"}, {.count = 5}, 1);
  CHECK(only_count.count == 5);
  CHECK(only_count.interval == 0s);
}

TEST_CASE("what a task gives itself wins over the options", "[task]") {
  const mtask::TaskDefaults defaults{.count = 7, .interval = 2s};
  const mtask::Task task = mtask::resolve(mtask::parse_task("sing:0@0=echo"), defaults, 2);
  CHECK(task.count == 0);
  CHECK(task.interval == 0s);
  CHECK(task.command == "echo");
  CHECK(task.index == 2);
}
