// What a task's child does after fork, seen from outside: a command task's monitor, which may
// live through thousands of iterations, must not grow while it runs them.
#include <dirent.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"

using namespace std::chrono_literals;

namespace {

/// The children of `parent` (those that are not zombies), from /proc.
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> children;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return children;
  while (const dirent* entry = readdir(proc)) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
    const std::string text = e2e::read_proc("/proc/" + std::string(entry->d_name) + "/stat");
    const std::size_t paren = text.rfind(')');
    if (paren == std::string::npos || paren + 2 >= text.size()) continue;
    char state = 0;
    long ppid = 0;
    if (std::sscanf(text.c_str() + paren + 2, "%c %ld", &state, &ppid) != 2) continue;
    if (ppid == parent && state != 'Z') {
      children.push_back(static_cast<pid_t>(std::strtol(entry->d_name, nullptr, 10)));
    }
  }
  closedir(proc);
  return children;
}

/// VmData of a live process, in KiB; -1 when it is gone (or a zombie, which has none).
long data_kb(pid_t pid) {
  const std::string status = e2e::read_proc("/proc/" + std::to_string(pid) + "/status");
  const std::size_t at = status.find("\nVmData:");
  return at == std::string::npos ? -1 : std::strtol(status.c_str() + at + 8, nullptr, 10);
}

/// The pid of the first start event in JSON Lines output; -1 when there is none.
pid_t started_pid(const std::string& json_lines) {
  for (const std::string& line : e2e::split_lines(json_lines)) {
    const nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
    if (event.is_object() && event.value("event", "") == "start") return event.value("pid", -1);
  }
  return -1;
}

/// The stdout lines of task `name`, in order, from JSON Lines output.
std::vector<std::string> lines_of(const std::string& json_lines, const std::string& name) {
  std::vector<std::string> lines;
  for (const std::string& line : e2e::split_lines(json_lines)) {
    const nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
    if (event.is_object() && event.value("event", "") == "line" &&
        event.value("task", "") == name && event.value("stream", "") == "stdout") {
      lines.push_back(event.value("text", ""));
    }
  }
  return lines;
}

}  // namespace

TEST_CASE("a command sees its own MTASK_ variables, once each, and the rest of the environment",
          "[e2e][child][env]") {
  e2e::Options options;
  options.timeout = 15s;
  options.env = {"MTASK_TASK=outer", "MTASK_ITERATION=99", "MTASK_COUNT=7", "KEEP_ME=yes"};
  const std::string show =
      "env | grep -c -E '^MTASK_(TASK|COUNT|ITERATION)='; "
      "echo $MTASK_TASK $MTASK_ITERATION/$MTASK_COUNT $KEEP_ME";
  const e2e::Run run = e2e::mtask({"run", "-o", "json", "w:2@0=" + show, "o=" + show}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(lines_of(run.out, "w") == std::vector<std::string>{"3", "w 1/2 yes", "3", "w 2/2 yes"});
  CHECK(lines_of(run.out, "o") == std::vector<std::string>{"3", "o 1/1 yes"});
}

// Before the command task's environment was built in the parent, the monitor called setenv for
// MTASK_ITERATION on every iteration, and glibc keeps every value ever set: VmData grew by one
// 132 KiB step of the heap about every 2,000 iterations. 3,000 iterations of `:` take a few
// seconds and always cross one such step; a monitor that allocates nothing stays flat. Those
// thousands of forks in a few seconds upset the timing of tests run beside it, so it runs alone
// ([.serial]).
TEST_CASE("a command task's monitor does not grow over thousands of iterations",
          "[e2e][child][.serial]") {
  constexpr int kIterations = 3000;
  // Every 100 ms, the VmData of each child of mtask (the task's process and, in a run with
  // command tasks, the guardian); after the run, the start event says which one is the task.
  auto samples = std::make_shared<std::map<pid_t, std::vector<long>>>();
  e2e::Options options;
  options.timeout = 60s;
  for (auto after = 100ms; after < options.timeout; after += 100ms) {
    options.actions.push_back({after, [samples](pid_t mtask_pid) {
                                 for (const pid_t child : children_of(mtask_pid)) {
                                   const long kb = data_kb(child);
                                   if (kb >= 0) (*samples)[child].push_back(kb);
                                 }
                               }});
  }
  const e2e::Run run =
      e2e::mtask({"run", "-o", "json", "loop:" + std::to_string(kIterations) + "@0=:"}, options);
  REQUIRE_FALSE(run.timed_out);
  REQUIRE(run.status == 0);
  const pid_t task = started_pid(run.out);
  REQUIRE(task > 0);
  const std::vector<long>& task_samples = (*samples)[task];
  std::string seen;
  for (const long kb : task_samples) seen += " " + std::to_string(kb);
  INFO("VmData of the monitor (kB), every 100 ms:" << seen);
  // At least a second's worth of samples, so that early and late are well apart.
  REQUIRE(task_samples.size() >= 10);
  // The heap grows in steps of 132 KiB: any step at all is growth.
  CHECK(task_samples.back() - task_samples.front() < 64);
}
