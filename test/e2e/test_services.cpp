// Services, readiness and needs in a run (docs/design.md, "Needs and services"): a task starts
// once what it needs is ready, a failed need gives up what waits on it, services are stopped
// when the run is over, and every child is gone when mtask returns.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"
#include "json_events.hpp"

namespace {

using namespace std::chrono_literals;
using nlohmann::json;

/// A run of `mtask run -o json -f mtask.toml ARGS...` in a fresh directory holding `file`,
/// marked so that what it leaves behind can be found.
struct FileRun {
  e2e::TempDir dir;
  std::string marker = e2e::unique_marker();
  e2e::Run run;
  std::vector<json> events;

  FileRun(const std::string& file, const std::vector<std::string>& args = {},
          std::vector<e2e::Action> actions = {}) {
    std::ofstream(dir.file("mtask.toml")) << file;
    e2e::Options options = e2e::marked(marker, 25s);
    options.cwd = dir.path();
    options.actions = std::move(actions);
    std::vector<std::string> all{"run", "-o", "json", "-f", "mtask.toml"};
    all.insert(all.end(), args.begin(), args.end());
    run = e2e::mtask(all, options);
    INFO("stdout: " << run.out << "\nstderr: " << run.err);
    REQUIRE_FALSE(run.timed_out);
    events = e2e::events_of(run);
  }

  /// Where the first event of `kind` for `task` is in the output; fails when there is none.
  std::size_t at(const std::string& kind, const std::string& task) const {
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (events[i]["event"] == kind && events[i]["task"] == task) return i;
    }
    FAIL("no " << kind << " event for " << task << " in " << run.out);
    return 0;
  }
  const json& event(const std::string& kind, const std::string& task) const {
    return events[at(kind, task)];
  }
  bool has(const std::string& kind, const std::string& task) const {
    for (const json& e : events) {
      if (e["event"] == kind && e["task"] == task) return true;
    }
    return false;
  }
  bool nothing_left() const { return e2e::left_after(marker, 2s).empty(); }
};

/// `task` was not started because a need failed: the reason names it.
void check_not_started_for_needs(const FileRun& r, const std::string& task,
                                 const std::string& why) {
  const json& e = r.event("not_started", task);
  INFO(e.dump());
  REQUIRE(e["reason"].is_string());
  CHECK(e["reason"] == why.substr(0, why.find(':')));
  CHECK(e["why"] == why);
}

}  // namespace

TEST_CASE("a task starts after what it needs has exited 0 (the default probe: exit)",
          "[e2e][services]") {
  const FileRun r(
      "[tasks.check]\nrun = 'echo checking'\nneeds = ['build']\n\n"
      "[tasks.build]\nrun = 'sleep 0.4; echo built'\n");
  INFO(r.run.out << r.run.err);
  CHECK(r.run.status == 0);
  CHECK(r.at("start", "check") > r.at("exit", "build"));
  CHECK(r.event("start", "check")["t"].get<double>() >=
        r.event("exit", "build")["t"].get<double>());
  CHECK(r.event("exit", "check")["code"] == 0);
}

TEST_CASE("a failed need: what waits on it is not started, with the reason", "[e2e][services]") {
  const FileRun r(
      "[tasks.build]\nrun = 'exit 3'\n\n"
      "[tasks.check]\nrun = 'echo should not run'\nneeds = ['build']\n\n"
      "[tasks.other]\nrun = 'echo independent'\n");
  INFO(r.run.out << r.run.err);
  CHECK(r.run.status == 1);
  CHECK_FALSE(r.has("start", "check"));
  CHECK_FALSE(e2e::contains(r.run.out, "should not run"));
  check_not_started_for_needs(r, "check", "needs build: exit 3");
  CHECK(r.at("not_started", "check") > r.at("exit", "build"));
  // A task that needs nothing is not held back.
  CHECK(r.event("exit", "other")["code"] == 0);
}

TEST_CASE("a failed need is passed down a chain of needs", "[e2e][services]") {
  const FileRun r(
      "[tasks.c]\nrun = 'echo c'\nneeds = ['b']\n\n"
      "[tasks.b]\nrun = 'echo b'\nneeds = ['a']\n\n"
      "[tasks.a]\nrun = 'sleep 0.2; exit 1'\n");
  INFO(r.run.out << r.run.err);
  CHECK(r.run.status == 1);
  check_not_started_for_needs(r, "b", "needs a: exit 1");
  check_not_started_for_needs(r, "c", "needs b: not started (needs a: exit 1)");
  CHECK(r.at("not_started", "c") > r.at("not_started", "b"));
  CHECK_FALSE(r.has("start", "b"));
  CHECK_FALSE(r.has("start", "c"));
}

TEST_CASE("a service is stopped when the run is over, and that is success", "[e2e][services]") {
  const FileRun r(
      "[tasks.web]\nrun = 'echo up; sleep 60'\nservice = true\n\n"
      "[tasks.check]\nrun = 'sleep 0.3; echo ok'\nneeds = ['web']\n");
  INFO(r.run.out << r.run.err);
  CHECK(r.run.status == 0);
  CHECK(r.run.wall < 10s);
  const json& web = r.event("exit", "web");
  CHECK(web["stopped"] == "run over");
  CHECK(r.at("exit", "web") > r.at("exit", "check"));
  CHECK(r.at("start", "check") > r.at("start", "web"));
  const json& summary = r.events.back();
  CHECK(summary["event"] == "summary");
  CHECK(summary["failed"] == 0);
  CHECK(summary["stopped"].is_null());  // the run was not stopped: it was over
  CHECK(r.nothing_left());
}

TEST_CASE("a service that ends before the run is over has failed", "[e2e][services]") {
  const FileRun r(
      "[tasks.web]\nrun = 'sleep 0.2; echo bye'\nservice = true\n\n"
      "[tasks.check]\nrun = 'sleep 1.5; echo ok'\n");
  INFO(r.run.out << r.run.err);
  CHECK(r.run.status == 1);
  const json& web = r.event("exit", "web");
  CHECK(web["code"] == 0);
  CHECK(web["stopped"].is_null());
  CHECK(web["ended_early"] == true);
  CHECK(r.event("exit", "check")["code"] == 0);
}

TEST_CASE("a service that dies under the checks: they are stopped, and the run says which",
          "[e2e][services]") {
  const FileRun r(
      "[tasks.web]\nrun = 'sleep 0.5; exit 3'\nservice = true\n\n"
      "[tasks.check]\nrun = 'sleep 60'\nneeds = ['web']\n\n"
      "[tasks.other]\nrun = 'sleep 1; echo other done'\n");
  INFO(r.run.out << r.run.err);
  CHECK(r.run.status == 1);
  CHECK(r.run.wall < 20s);  // the check is not waited for
  CHECK(r.event("exit", "web")["ended_early"] == true);
  const json& check = r.event("exit", "check");
  CHECK(check["signal"] == "SIGTERM");
  CHECK(check["stopped"] == "needs");
  CHECK(r.at("exit", "check") > r.at("exit", "web"));
  // What needs nothing of the service runs on to its end.
  CHECK(r.event("exit", "other")["code"] == 0);
  CHECK(r.events.back()["failed"] == 1);
  CHECK(r.nothing_left());
}

TEST_CASE("a service that dies under the checks, in text: the check's end names the service",
          "[e2e][services]") {
  e2e::TempDir dir;
  std::ofstream(dir.file("mtask.toml"))
      << "[tasks.web]\nrun = 'sleep 0.3; exit 3'\nservice = true\n"
         "[tasks.check]\nrun = 'sleep 60'\nneeds = ['web']\n";
  e2e::Options options;
  options.cwd = dir.path();
  options.timeout = 25s;
  const e2e::Run run = e2e::mtask({"run", "--color", "never"}, options);
  INFO(run.out << run.err);
  CHECK(run.status == 1);
  CHECK(e2e::contains(run.out, "stopped: SIGTERM (needs web: service ended early (exit 3))"));
}

TEST_CASE("services do not count for -j: with -j 1 a check that needs one runs",
          "[e2e][services]") {
  const FileRun r(
      "[tasks.web]\nrun = 'sleep 60'\nservice = true\n\n"
      "[tasks.check]\nrun = 'echo ok'\nneeds = ['web']\n\n"
      "[tasks.more]\nrun = 'echo more'\n",
      {"-j", "1"});
  INFO(r.run.out << r.run.err);
  CHECK(r.run.status == 0);
  CHECK(r.run.wall < 10s);
  CHECK(r.event("exit", "check")["code"] == 0);
  CHECK(r.event("exit", "more")["code"] == 0);
  CHECK(r.event("exit", "web")["stopped"] == "run over");
  CHECK(r.nothing_left());
}

TEST_CASE("a line: probe makes a task ready when its output matches", "[e2e][services]") {
  const FileRun r(
      "[tasks.web]\nrun = 'sleep 0.3; echo listening on 8000; sleep 60'\nservice = true\n"
      "ready = 'line:listening on [0-9]+'\n\n"
      "[tasks.check]\nrun = 'echo ok'\nneeds = ['web']\n");
  INFO(r.run.out << r.run.err);
  CHECK(r.run.status == 0);
  CHECK(r.run.wall < 10s);
  CHECK(r.at("start", "check") > r.at("line", "web"));
  if (r.has("ready", "web")) {
    CHECK(r.at("ready", "web") > r.at("line", "web"));
    CHECK(r.at("ready", "web") < r.at("start", "check"));
    CHECK(r.event("ready", "web")["probe"] == "line:listening on [0-9]+");
  }
  CHECK(r.event("exit", "web")["stopped"] == "run over");
  CHECK(r.nothing_left());
}

TEST_CASE("a line: probe that never matches: the task is stopped after ready_timeout",
          "[e2e][services]") {
  const FileRun r(
      "[tasks.web]\nrun = 'echo starting; sleep 60'\nservice = true\nready = 'line:never'\n"
      "ready_timeout = 0.5\n\n"
      "[tasks.check]\nrun = 'echo should not run'\nneeds = ['web']\n");
  INFO(r.run.out << r.run.err);
  CHECK(r.run.status == 1);
  CHECK(r.run.wall < 10s);
  const json& web = r.event("exit", "web");
  CHECK(web["signal"] == "SIGTERM");
  CHECK(web["not_ready"].get<std::string>().starts_with("not ready after 500.0 ms (line:never)"));
  CHECK_FALSE(r.has("start", "check"));
  check_not_started_for_needs(r, "check", "needs web: " + web.value("not_ready", std::string()));
  CHECK(r.nothing_left());
}

TEST_CASE("SIGINT while a task waits for its needs: it is not started, for SIGINT",
          "[e2e][services]") {
  const FileRun r(
      "[tasks.web]\nrun = 'sleep 60'\nservice = true\nready = 'line:never'\n\n"
      "[tasks.check]\nrun = 'echo should not run'\nneeds = ['web']\n",
      {}, {e2e::send_signal(800ms, SIGINT)});
  INFO(r.run.out << r.run.err);
  CHECK(r.run.status == 130);
  CHECK(r.run.wall < 10s);
  const json& check = r.event("not_started", "check");
  CHECK(check["reason"] == "SIGINT");
  CHECK(r.event("exit", "web")["stopped"] == "SIGINT");
  CHECK(r.nothing_left());
}

TEST_CASE("out of descriptors with only a service running: exit 3 at once, nothing left",
          "[e2e][services]") {
  // With 10 descriptors mtask starts the service, and the check's pipes do not fit: waiting for
  // a running task to end would wait for the service, which only the end of the run stops.
  e2e::TempDir dir;
  std::ofstream(dir.file("mtask.toml"))
      << "[tasks.web]\nrun = 'sleep 60'\nservice = true\n\n[tasks.check]\nrun = 'echo ok'\n";
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 20s);
  options.cwd = dir.path();
  options.prefix = {"prlimit", "--nofile=10:10", "--"};
  const e2e::Run run = e2e::mtask({"run"}, options);
  INFO(run.out << run.err);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 3);
  CHECK(run.wall < 10s);
  CHECK(e2e::contains(run.err, "Too many open files"));
  CHECK(e2e::left_after(marker, 2s).empty());
}

TEST_CASE("a tcp: probe that connects to its own socket is no answer", "[e2e][services]") {
  // With the kernel's ports for outgoing connections narrowed to two, a connect to one of them
  // with nothing listening can be given that very port and meet itself.
  const e2e::Shell probe = e2e::shell("unshare -n sh -c 'ip link set lo up' 2>&1");
  if (probe.status != 0) {
    e2e::cannot_check("no network namespace here: " + probe.out);
    return;
  }
  e2e::TempDir dir;
  std::ofstream(dir.file("run.sh"))
      << "ip link set lo up && echo '40000 40001' > /proc/sys/net/ipv4/ip_local_port_range && "
         "exec \"$1\" run -o json --service web --ready web=tcp:40000 --ready-timeout 1.5s "
         "--needs check=web 'web=sleep 30' 'check=echo CHECK RAN'\n";
  const e2e::Shell run =
      e2e::shell("unshare -n sh " + dir.file("run.sh") + " " + e2e::binary() + " 2>&1");
  INFO(run.out);
  CHECK(run.status == 1);
  // Each try had a one-in-two chance to meet itself: never taken for an answer.
  CHECK_FALSE(e2e::contains(run.out, "CHECK RAN"));
  CHECK(e2e::contains(run.out, "not ready after 1.50 s (tcp:40000)"));
}

namespace {

/// The states (from /proc/PID/stat) of the processes whose command line holds `needle`.
std::vector<char> states_of(const std::string& needle) {
  std::vector<char> states;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = e2e::read_all((entry.path() / "cmdline").string());
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(needle) == std::string::npos) continue;
    const std::string stat = e2e::read_all((entry.path() / "stat").string());
    const std::size_t paren = stat.rfind(')');
    if (paren != std::string::npos && paren + 2 < stat.size()) states.push_back(stat[paren + 2]);
  }
  return states;
}

}  // namespace

TEST_CASE("Ctrl-Z stops a probe command with the tasks, and fg continues it", "[e2e][services]") {
  std::vector<char> while_stopped;
  std::vector<char> after;
  std::vector<e2e::Action> actions{
      {800ms, [](pid_t pid) { kill(pid, SIGTSTP); }},
      {1500ms, [&](pid_t) { while_stopped = states_of("sleep 31.4159"); }},
      {1600ms, [](pid_t pid) { kill(pid, SIGCONT); }},
      {2100ms, [&](pid_t) { after = states_of("sleep 31.4159"); }},
      {2200ms, [](pid_t pid) { kill(pid, SIGINT); }}};
  const FileRun r(
      "[tasks.web]\nrun = 'sleep 30'\nservice = true\nready = 'cmd:sleep 31.4159'\n\n"
      "[tasks.check]\nrun = 'true'\nneeds = ['web']\n",
      {}, std::move(actions));
  INFO(r.run.out << r.run.err);
  REQUIRE_FALSE(while_stopped.empty());
  for (const char state : while_stopped) CHECK(state == 'T');
  REQUIRE_FALSE(after.empty());
  for (const char state : after) CHECK(state != 'T');
  CHECK(r.run.status == 130);
  CHECK(r.nothing_left());
}

TEST_CASE("a cmd: probe in a run of built-in tasks leaves nothing behind", "[e2e][services]") {
  const FileRun r(
      "[tasks.sing]\ncount = 3\ninterval = '100ms'\n"
      "ready = 'cmd:setsid sleep 47.02 & sleep 0.05; exit 0'\n\n"
      "[tasks.dance]\ncount = 1\ninterval = '0s'\nneeds = ['sing']\n");
  INFO(r.run.out << r.run.err);
  CHECK(r.run.status == 0);
  CHECK(states_of("sleep 47.02").empty());
  CHECK(r.nothing_left());
}

TEST_CASE("a need whose readiness fails runs again (--retries): what needs it waits",
          "[e2e][services]") {
  e2e::TempDir flags;
  const std::string flag = flags.file("first-attempt-done");
  const FileRun r("[tasks.web]\nrun = 'if [ -e " + flag +
                  " ]; then echo READY; sleep 1; else touch " + flag +
                  "; sleep 60; fi'\nready = 'line:READY'\nready_timeout = '1s'\n"
                  "retries = 1\n\n"
                  "[tasks.check]\nrun = 'echo CHECK RAN'\nneeds = ['web']\n");
  INFO(r.run.out << r.run.err);
  CHECK(r.run.status == 0);
  CHECK_FALSE(r.has("not_started", "check"));
  CHECK(r.event("exit", "check")["code"] == 0);
  CHECK(r.at("start", "check") > r.at("ready", "web"));
}

TEST_CASE("a running task is not stopped when what it needs fails an attempt that runs again",
          "[e2e][services]") {
  e2e::TempDir flags;
  const std::string flag = flags.file("first-attempt-done");
  const FileRun r("[tasks.db]\nrun = 'echo up; if [ -e " + flag + " ]; then sleep 3; else touch " +
                  flag + "; sleep 1; exit 1; fi'\nready = 'line:up'\nretries = 1\n\n" +
                  "[tasks.check]\nrun = 'sleep 2; echo CHECK DONE'\nneeds = ['db']\n");
  INFO(r.run.out << r.run.err);
  CHECK(r.run.status == 0);
  const json& check = r.event("exit", "check");
  CHECK(check["code"] == 0);
  CHECK(check["stopped"].is_null());
  CHECK(e2e::contains(r.run.out, "CHECK DONE"));
}
