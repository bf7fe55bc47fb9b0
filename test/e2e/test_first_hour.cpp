// What a new user meets in the first hour (docs/usage.md, "Getting help" and "Mistakes mtask
// answers"): mtask alone, did-you-mean, flags that take no value, help without artefacts, one
// style of message, -v that tells the runner's decisions, and hints for a mistaken TASK.
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"
#include "help_text.hpp"

namespace {

using namespace std::chrono_literals;
using e2e::contains;

e2e::Run run_quick(const std::vector<std::string>& args, std::vector<std::string> env = {}) {
  e2e::Options options;
  options.timeout = 20s;
  options.env = std::move(env);
  return e2e::mtask(args, options);
}

/// A usage error: status 2, nothing on stdout, a first line "mtask: ..." that contains every
/// one of `parts`, and a second that points to --help.
void check_usage_error(const e2e::Run& run, const std::vector<std::string>& parts) {
  REQUIRE_FALSE(run.timed_out);
  INFO("stderr: " << run.err);
  CHECK(run.status == 2);
  CHECK(run.out.empty());
  const std::vector<std::string> lines = run.err_lines();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].rfind("mtask: ", 0) == 0);
  for (const std::string& part : parts) CHECK(contains(lines[0], part));
  CHECK(contains(lines[1], "--help"));
}

}  // namespace

// ---- Help that answers ------------------------------------------------------------------------

TEST_CASE("mtask alone prints what to type first and exits 0", "[e2e][first_hour]") {
  const e2e::Run run = run_quick({});
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(run.err.empty());
  CHECK(contains(run.out, "Usage: mtask run [OPTIONS] TASK..."));
  CHECK(contains(run.out, "mtask run sing:3 dance:3"));
  CHECK(contains(run.out, "mtask run --help"));
}

TEST_CASE("an unknown command or long option gets a did-you-mean", "[e2e][first_hour]") {
  check_usage_error(run_quick({"runn", "sing:1@0"}),
                    {"unknown command 'runn'", "did you mean 'run'?"});
  check_usage_error(run_quick({"run", "--jobz", "2", "sing:1@0"}),
                    {"unknown option '--jobz'", "did you mean '--jobs'?"});
  check_usage_error(run_quick({"run", "--fail-fats", "sing:1@0"}), {"did you mean '--fail-fast'?"});
  // Far from every known word: no guess.
  const e2e::Run far = run_quick({"run", "--frobnicate", "sing:1@0"});
  check_usage_error(far, {"unknown option '--frobnicate'"});
  CHECK_FALSE(contains(far.err, "did you mean"));
}

TEST_CASE("an option of run before 'run' is an error, not ignored", "[e2e][first_hour]") {
  // `mtask -j 1 run ...` ran every task at once, -j silently dropped.
  check_usage_error(run_quick({"-j", "1", "run", "sing:1@0"}), {"unknown option '-j'"});
  check_usage_error(run_quick({"--jobs", "1", "run", "sing:1@0"}),
                    {"'--jobs'", "write it after 'run'"});
}

TEST_CASE("a flag given a value is a usage error, not silently off", "[e2e][first_hour]") {
  // `--fail-fast=no` turned --fail-fast off without a word; `--fail-fast=banana` too.
  for (const std::string arg : {"--fail-fast=no", "--fail-fast=banana", "--group=1", "--busy=no",
                                "--progress=0", "--explain=yes", "--verbose=3"}) {
    DYNAMIC_SECTION(arg) {
      const std::string name = arg.substr(0, arg.find('='));
      check_usage_error(run_quick({"run", arg, "sing:1@0"}),
                        {"'" + arg + "'", name + " takes no value"});
    }
  }
}

TEST_CASE("help shows no library artefacts and no double blank lines", "[e2e][first_hour]") {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--help"}, std::vector<std::string>{"run", "--help"}}) {
    const e2e::Run run = run_quick(args);
    REQUIRE_FALSE(run.timed_out);
    CHECK(run.status == 0);
    INFO(run.out);
    CHECK_FALSE(contains(run.out, "\n\n\n"));
    CHECK_FALSE(contains(run.out, "=elapsed"));
    CHECK_FALSE(contains(run.out, "Excludes"));
    CHECK_FALSE(contains(run.out, "SUBCOMMAND"));
    CHECK_FALSE(contains(run.out, "Subcommands"));
  }
  CHECK(contains(run_quick({"--help"}).out, "Usage: mtask [OPTIONS] [COMMAND]"));
  CHECK(contains(run_quick({"run", "--help"}).out, "--timestamps [KIND] "));
}

TEST_CASE("a system error reads 'mtask: ...' as a usage error does", "[e2e][first_hour]") {
  if (!std::filesystem::is_character_file("/dev/full")) {
    e2e::cannot_check("no /dev/full here");
    return;
  }
  e2e::TempDir dir;
  const std::string link = dir.file("full");
  std::filesystem::create_symlink("/dev/full", link);
  const e2e::Run run = run_quick({"run", "--junit", link, "a:1@0"});
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 3);
  const std::vector<std::string> lines = run.err_lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].rfind("mtask: --junit ", 0) == 0);  // was "mtask: error: --junit ..."
  CHECK(contains(lines[0], "No space left on device"));
}

TEST_CASE("usage, help, version and a completion that cannot be written are a system error",
          "[e2e][first_hour]") {
  if (!std::filesystem::is_character_file("/dev/full")) {
    e2e::cannot_check("no /dev/full here");
    return;
  }
  e2e::Options to_full;
  to_full.prefix = {"sh", "-c", "exec \"$0\" \"$@\" >/dev/full"};
  const std::vector<std::vector<std::string>> commands = {
      {}, {"--help"}, {"--version"}, {"run", "--help"}, {"completion", "bash"}};
  for (const std::vector<std::string>& args : commands) {
    const e2e::Run run = e2e::mtask(args, to_full);
    INFO("mtask " << e2e::joined(args) << " >/dev/full: " << run.err);
    REQUIRE_FALSE(run.timed_out);
    CHECK(run.status == 3);  // was 0 for --help and --version, 3 without a word for none
    const std::vector<std::string> lines = run.err_lines();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].starts_with("mtask: cannot write to standard output"));
  }
}

TEST_CASE("the verbose log (-v) tells each start and stop decision of the runner",
          "[e2e][first_hour]") {
  SECTION("a start and an exit") {
    const e2e::Run run = run_quick({"run", "-v", "ok=true"});
    REQUIRE_FALSE(run.timed_out);
    CHECK(run.status == 0);
    CHECK(contains(run.err, "mtask: info: started task 'ok' as pid "));
    CHECK(contains(run.err, "mtask: info: task 'ok' (pid "));
    CHECK(contains(run.err, ") exited with status 0"));
    CHECK_FALSE(contains(run.err, "debug:"));
  }
  SECTION("a timeout: SIGTERM, then SIGKILL after the grace") {
    const e2e::Run run = run_quick({"run", "-v", "--timeout", "200ms", "--kill-after", "200ms",
                                    "stubborn=trap '' TERM; sleep 10"});
    REQUIRE_FALSE(run.timed_out);
    CHECK(run.status == 1);
    CHECK(contains(run.err, "task 'stubborn' (pid "));
    CHECK(contains(run.err, ") timed out"));
    CHECK(contains(run.err, "sending SIGTERM to task 'stubborn' (process group "));
    CHECK(contains(run.err, "sending SIGKILL to task 'stubborn' (process group "));
    CHECK(contains(run.err, "was killed by SIGKILL"));
  }
  SECTION("--fail-fast: which task failed, and what is stopped") {
    const e2e::Run run = run_quick(
        {"run", "-v", "-j", "2", "--fail-fast", "bad=exit 4", "slow=sleep 10", "later=true"});
    REQUIRE_FALSE(run.timed_out);
    CHECK(run.status == 1);
    CHECK(contains(run.err, "task 'bad' failed (exit 4) and --fail-fast is on"));
    CHECK(contains(run.err, "stopping every task: fail-fast"));
    CHECK(contains(run.err, "sending SIGTERM to task 'slow' (process group "));
    CHECK(contains(run.err, "tasks not started: 1 (from 'later' on)"));
    // 'bad' was reaped and left nothing behind: nothing is said to be sent to it.
    CHECK_FALSE(contains(run.err, "left behind"));
  }
  SECTION("-vv adds debug lines, -vvv trace lines") {
    const e2e::Run debug = run_quick({"run", "-vv", "ok=echo hi"});
    CHECK(contains(debug.err, "mtask: debug: task 'ok' said hello"));
    CHECK_FALSE(contains(debug.err, "trace:"));
    const e2e::Run trace = run_quick({"run", "-vvv", "ok=echo hi"});
    CHECK(contains(trace.err, "mtask: trace: read 3 bytes of task 'ok' (stdout)"));
  }
}

TEST_CASE("MTASK_LOG_LEVEL in any case; -q wins over a bad one", "[e2e][first_hour]") {
  const e2e::Run upper = run_quick({"run", "ok=true"}, {"MTASK_LOG_LEVEL=DEBUG"});
  REQUIRE_FALSE(upper.timed_out);
  CHECK(upper.status == 0);
  CHECK(contains(upper.err, "mtask: debug: "));
  const e2e::Run mixed = run_quick({"run", "ok=true"}, {"MTASK_LOG_LEVEL=Info"});
  CHECK(mixed.status == 0);
  CHECK(contains(mixed.err, "mtask: info: started task 'ok'"));
  const e2e::Run quiet = run_quick({"run", "-q", "ok=true"}, {"MTASK_LOG_LEVEL=loud"});
  CHECK(quiet.status == 0);
  CHECK(quiet.err.empty());
  check_usage_error(run_quick({"run", "ok=true"}, {"MTASK_LOG_LEVEL=loud"}),
                    {"MTASK_LOG_LEVEL='loud'"});
}

// ---- Mistakes a new user makes ----------------------------------------------------------------

TEST_CASE("a TASK taken as an option's value is named as such", "[e2e][first_hour]") {
  check_usage_error(run_quick({"run", "--junit", "sing:1"}),
                    {"no TASK given", "'sing:1' was taken as the value of --junit",
                     "--junit FILE before the tasks, or --junit=FILE"});
  check_usage_error(run_quick({"run", "-j", "sing:1"}),
                    {"no TASK given", "'sing:1' was taken as the value of --jobs"});
  check_usage_error(
      run_quick({"run", "-j", "sing:1", "dance:1"}),
      {"--jobs 'sing:1': must be a whole number", "'sing:1' was taken as the value of --jobs"});
}

TEST_CASE("a demo task named like a command on PATH runs, with one hint", "[e2e][first_hour]") {
  e2e::TempDir dir;
  const std::string tool = dir.file("mtask-e2e-tool");
  std::ofstream(tool) << "#!/bin/sh\necho the real tool\n";
  REQUIRE(chmod(tool.c_str(), 0755) == 0);
  const char* path = std::getenv("PATH");
  const std::string env = "PATH=" + dir.path() + ":" + (path != nullptr ? path : "/usr/bin:/bin");

  const e2e::Run run =
      run_quick({"run", "mtask-e2e-tool:1@0", "mtask-e2e-tool:1@0", "sing:1@0"}, {env});
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(contains(run.out, "mtask-e2e-tool... (1/1)"));  // the built-in ran
  CHECK_FALSE(contains(run.out, "the real tool"));
  INFO(run.err);
  CHECK(run.err ==
        "mtask: warning: 'mtask-e2e-tool' is a built-in demo task; to run the command write "
        "'mtask-e2e-tool=mtask-e2e-tool'\n");

  const e2e::Run quiet = run_quick({"run", "-q", "mtask-e2e-tool:1@0"}, {env});
  CHECK(quiet.status == 0);
  CHECK(quiet.err.empty());
  const e2e::Run command = run_quick({"run", "mtask-e2e-tool=mtask-e2e-tool"}, {env});
  CHECK(command.status == 0);
  CHECK(contains(command.out, "the real tool"));
  CHECK(command.err.empty());
}

TEST_CASE("a TASK that looks like a command or a duration points at the right form",
          "[e2e][first_hour]") {
  check_usage_error(run_quick({"run", "echo hello"}),
                    {"'echo hello'", "NAME=COMMAND", "did you mean 'echo=echo hello'?"});
  check_usage_error(run_quick({"run", "lint:make lint"}),
                    {"'lint:make lint'", "NAME=COMMAND", "did you mean 'lint=make lint'?"});
  check_usage_error(run_quick({"run", "sing:3s"}),
                    {"'sing:3s'", "did you mean 'sing:3@3s' or 'sing@3s'?"});
}

TEST_CASE("a bare INTERVAL over a minute gets a hint and still runs", "[e2e][first_hour]") {
  // A command run once does not wait for its INTERVAL: the run ends at once.
  const e2e::Run run = run_quick({"run", "ok:1@100=echo ran"});
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(contains(run.out, "ran"));
  CHECK(run.err ==
        "mtask: warning: 'ok:1@100=echo ran': INTERVAL 100 has no unit, so it is 100 seconds "
        "(did you mean 'ok:1@100ms=echo ran'?)\n");
  CHECK(run_quick({"run", "ok:1@60=true"}).err.empty());
  CHECK(run_quick({"run", "ok:1@100ms=true"}).err.empty());
}
