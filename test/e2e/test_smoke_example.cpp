// The smoke-test example (examples/smoke, docs/smoke.md) run as a user runs it: `mtask run` in
// a copy of its folder, with its ports 8000 and 8001 replaced by ports free on this machine.
// It starts two servers, waits until each is ready, checks both with curl and stops them.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"
#include "json_events.hpp"
#include "ports.hpp"

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

/// A copy of examples/smoke whose mtask.toml uses `web_port` and `api_port`: free ones, unless
/// the test gives the site's.
struct Example {
  e2e::TempDir dir;
  std::string web_port;
  std::string api_port;

  explicit Example(const std::string& web = "") {
    const std::vector<std::string> ports = e2e::free_ports(2);
    web_port = web.empty() ? ports[0] : web;
    api_port = ports[1];
    fs::copy(MTASK_SOURCE_DIR "/examples/smoke", dir.path(), fs::copy_options::recursive);
    // Through placeholders: a free port may hold the digits of the other (48001).
    edit("8000", "<web>");
    edit("8001", "<api>");
    edit("<web>", web_port);
    edit("<api>", api_port);
  }

  /// Replaces every `from` in the copy's mtask.toml by `to`.
  void edit(const std::string& from, const std::string& to) const {
    std::string text = e2e::read_all(dir.file("mtask.toml"));
    REQUIRE(e2e::contains(text, from));
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at))
      text.replace(at, from.size(), to), at += to.size();
    std::ofstream(dir.file("mtask.toml")) << text;
  }

  /// `mtask run ARGS...` in the copy, its processes marked with `marker`.
  e2e::Run run(const std::vector<std::string>& args, const std::string& marker) const {
    e2e::Options options = e2e::marked(marker, 60s);
    options.cwd = dir.path();
    std::vector<std::string> all = {"run"};
    all.insert(all.end(), args.begin(), args.end());
    const e2e::Run run = e2e::mtask(all, options);
    REQUIRE_FALSE(run.timed_out);
    return run;
  }
};

/// The event of `kind` for `task` (null when there is none).
const nlohmann::json* find_event(const std::vector<nlohmann::json>& events, const std::string& kind,
                                 const std::string& task) {
  for (const nlohmann::json& event : events)
    if (event.value("event", "") == kind && event.value("task", "") == task) return &event;
  return nullptr;
}

/// What xmllint says of `args`, and its status.
e2e::Shell xmllint(const std::string& args) { return e2e::shell("xmllint " + args); }

int xpath_count(const std::string& file, const std::string& expression) {
  const e2e::Shell shell = xmllint("--xpath \"" + expression + "\" '" + file + "'");
  INFO(expression << ": " << shell.out);
  REQUIRE(shell.status == 0);
  return std::stoi(shell.out);
}

}  // namespace

TEST_CASE("The smoke example serves, waits, checks and stops: exit 0, a JUnit report, nothing left",
          "[e2e][smoke]") {
  const Example example;
  const std::string marker = e2e::unique_marker();
  const e2e::Run run = example.run({"-o", "json", "--junit", "report.xml"}, marker);
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.status == 0);
  const std::vector<nlohmann::json> events = e2e::events_of(run);

  // Each server became ready by its own probe, and each check started after that.
  const std::map<std::string, std::string> probes = {
      {"web", "tcp:" + example.web_port},
      {"api", "line:^Serving HTTP on 127\\.0\\.0\\.1 port " + example.api_port}};
  const std::map<std::string, std::string> needs = {{"page", "web"}, {"status", "api"}};
  for (const auto& [check, server] : needs) {
    CAPTURE(check, server);
    const nlohmann::json* ready = find_event(events, "ready", server);
    const nlohmann::json* start = find_event(events, "start", check);
    const nlohmann::json* exit = find_event(events, "exit", check);
    REQUIRE(ready != nullptr);
    REQUIRE(start != nullptr);
    REQUIRE(exit != nullptr);
    CHECK(ready->value("probe", "") == probes.at(server));
    CHECK(start->value("t", 0.0) >= ready->value("t", 1e9));
    CHECK(exit->value("code", -1) == 0);
  }
  // Both servers were stopped at the end, and that is how a service ends well.
  std::vector<int> servers;
  for (const std::string server : {"web", "api"}) {
    CAPTURE(server);
    const nlohmann::json* exit = find_event(events, "exit", server);
    REQUIRE(exit != nullptr);
    CHECK(exit->value("service", false));
    CHECK(exit->value("stopped", "") == "run over");
    CHECK(exit->value("ended_early", true) == false);
    CHECK(exit->value("not_ready", nlohmann::json("?")).is_null());
    servers.push_back(exit->value("pid", 0));
  }
  // What curl fetched from each.
  std::vector<std::string> lines;
  for (const nlohmann::json& event : events)
    if (event.value("event", "") == "line" && event.value("task", "") != "web")
      lines.push_back(event.value("task", "") + ": " + event.value("text", ""));
  CHECK(std::find(lines.begin(), lines.end(), "page: <h1>The site is up</h1>") != lines.end());
  CHECK(std::find(lines.begin(), lines.end(), "status: {\"status\": \"ok\"}") != lines.end());
  const nlohmann::json* summary = find_event(events, "summary", "");  // it names no task
  REQUIRE(summary != nullptr);
  CHECK(summary->value("failed", -1) == 0);

  // Nothing is left: no process of the run, and the servers' pids (the servers themselves,
  // thanks to exec) are gone.
  CHECK(e2e::left_after(marker, 2s).empty());
  for (const int pid : servers) CHECK_FALSE(e2e::alive(pid));

  // The JUnit report: a testcase for each check and each server, none failed or skipped.
  const std::string report = example.dir.file("report.xml");
  const e2e::Shell valid =
      xmllint("--noout --schema '" MTASK_SOURCE_DIR "/test/data/junit.xsd' '" + report + "'");
  INFO("xmllint: " << valid.out);
  CHECK(valid.status == 0);
  CHECK(xpath_count(report, "count(//testcase)") == 4);
  for (const std::string name : {"web", "api", "page", "status"})
    CHECK(xpath_count(report, "count(//testcase[@name='" + name + "'])") == 1);
  CHECK(xpath_count(report, "count(//failure)") == 0);
  CHECK(xpath_count(report, "count(//error)") == 0);
  CHECK(xpath_count(report, "count(//skipped)") == 0);
}

TEST_CASE(
    "The smoke example with its site served from the wrong folder fails: exit 1, curl's "
    "404 and the failed check in the output",
    "[e2e][smoke]") {
  const Example example;
  example.edit("cwd = \"site\"", "cwd = \"api\"");  // index.html is not there: 404
  const std::string marker = e2e::unique_marker();
  const e2e::Run run = example.run({"--junit", "report.xml"}, marker);
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.status == 1);
  CHECK(e2e::contains(run.err, "404"));  // curl -f says what the server answered, on stderr
  CHECK(e2e::contains(run.out, "1 failed"));
  // The servers were fine: they end as they should, and the report blames the check alone.
  CHECK(e2e::contains(run.out, "run over"));
  CHECK(xpath_count(example.dir.file("report.xml"), "count(//testcase[@name='page']/failure)") ==
        1);
  CHECK(xpath_count(example.dir.file("report.xml"), "count(//failure)") == 1);
  CHECK(e2e::left_after(marker, 2s).empty());
}

TEST_CASE(
    "The smoke example whose port is taken: the server exits, the check that needs it is "
    "not started, exit 1 and the output says why",
    "[e2e][smoke]") {
  const e2e::HeldPort taken;  // bound, not listening: the server cannot bind, nobody answers
  const Example example(std::to_string(taken.port()));
  const std::string marker = e2e::unique_marker();
  const e2e::Run run = example.run({"--junit", "report.xml"}, marker);
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.status == 1);
  CHECK(run.wall < 30s);  // at once, not after the 10 s of its ready_timeout
  CHECK(e2e::contains(run.err, "Address already in use"));  // the server's own words
  CHECK(e2e::contains(run.out, "ended before it was ready (tcp:" + std::to_string(taken.port())));
  CHECK(e2e::contains(run.out, "not started: needs web: "));
  // The other server and its check are not held back by it.
  CHECK(e2e::contains(run.out, "{\"status\": \"ok\"}"));
  const std::string report = example.dir.file("report.xml");
  CHECK(xpath_count(report, "count(//testcase[@name='web']/failure)") == 1);
  CHECK(xpath_count(report, "count(//testcase[@name='page']/skipped)") == 1);
  CHECK(xpath_count(report, "count(//failure)") == 1);
  CHECK(e2e::left_after(marker, 2s).empty());
}
