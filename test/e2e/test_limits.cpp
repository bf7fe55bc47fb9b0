// Limits are met with grace (docs/reliability.md).
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace std::chrono_literals;

namespace {

std::vector<std::string> many_tasks(int n, const std::string& suffix) {
  std::vector<std::string> args = {"run"};
  for (int i = 0; i < n; ++i) args.push_back("t" + std::to_string(i) + suffix);
  return args;
}

long count_of(const std::string& text, const std::string& part) {
  long n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("out of descriptors, mtask waits for running tasks and runs them all", "[e2e][limits]") {
  e2e::Options options;
  options.timeout = 60s;
  options.prefix = {"prlimit", "--nofile=40:40", "--"};
  const e2e::Run run = e2e::mtask(many_tasks(100, ":1@50ms"), options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(count_of(run.out, "< exit 0") == 100);
  // One warning that names the limit, not one per task.
  CHECK(count_of(run.err, "warning") == 1);
  CHECK(count_of(run.err, "RLIMIT_NOFILE = 40") == 1);
}

TEST_CASE("when nothing runs and the limit is hit, mtask gives up with status 3", "[e2e][limits]") {
  e2e::Options options;
  options.timeout = 20s;
  options.prefix = {"prlimit", "--nofile=5:5", "--"};
  const e2e::Run run = e2e::mtask({"run", "a", "b"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 3);
  CHECK(count_of(run.err, "RLIMIT_NOFILE = 5") == 1);
  int rows_not_started = 0;
  for (const std::string& line : run.out_lines()) {
    if ((line.rfind("  a ", 0) == 0 || line.rfind("  b ", 0) == 0) &&
        line.find("not started") != std::string::npos) {
      ++rows_not_started;
    }
  }
  CHECK(rows_not_started == 2);
}

TEST_CASE("out of processes, mtask waits for running tasks and runs them all", "[e2e][limits]") {
  // RLIMIT_NPROC does not bind root: run mtask as nobody when the test runs as root.
  e2e::Options options;
  options.timeout = 60s;
  std::optional<e2e::SharedBinary> shared;
  if (geteuid() == 0) {
    const std::vector<std::string> as_nobody = {"setpriv", "--reuid=65534", "--regid=65534",
                                                "--clear-groups"};
    // nobody runs a copy it can reach: the build tree may sit under a private home.
    shared.emplace();
    e2e::Options probe;
    probe.prefix = as_nobody;
    probe.binary = shared->path();
    probe.timeout = 10s;
    const e2e::Run can = e2e::mtask({"--version"}, probe);
    if (can.status != 0) {
      e2e::cannot_check("user nobody cannot run " + shared->path() + ": " + can.err);
      return;
    }
    options.prefix = as_nobody;
    options.binary = shared->path();
  }
  options.prefix.insert(options.prefix.end(), {"prlimit", "--nproc=8", "--"});
  const e2e::Run run = e2e::mtask(many_tasks(30, ":1@100ms"), options);
  REQUIRE_FALSE(run.timed_out);
  INFO(run.err);
  CHECK(run.status == 0);
  CHECK(count_of(run.out, "< exit 0") == 30);
  CHECK(count_of(run.err, "warning") == 1);
  CHECK(count_of(run.err, "RLIMIT_NPROC") == 1);
}

TEST_CASE("mtask raises its soft descriptor limit to the hard one, and not its tasks'",
          "[e2e][limits]") {
  e2e::Options options;
  options.timeout = 20s;
  options.prefix = {"prlimit", "--nofile=20:4096", "--"};
  // 3 open files per task child would not fit in 20; with the raised limit all start at once.
  const e2e::Run run = e2e::mtask(
      {"run", "--count", "1", "a=ulimit -n", "b=sleep 0.2", "c=sleep 0.2", "d=sleep 0.2",
       "e=sleep 0.2", "f=sleep 0.2", "g=sleep 0.2", "h=sleep 0.2", "i=sleep 0.2", "j=sleep 0.2"},
      options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(run.err.find("warning") == std::string::npos);
  CHECK(run.out.find("| 20\n") != std::string::npos);  // what a task sees
}
