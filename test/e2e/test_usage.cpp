// Usage errors (docs/usage.md, "Exit status"): exit 2, one line on stderr that quotes the offending
// argument, at most one hint line, nothing on stdout, and nothing started.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"

namespace {

using namespace std::chrono_literals;

/// A bad command line, as it follows `mtask run OK_TASK`.
struct BadInput {
  std::vector<std::string> args;
  std::string quoted;           ///< what the message must contain, e.g. "'sing:'"
  std::string rule{};           ///< more it must contain, if anything
  bool end_of_options = false;  ///< put `--` before OK_TASK, so that "-x" is a TASK
};

std::string describe(const std::vector<std::string>& args) {
  std::string text;
  for (const std::string& arg : args) text += (text.empty() ? "" : " ") + arg;
  return text;
}

/// Checks the shape of a usage error: status 2, nothing on stdout, one `mtask: ` line that
/// contains `quoted`, and at most one more line that points to --help.
void check_usage_error(const e2e::Run& run, const std::string& quoted, const std::string& rule) {
  REQUIRE_FALSE(run.timed_out);
  INFO("stderr: " << run.err);
  CHECK(run.status == 2);
  CHECK_FALSE(run.signaled);
  CHECK(run.out.empty());
  const std::vector<std::string> lines = run.err_lines();
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.size() <= 2);
  CHECK(lines[0].rfind("mtask: ", 0) == 0);
  CHECK(lines[0].find(quoted) != std::string::npos);
  CHECK(lines[0].find(rule) != std::string::npos);
  if (lines.size() == 2) CHECK(lines[1].find("--help") != std::string::npos);
  CHECK(run.err.find("terminate called") == std::string::npos);
  CHECK(run.err.find('\x1b') == std::string::npos);
}

/// Runs `mtask run OK_TASK ARGS...` where OK_TASK, before the bad input, would create a file
/// and leave a process behind if it ever started; checks that neither happened.
void check_rejected(const BadInput& bad) {
  INFO("mtask run ok=... " << describe(bad.args));
  e2e::TempDir dir;
  const std::string started = dir.file("started");
  // The background sleep does not die with its parent: it would outlive a forked task.
  std::vector<std::string> args = {"run"};
  if (bad.end_of_options) args.push_back("--");
  args.push_back("ok=sleep 30 & touch " + started);
  args.insert(args.end(), bad.args.begin(), bad.args.end());
  e2e::Options options;
  options.timeout = 10s;
  const std::string marker = e2e::unique_marker();
  options.env = {marker};

  const e2e::Run run = e2e::mtask(args, options);
  const std::vector<pid_t> left = e2e::processes_with_marker(marker);
  for (const pid_t pid : left) kill(pid, SIGKILL);
  CHECK(left.empty());
  CHECK_FALSE(std::filesystem::exists(started));
  check_usage_error(run, bad.quoted, bad.rule);
}

void check_all_rejected(const std::vector<BadInput>& cases) {
  for (const BadInput& bad : cases) {
    DYNAMIC_SECTION(describe(bad.args)) { check_rejected(bad); }
  }
}

e2e::Run run_within_10s(const std::vector<std::string>& args) {
  e2e::Options options;
  options.timeout = 10s;
  return e2e::mtask(args, options);
}

}  // namespace

TEST_CASE("an unknown duration unit is a usage error that names the unit", "[e2e][usage]") {
  check_rejected({{"sing:3@1parsec"}, "'sing:3@1parsec'", "unknown duration unit 'parsec'"});
}

TEST_CASE("a bad NAME is a usage error", "[e2e][usage][name]") {
  check_all_rejected({
      {{":3"}, "':3'", "name"},
      {{"a b:3"}, "'a b:3'", "space"},
      {{"a\x01"
        "b"},
       "'a\\x01b'"},
      {{"-x"}, "'-x'", "'-'", true},
      {{".x"}, "'.x'", "'.'"},
      {{"abcdefghijabcdefghijabcdefghijabc"}, "'abcdefghijabcdefghijabcdefghijabc'", "32"},
  });
}

TEST_CASE("a NAME with an escape sequence is quoted without the raw ESC byte",
          "[e2e][usage][name]") {
  // check_usage_error also requires that no ESC byte reaches the terminal.
  check_rejected({{"red\x1b[31m:3"}, "'red\\x1b[31m:3'"});
}

TEST_CASE("a NAME of 32 code points is accepted", "[e2e][usage][name]") {
  // The other side of the limit, so that the test above cannot pass by rejecting everything.
  const e2e::Run run = run_within_10s({"run", "abcdefghijabcdefghijabcdefghij唱歌:1@0"});
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(run.err.empty());
}

TEST_CASE("a bad COUNT is a usage error", "[e2e][usage][count]") {
  check_all_rejected({
      {{"sing:"}, "'sing:'"},
      {{"sing:-1"}, "'sing:-1'"},
      {{"sing:abc"}, "'sing:abc'"},
      {{"sing:1000000001"}, "'sing:1000000001'"},
      // 2^64 + 3: a count that wraps around would be 3.
      {{"sing:18446744073709551619"}, "'sing:18446744073709551619'"},
  });
}

TEST_CASE("a bad INTERVAL is a usage error", "[e2e][usage][interval]") {
  check_all_rejected({
      {{"sing:3@-1s"}, "'sing:3@-1s'"},
      {{"sing:3@nan"}, "'sing:3@nan'"},
      {{"sing:3@inf"}, "'sing:3@inf'"},
      {{"sing:3@25h"}, "'sing:3@25h'"},
      {{"sing:3@"}, "'sing:3@'"},
  });
}

TEST_CASE("INTERVAL before COUNT is a usage error", "[e2e][usage]") {
  check_rejected({{"sing@1s:3"}, "'sing@1s:3'"});
}

TEST_CASE("an empty COMMAND is a usage error", "[e2e][usage]") {
  check_rejected({{"x="}, "'x='", "empty"});
}

TEST_CASE("a bad --jobs is a usage error", "[e2e][usage][jobs]") {
  check_all_rejected({
      {{"--jobs", "0"}, "'0'", "--jobs"},
      {{"--jobs", "-1"}, "'-1'", "--jobs"},
      {{"--jobs", "abc"}, "'abc'", "--jobs"},
      {{"-j", "0"}, "'0'"},
  });
}

TEST_CASE("a bad option value is a usage error", "[e2e][usage]") {
  check_all_rejected({
      {{"--output", "xml"}, "'xml'", "--output"},
      {{"--interval", "5x"}, "'5x'", "--interval"},
      {{"--count", "-1"}, "'-1'", "--count"},
      {{"--color", "sometimes"}, "'sometimes'", "--color"},
      {{"--timestamps=clock"}, "'clock'", "--timestamps"},
  });
}

TEST_CASE("a bad --timeline-scale is a usage error before anything runs", "[e2e][usage]") {
  check_all_rejected({
      {{"--timeline", "--timeline-scale", "0"}, "'0'", "must be more than 0"},
      {{"--timeline", "--timeline-scale", "4 s"}, "'4 s'", "--timeline-scale"},
      {{"--timeline-scale", "4s"}, "--timeline-scale", "give --timeline or --timeline-svg"},
  });
}

TEST_CASE("options that exclude each other are a usage error", "[e2e][usage]") {
  check_all_rejected({
      {{"--progress", "--no-progress"}, "--progress", "excludes --no-progress"},
      {{"-q", "-v"}, "--quiet", "excludes --verbose"},
  });
}

TEST_CASE("an unknown option is a usage error", "[e2e][usage]") {
  check_rejected({{"--frobnicate"}, "--frobnicate"});
}

TEST_CASE("no TASK is a usage error", "[e2e][usage]") {
  check_usage_error(run_within_10s({"run"}), "TASK", "");
  check_usage_error(run_within_10s({"run", "-j", "2"}), "TASK", "");
}

TEST_CASE("no subcommand is a usage error", "[e2e][usage]") {
  // `mtask` alone is no error but a request for the short usage (test_first_hour.cpp).
  check_usage_error(run_within_10s({"--"}), "no command given", "");
}

TEST_CASE("mtask --help exits 0 and documents the options", "[e2e][usage][help]") {
  const e2e::Run top = run_within_10s({"--help"});
  REQUIRE_FALSE(top.timed_out);
  CHECK(top.status == 0);
  CHECK(top.out.find("run") != std::string::npos);
  const e2e::Run run = run_within_10s({"run", "--help"});
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  for (const char* option : {"--jobs", "--count", "--interval", "--output"}) {
    CHECK(run.out.find(option) != std::string::npos);
  }
}

TEST_CASE("mtask --version prints the version and exits 0", "[e2e][usage][version]") {
  const e2e::Run run = run_within_10s({"--version"});
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(run.out.rfind("mtask 0.1.0", 0) == 0);  // and the git revision: test_version.cpp
}

TEST_CASE("tasks may follow -- at the start", "[e2e][usage]") {
  const e2e::Run run = run_within_10s({"run", "--", "a:1@0", "b:1@0"});
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(run.out.find("a... (1/1)") != std::string::npos);
  CHECK(run.out.find("b... (1/1)") != std::string::npos);
}

// ---- Bugs found by these tests, fixed since --------------------------------------------------

TEST_CASE("an unknown option is quoted without raw control bytes", "[e2e][usage]") {
  // CLI11's own message printed the argument as it was, ESC and all, and without quotes.
  check_rejected({{"--x\x1b[2J"}, "'--x\\x1b[2J'"});
}

TEST_CASE("an unknown subcommand is named in the message", "[e2e][usage]") {
  // `mtask runn sing` said only "A subcommand is required".
  check_usage_error(run_within_10s({"runn", "sing"}), "'runn'", "");
}

TEST_CASE("option errors quote only what the user typed", "[e2e][usage][jobs]") {
  // `--jobs -1` said "--jobs '-1': 'n:-1': count must not have a sign": 'n:-1' is not the
  // user's text.
  const e2e::Run run = run_within_10s({"run", "--jobs", "-1", "ok=true"});
  check_usage_error(run, "'-1'", "--jobs");
  CHECK(run.err.find("'n:") == std::string::npos);
}

TEST_CASE("tasks may follow -- after other tasks", "[e2e][usage]") {
  // `mtask run a:1@0 -- b:1@0` said "The following argument was not expected: b:1@0".
  const e2e::Run run = run_within_10s({"run", "a:1@0", "--", "b:1@0"});
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(run.out.find("a... (1/1)") != std::string::npos);
  CHECK(run.out.find("b... (1/1)") != std::string::npos);
}
