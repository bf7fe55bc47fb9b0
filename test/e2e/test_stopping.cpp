// --timeout, --fail-fast, and tasks that leave something behind (docs/reliability.md).
#include <dirent.h>

#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace std::chrono_literals;

namespace {

/// The line of the summary table for `task`.
std::string summary_row(const std::string& out, const std::string& task) {
  for (const std::string& line : e2e::split_lines(out)) {
    if (line.find(" " + task + " ") != std::string::npos && line.find(" | ") == std::string::npos &&
        line.find(" > ") == std::string::npos && line.find(" < ") == std::string::npos) {
      return line;
    }
  }
  return "";
}

/// Zombie children of `parent` right now.
int zombie_children(pid_t parent) {
  int zombies = 0;
  DIR* proc = opendir("/proc");
  while (const dirent* entry = readdir(proc)) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
    const std::string text = e2e::read_proc("/proc/" + std::string(entry->d_name) + "/stat");
    const std::size_t paren = text.rfind(')');
    if (paren == std::string::npos || paren + 4 >= text.size()) continue;
    const char state = text[paren + 2];
    const long ppid = std::strtol(text.c_str() + paren + 4, nullptr, 10);
    if (ppid == parent && state == 'Z') ++zombies;
  }
  closedir(proc);
  return zombies;
}

}  // namespace

TEST_CASE("timeout stops a task, even one that ignores SIGTERM, and reports it timed out",
          "[e2e][stopping]") {
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 30s);
  const e2e::Run run = e2e::mtask({"run", "--timeout", "300ms", "--kill-after", "300ms",
                                   "stubborn=trap '' TERM; echo ready; sleep 30", "quick:1@10ms"},
                                  options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  CHECK(e2e::contains(run.out, "stubborn"));
  CHECK(e2e::contains(run.out, "< timed out after"));
  CHECK(e2e::contains(summary_row(run.out, "quick"), "exit 0"));
  CHECK(run.wall >= 600ms);
  CHECK(run.wall < 10s);
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("timeout marks the task timed out in JSON", "[e2e][stopping]") {
  e2e::Options options;
  options.timeout = 30s;
  const e2e::Run run =
      e2e::mtask({"run", "-o", "json", "--timeout", "200ms", "slow=sleep 30"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  CHECK(e2e::contains(run.out, R"("code":null,"signal":"SIGTERM","timed_out":true)"));
}

TEST_CASE("fail-fast stops the others at the first failure and waiting tasks never start",
          "[e2e][stopping]") {
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 30s);
  const e2e::Run run = e2e::mtask(
      {"run", "--fail-fast", "-j", "2", "bad=sleep 0.3; exit 4", "slow=sleep 30", "later=true"},
      options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  CHECK(e2e::contains(summary_row(run.out, "bad"), "exit 4"));
  CHECK(e2e::contains(summary_row(run.out, "slow"), "SIGTERM"));
  CHECK(e2e::contains(summary_row(run.out, "later"), "not started"));
  CHECK(run.wall < 10s);
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("without fail-fast a failure does not stop the others", "[e2e][stopping]") {
  const e2e::Run run = e2e::mtask({"run", "bad=exit 4", "good:2@200ms"});
  CHECK(run.status == 1);
  CHECK(e2e::contains(summary_row(run.out, "good"), "exit 0"));
}

TEST_CASE("a background process holding the pipe does not hang mtask after its task ended",
          "[e2e][stopping]") {
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 30s);
  const e2e::Run run =
      e2e::mtask({"run", "--kill-after", "300ms", "bg=sleep 30 & echo started"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);  // the task's own process exited 0
  CHECK(e2e::contains(run.out, "| started"));
  CHECK(run.wall < 5s);
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("what a task leaves running without its pipes is stopped when it ends",
          "[e2e][stopping]") {
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 30s);
  const e2e::Run run = e2e::mtask(
      {"run", "daemon=sleep 30 >/dev/null 2>&1 & echo forked", "other:2@300ms"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("a task that closes its stdout early is tracked until it exits", "[e2e][stopping]") {
  e2e::Options options;
  options.timeout = 30s;
  const e2e::Run run = e2e::mtask(
      {"run", "-o", "json", "closer=exec >&-; sleep 0.5; echo late >&2; exit 5"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  CHECK(e2e::contains(run.out, R"("text":"late")"));
  CHECK(e2e::contains(run.out, R"("code":5)"));
  // The exit comes after the stderr line.
  CHECK(run.out.find(R"("text":"late")") < run.out.find(R"("event":"exit")"));
}

TEST_CASE("children are reaped as they end, while others still run", "[e2e][stopping]") {
  int zombies_seen = -1;
  e2e::Options options;
  options.timeout = 30s;
  options.actions = {
      e2e::Action{800ms, [&](pid_t mtask) { zombies_seen = zombie_children(mtask); }}};
  const e2e::Run run = e2e::mtask(
      {"run", "a=true", "b=exit 1", "c:1@10ms", "d=kill -KILL $$", "slow:1@2s"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  CHECK(zombies_seen == 0);
}

TEST_CASE("mtask itself uses next to no CPU while its tasks wait", "[e2e][stopping]") {
  // Includes a stop with a long grace: a busy loop while waiting would burn a whole core.
  e2e::Options options;
  options.timeout = 30s;
  const e2e::Run run = e2e::mtask({"run", "--timeout", "200ms", "--kill-after", "1500ms",
                                   "stubborn=trap '' TERM; sleep 30", "sleepy:2@600ms"},
                                  options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.wall >= 1500ms);
  CHECK(run.cpu < 0.3s);  // generous: a busy loop would take about 1.5 s
}
