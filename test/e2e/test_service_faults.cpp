// Services that go wrong (docs/smoke.md, "When it goes wrong"): a service that dies during the
// checks, a probe that never succeeds, a stop while a probe waits, a line that never comes.
// Each run ends promptly, leaves no process behind, and its report says what happened.
#include <signal.h>

#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"
#include "json_events.hpp"
#include "ports.hpp"

namespace {

using namespace std::chrono_literals;

/// A server on 127.0.0.1:PORT (its first argument) that listens for a second, then crashes
/// with status 3.
const std::string kCrashingServer =
    "exec python3 -c 'import socket, sys, time\n"
    "s = socket.create_server((\"127.0.0.1\", int(sys.argv[1])))\n"
    "time.sleep(1)\n"
    "print(\"crash!\", file=sys.stderr)\n"
    "sys.exit(3)' ";

/// `mtask run ARGS...` in `dir`, its processes marked with `marker`.
e2e::Run run_in(const e2e::TempDir& dir, const std::vector<std::string>& args,
                const std::string& marker, std::vector<e2e::Action> actions = {}) {
  e2e::Options options = e2e::marked(marker, 60s);
  options.cwd = dir.path();
  options.actions = std::move(actions);
  std::vector<std::string> all = {"run"};
  all.insert(all.end(), args.begin(), args.end());
  const e2e::Run run = e2e::mtask(all, options);
  REQUIRE_FALSE(run.timed_out);
  return run;
}

/// The first event of `kind` for `task` (an empty object when there is none).
nlohmann::json event_of(const std::vector<nlohmann::json>& events, const std::string& kind,
                        const std::string& task) {
  for (const nlohmann::json& event : events)
    if (event.value("event", "") == kind && event.value("task", "") == task) return event;
  return nlohmann::json::object();
}

/// The value at `key` of `event` as text ("" when it is missing or no string).
std::string text_at(const nlohmann::json& event, const char* key) {
  const auto it = event.find(key);
  return it != event.end() && it->is_string() ? it->get<std::string>() : "";
}

bool matches(const std::string& text, const std::string& pattern) {
  return std::regex_search(text, std::regex(pattern));
}

}  // namespace

TEST_CASE(
    "A service that dies during the checks stops the checks that need it: the run fails and "
    "names the service",
    "[e2e][services][faults]") {
  e2e::TempDir dir;
  const std::string port = e2e::free_ports(1)[0];
  std::ofstream(dir.file("mtask.toml"))
      << "[tasks.web]\nrun = '''" << kCrashingServer << port
      << "'''\nservice = true\nready = 'tcp:" << port
      << "'\n\n[tasks.check]\nrun = 'echo checking; sleep 30'\nneeds = ['web']\n\n"
      << "[tasks.other]\nrun = 'sleep 3'\n";
  const std::string marker = e2e::unique_marker();

  SECTION("as JSON: the check is stopped for its need, a task that does not need it goes on") {
    const e2e::Run run = run_in(dir, {"-o", "json"}, marker);
    INFO("stdout: " << run.out << "\nstderr: " << run.err);
    CHECK(run.status == 1);
    CHECK(run.wall < 20s);  // not the 30 s of the check
    const std::vector<nlohmann::json> events = e2e::events_of(run);
    CHECK_FALSE(event_of(events, "ready", "web").empty());
    const nlohmann::json web = event_of(events, "exit", "web");
    CHECK(web.value("ended_early", false));
    CHECK(web.value("code", 0) == 3);
    const nlohmann::json check = event_of(events, "exit", "check");
    CHECK(text_at(check, "stopped") == "needs");
    CHECK(text_at(check, "signal") == "SIGTERM");
    CHECK(event_of(events, "exit", "other").value("code", -1) == 0);
    CHECK(event_of(events, "summary", "").value("failed", 0) == 1);
  }
  SECTION("as text: the check's end names the service and how it ended") {
    const e2e::Run run = run_in(dir, {}, marker);
    INFO("stdout: " << run.out << "\nstderr: " << run.err);
    CHECK(run.status == 1);
    CHECK(run.wall < 20s);
    CHECK(e2e::contains(run.err, "crash!"));  // the server's stderr, on mtask's
    CHECK(matches(run.out, "\n! web +[0-9]+ .*service ended early \\(exit 3\\)"));
    CHECK(matches(run.out,
                  "\n  check +[0-9]+ .*stopped: SIGTERM \\(needs web: service ended "
                  "early \\(exit 3\\)\\)"));
  }
  SECTION("with --fail-fast the tasks that do not need it are stopped too") {
    const e2e::Run run = run_in(dir, {"--fail-fast", "-o", "json"}, marker);
    INFO("stdout: " << run.out << "\nstderr: " << run.err);
    CHECK(run.status == 1);
    CHECK(run.wall < 20s);
    const std::vector<nlohmann::json> events = e2e::events_of(run);
    CHECK(text_at(event_of(events, "exit", "check"), "stopped") == "needs");
    CHECK(text_at(event_of(events, "exit", "other"), "stopped") == "fail-fast");
    CHECK(text_at(event_of(events, "summary", ""), "stopped") == "fail-fast");
  }
  CHECK(e2e::left_after(marker, 2s).empty());
}

TEST_CASE(
    "A tcp: probe against a port nobody opens gives up after ready_timeout: the tasks that "
    "need it are not started, with the reason",
    "[e2e][services][faults]") {
  e2e::TempDir dir;
  const e2e::HeldPort closed;  // held, so that no other program opens it meanwhile
  const std::string port = std::to_string(closed.port());
  std::ofstream(dir.file("mtask.toml"))
      << "[tasks.web]\nrun = 'echo starting; exec sleep 60'\nservice = true\nready = 'tcp:" << port
      << "'\nready_timeout = '1s'\n\n[tasks.check]\nrun = 'echo never'\nneeds = ['web']\n\n"
      << "[tasks.after]\nrun = 'echo never either'\nneeds = ['check']\n";
  const std::string marker = e2e::unique_marker();
  const std::string why = "not ready after 1(\\.0+)? s \\(tcp:" + port + "\\)";

  SECTION("as JSON") {
    const e2e::Run run = run_in(dir, {"-o", "json"}, marker);
    INFO("stdout: " << run.out << "\nstderr: " << run.err);
    CHECK(run.status == 1);
    CHECK(run.wall >= 1s);
    CHECK(run.wall < 20s);
    const std::vector<nlohmann::json> events = e2e::events_of(run);
    CHECK(event_of(events, "ready", "web").empty());
    const nlohmann::json web = event_of(events, "exit", "web");
    // The last try's error follows (connection refused, here; what ::1 says where it has none).
    CHECK(matches(text_at(web, "not_ready"), "^" + why + ": ."));
    CHECK(web.value("signal", "") == "SIGTERM");  // stopped when its probe gave up
    const nlohmann::json check = event_of(events, "not_started", "check");
    CHECK(text_at(check, "reason") == "needs web");
    CHECK(matches(text_at(check, "why"), "^needs web: " + why));
    const nlohmann::json after = event_of(events, "not_started", "after");
    CHECK(text_at(after, "reason") == "needs check");
    CHECK(matches(text_at(after, "why"), "^needs check: not started \\(needs web: " + why));
    CHECK_FALSE(e2e::contains(run.out, "never"));
  }
  SECTION("as text and JUnit") {
    const e2e::Run run = run_in(dir, {"--junit", "report.xml"}, marker);
    INFO("stdout: " << run.out << "\nstderr: " << run.err);
    CHECK(run.status == 1);
    CHECK(matches(run.out, "\ncheck +- not started: needs web: " + why));
    CHECK(matches(run.out, "\n! web +[0-9]+ .*" + why));
    // Its end line gives the reason once, with the time it was given: no "after" added.
    CHECK_FALSE(matches(run.out, why + "[^\\n]* after [0-9]"));
    const std::string report = e2e::read_all(dir.file("report.xml"));
    CHECK(matches(report, "<failure message=\"" + why));
    CHECK(matches(report, "<skipped message=\"needs web: " + why));
  }
  CHECK(e2e::left_after(marker, 2s).empty());
}

TEST_CASE(
    "SIGINT while a probe waits: exit 130 at once, the waiting task not started, nothing "
    "left",
    "[e2e][services][faults][signals]") {
  const e2e::HeldPort closed;
  const std::string port = std::to_string(closed.port());
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 60s);
  options.actions = {e2e::send_signal(1500ms, SIGINT)};
  const e2e::Run run =
      e2e::mtask({"run", "-o", "json", "--service", "web", "--ready", "web=tcp:" + port, "--needs",
                  "check=web", "web=exec sleep 60", "check=echo never"},
                 options);
  REQUIRE_FALSE(run.timed_out);
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.status == 130);
  CHECK(run.wall < 15s);  // not the 30 s of the default ready_timeout
  const std::vector<nlohmann::json> events = e2e::events_of(run);
  CHECK(event_of(events, "ready", "web").empty());
  CHECK(text_at(event_of(events, "exit", "web"), "stopped") == "SIGINT");
  CHECK(text_at(event_of(events, "not_started", "check"), "reason") == "SIGINT");
  CHECK(text_at(event_of(events, "summary", ""), "stopped") == "SIGINT");
  CHECK_FALSE(e2e::contains(run.out, "never\""));
  CHECK(e2e::left_after(marker, 2s).empty());
}

TEST_CASE("A line: probe on a task that never prints gives up after ready_timeout",
          "[e2e][services][faults]") {
  e2e::TempDir dir;
  std::ofstream(dir.file("mtask.toml"))
      << "[tasks.quiet]\nrun = 'exec sleep 60'\nready = 'line:^listening'\nready_timeout = "
         "'1s'\n\n[tasks.check]\nrun = 'echo never'\nneeds = ['quiet']\n";
  const std::string marker = e2e::unique_marker();
  const e2e::Run run = run_in(dir, {"-o", "json"}, marker);
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.status == 1);
  CHECK(run.wall >= 1s);
  CHECK(run.wall < 20s);
  const std::vector<nlohmann::json> events = e2e::events_of(run);
  const std::string why = "not ready after 1(\\.0+)? s \\(line:\\^listening\\)";
  CHECK(matches(text_at(event_of(events, "exit", "quiet"), "not_ready"), "^" + why));
  CHECK(matches(text_at(event_of(events, "not_started", "check"), "why"), "^needs quiet: " + why));
  CHECK(event_of(events, "summary", "").value("failed", 0) == 1);
  CHECK(e2e::left_after(marker, 2s).empty());
}

TEST_CASE("A line: probe on a task that ends without the line: not ready, at once",
          "[e2e][services][faults]") {
  e2e::TempDir dir;
  std::ofstream(dir.file("mtask.toml"))
      << "[tasks.quiet]\nrun = 'echo starting up; exit 0'\nready = 'line:^listening'\n\n"
         "[tasks.check]\nrun = 'echo never'\nneeds = ['quiet']\n";
  const std::string marker = e2e::unique_marker();
  const e2e::Run run = run_in(dir, {"-o", "json"}, marker);
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.status == 1);
  CHECK(run.wall < 20s);  // not the 30 s of the default ready_timeout
  const std::vector<nlohmann::json> events = e2e::events_of(run);
  CHECK(text_at(event_of(events, "exit", "quiet"), "not_ready") ==
        "ended before it was ready (line:^listening)");
  CHECK(text_at(event_of(events, "not_started", "check"), "why") ==
        "needs quiet: ended before it was ready (line:^listening)");
  CHECK(e2e::left_after(marker, 2s).empty());
}
