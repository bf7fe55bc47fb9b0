// Tasks have no terminal, and a task stopped by a signal does not hang the run silently
// (docs/reliability.md).
#include <unistd.h>

#include <regex>
#include <string>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace std::chrono_literals;

namespace {

/// `text` quoted for sh.
std::string shell_quoted(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

/// Runs `mtask ARGS...` in a pseudo-terminal of its own, as from an interactive shell: through
/// script(1), which makes the terminal the controlling one of a new session, so /dev/tty
/// exists for mtask. What mtask writes, on stdout or stderr, comes back in run.out; -e makes
/// mtask's status script's.
e2e::Run mtask_in_terminal(const std::vector<std::string>& args, e2e::Options options) {
  std::string command = shell_quoted(e2e::binary());
  for (const std::string& arg : args) command += " " + shell_quoted(arg);
  options.prefix = {"script", "-qfec"};
  options.env.push_back("LC_ALL=C");  // the messages the tests look for
  // The harness runs `prefix... binary args...`: `script -qfec COMMAND /dev/null`.
  options.binary = command;
  return e2e::mtask({"/dev/null"}, options);
}

bool have_script() {
  return access("/usr/bin/script", X_OK) == 0 || access("/bin/script", X_OK) == 0;
}

}  // namespace

TEST_CASE("a task that opens /dev/tty fails at once instead of hanging the run",
          "[e2e][terminal]") {
  if (!have_script()) {
    e2e::cannot_check("script(1) is missing: no pseudo-terminal to run mtask in");
    return;
  }
  const std::string marker = e2e::unique_marker();
  const e2e::Run run =
      mtask_in_terminal({"run", "--no-progress", "t=cat /dev/tty", "u=stty sane </dev/tty"},
                        e2e::marked(marker, 20s));
  REQUIRE_FALSE(run.timed_out);
  if (!e2e::contains(run.out, "> started")) {
    e2e::cannot_check("script(1) could not run mtask in a pseudo-terminal: " + run.out + run.err);
    return;
  }
  CHECK(run.status == 1);
  CHECK(e2e::contains(run.out, "/dev/tty"));
  CHECK(e2e::contains(run.out, "No such device or address"));
  CHECK(run.wall < 10s);
  CHECK(e2e::left_after(marker, 2s).empty());
}

TEST_CASE("a task has a session of its own and no controlling terminal", "[e2e][terminal]") {
  if (!have_script()) {
    e2e::cannot_check("script(1) is missing: no pseudo-terminal to run mtask in");
    return;
  }
  // A command that runs once is the shell itself, so $$ is the task's pid. Fields 5-7 of
  // /proc/PID/stat: process group, session, tty_nr.
  const e2e::Run run = mtask_in_terminal(
      {"run", "--no-progress", "t=echo \"ids $$ $(cut -d' ' -f5-7 /proc/$$/stat) end\""},
      e2e::marked(e2e::unique_marker(), 20s));
  REQUIRE_FALSE(run.timed_out);
  if (!e2e::contains(run.out, "> started")) {
    e2e::cannot_check("script(1) could not run mtask in a pseudo-terminal: " + run.out + run.err);
    return;
  }
  CHECK(run.status == 0);
  std::smatch ids;
  const std::regex pattern(R"(ids (\d+) (\d+) (\d+) (\d+) end)");
  REQUIRE(std::regex_search(run.out, ids, pattern));
  CHECK(ids[2].str() == ids[1].str());  // its own process group
  CHECK(ids[3].str() == ids[1].str());  // and its own session
  CHECK(ids[4].str() == "0");           // with no terminal
}

TEST_CASE("a task stopped by SIGSTOP is named on the log and timed out", "[e2e][terminal]") {
  const std::string marker = e2e::unique_marker();
  const e2e::Run run =
      e2e::mtask({"run", "--timeout", "1s", "--kill-after", "500ms", "halt=kill -STOP $$"},
                 e2e::marked(marker, 20s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  const std::regex warning(R"(warning.*task 'halt' \(pid \d+\) was stopped by SIGSTOP)");
  CHECK(std::regex_search(run.err, warning));
  CHECK(e2e::contains(run.out, "< timed out after"));
  CHECK(run.wall < 10s);
  CHECK(e2e::left_after(marker, 2s).empty());
}

TEST_CASE("a stopped task that is timed out gets SIGCONT after SIGTERM, so its handler runs",
          "[e2e][terminal]") {
  const std::string marker = e2e::unique_marker();
  const e2e::Run run = e2e::mtask({"run", "--timeout", "1s", "--kill-after", "5s",
                                   "polite=trap 'echo bye; exit 0' TERM; kill -STOP $$; sleep 5"},
                                  e2e::marked(marker, 20s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  CHECK(e2e::contains(run.out, "| bye"));
  CHECK(e2e::contains(run.out, "< timed out after"));
  // The handler ran at SIGTERM: no SIGKILL was needed.
  CHECK(run.wall < 5s);
  CHECK(e2e::left_after(marker, 2s).empty());
}
