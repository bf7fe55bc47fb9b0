// Tasks mtask itself stopped (--fail-fast, a signal to mtask, a closed stdout) are `stopped`,
// not failed, in every report (docs/output.md, "Stopped tasks").
#include <sys/wait.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"

using namespace std::chrono_literals;
using nlohmann::json;

namespace {

using e2e::read_all;

/// The JSON events of a run, by kind.
struct Events {
  std::map<std::string, json> exits;        // by task name
  std::map<std::string, json> not_started;  // by task name
  json summary;
};

/// A key of an event, or "(missing)": the events of older versions lack the newer keys.
json get(const json& event, const std::string& key) {
  return event.contains(key) ? event.at(key) : json("(missing)");
}

Events events_of(const e2e::Run& run) {
  Events events;
  for (const std::string& line : run.out_lines()) {
    INFO(line);
    const json event = json::parse(line);
    if (event["event"] == "exit") events.exits[event["task"]] = event;
    if (event["event"] == "not_started") events.not_started[event["task"]] = event;
    if (event["event"] == "summary") events.summary = event;
  }
  return events;
}

/// The line of the text summary table for `task` (not one of its run lines).
std::string summary_row(const std::string& out, const std::string& task) {
  for (const std::string& line : e2e::split_lines(out)) {
    if (line.find(" " + task + " ") != std::string::npos && line.find(" | ") == std::string::npos &&
        line.find(" > ") == std::string::npos && line.find(" < ") == std::string::npos) {
      return line;
    }
  }
  return "";
}

/// What a shell command printed (stderr joined) and its exit status.
std::pair<int, std::string> shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  std::size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string xpath(const std::string& file, const std::string& expression) {
  const auto [status, out] = shell("xmllint --xpath \"" + expression + "\" " + file);
  INFO(out);
  REQUIRE(status == 0);
  return out.ends_with('\n') ? out.substr(0, out.size() - 1) : out;
}

/// The rows of a job log, each split on tabs, by task name.
std::map<std::string, std::vector<std::string>> joblog_rows(const std::string& path) {
  std::map<std::string, std::vector<std::string>> rows;
  for (const std::string& row : e2e::split_lines(read_all(path))) {
    std::vector<std::string> fields;
    std::istringstream in(row);
    for (std::string field; std::getline(in, field, '\t');) fields.push_back(field);
    if (fields.size() > 1) rows[fields[1]] = fields;
  }
  return rows;
}

// A fail-fast run with every kind of task: `a` fails and triggers the stop, `b` is its victim, `c`
// and `d` never start.
const std::vector<std::string> kFailFast = {
    "run", "-j", "2", "--fail-fast", "a=sleep 0.1; exit 1", "b=sleep 5", "c", "d"};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.begin() + 1, more.begin(), more.end());
  return args;
}

}  // namespace

TEST_CASE("fail-fast: the victim is stopped, not failed, and the rest never started (JSON)",
          "[e2e][victims]") {
  const e2e::Run run = e2e::mtask(with(kFailFast, {"-o", "json"}));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);  // the task that failed on its own
  const Events events = events_of(run);
  REQUIRE(events.exits.count("a") == 1);
  REQUIRE(events.exits.count("b") == 1);
  const json& a = events.exits.at("a");
  const json& b = events.exits.at("b");
  CHECK(get(a, "code") == 1);
  REQUIRE(a.contains("stopped"));
  CHECK(get(a, "stopped").is_null());  // it failed by itself and triggered the stop
  CHECK(get(b, "signal") == "SIGTERM");
  CHECK(get(b, "stopped") == "fail-fast");
  for (const std::string task : {"c", "d"}) {
    CAPTURE(task);
    REQUIRE(events.not_started.count(task) == 1);
    CHECK(get(events.not_started.at(task), "reason") == "fail-fast");
    CHECK(events.not_started.at(task).contains("index"));
    CHECK(events.not_started.at(task).contains("t"));
  }
  CHECK(get(events.summary, "failed") == 1);
  CHECK(get(events.summary, "stopped") == "fail-fast");
  CHECK(get(events.summary, "not_started") == 2);
  CHECK(get(events.summary, "exit_code") == 1);
}

TEST_CASE("fail-fast: the text says stopped, one failed, and when the run was stopped",
          "[e2e][victims]") {
  const e2e::Run run = e2e::mtask(kFailFast);
  REQUIRE_FALSE(run.timed_out);
  INFO(run.out);
  CHECK(run.status == 1);
  CHECK(e2e::contains(run.out, "4 tasks, 1 failed, 1 stopped, 2 not started"));
  CHECK(e2e::contains(run.out, "run stopped by fail-fast after "));
  CHECK(e2e::contains(summary_row(run.out, "a"), "exit 1"));
  CHECK(summary_row(run.out, "a").starts_with("!"));
  CHECK(e2e::contains(summary_row(run.out, "b"), "stopped: SIGTERM (fail-fast)"));
  CHECK_FALSE(summary_row(run.out, "b").starts_with("!"));
  CHECK(e2e::contains(run.out, "< stopped: SIGTERM (fail-fast) after "));
}

TEST_CASE("fail-fast: JUnit has one failure, the victim is skipped; the job log says stopped",
          "[e2e][victims][junit][joblog]") {
  e2e::TempDir dir;
  const std::string report = dir.file("report.xml");
  const std::string log = dir.file("jobs.tsv");
  const e2e::Run run = e2e::mtask(with(kFailFast, {"--junit", report, "--joblog", log}));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  const std::string schema =
      (std::filesystem::path(__FILE__).parent_path().parent_path() / "data" / "junit.xsd").string();
  const auto [valid, why] = shell("xmllint --noout --schema " + schema + " " + report);
  INFO(why << read_all(report));
  CHECK(valid == 0);
  CHECK(xpath(report, "string(//testsuite/@failures)") == "1");
  CHECK(xpath(report, "string(//testsuite/@errors)") == "0");
  CHECK(xpath(report, "string(//testsuite/@skipped)") == "3");
  CHECK(xpath(report, "count(//testcase[@name='a']/failure)") == "1");
  CHECK(xpath(report, "count(//testcase[@name='b']/failure)") == "0");
  CHECK(xpath(report, "string(//testcase[@name='b']/skipped/@message)") ==
        "stopped: SIGTERM (fail-fast)");

  const auto rows = joblog_rows(log);
  REQUIRE(rows.count("task") == 1);
  REQUIRE(rows.at("task").size() == 14);
  CHECK(rows.at("task")[12] == "stopped");
  REQUIRE(rows.count("a") == 1);
  REQUIRE(rows.count("b") == 1);
  REQUIRE(rows.at("b").size() == 14);
  CHECK(rows.at("a")[12] == "-");
  CHECK(rows.at("b")[12] == "fail-fast");
  CHECK(rows.count("c") == 0);  // never started: no row
}

TEST_CASE("after SIGINT no task failed: every one is stopped by SIGINT", "[e2e][victims]") {
  e2e::Options options;
  options.actions = {e2e::send_signal(500ms, SIGINT)};
  const e2e::Run run =
      e2e::mtask({"run", "-o", "json", "-j", "2", "x=sleep 10", "y:100@100ms", "z=true"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 130);
  const Events events = events_of(run);
  REQUIRE(events.exits.size() == 2);
  for (const auto& [task, exit] : events.exits) {
    CAPTURE(task);
    CHECK(get(exit, "stopped") == "SIGINT");
  }
  REQUIRE(events.not_started.count("z") == 1);
  CHECK(get(events.not_started.at("z"), "reason") == "SIGINT");
  CHECK(get(events.summary, "failed") == 0);
  CHECK(get(events.summary, "stopped") == "SIGINT");
  CHECK(get(events.summary, "not_started") == 1);
  CHECK(get(events.summary, "exit_code") == 130);
}

TEST_CASE("after SIGTERM the text says none failed, and by what and when the run stopped",
          "[e2e][victims]") {
  e2e::Options options;
  options.actions = {e2e::send_signal(500ms, SIGTERM)};
  const e2e::Run run = e2e::mtask({"run", "x=sleep 10", "y:100@100ms"}, options);
  REQUIRE_FALSE(run.timed_out);
  INFO(run.out);
  CHECK(run.status == 143);
  CHECK(e2e::contains(run.out, "2 tasks, none failed, 2 stopped"));
  CHECK(e2e::contains(run.out, "run stopped by SIGTERM after "));
  CHECK(e2e::contains(summary_row(run.out, "x"), "stopped: SIGTERM (SIGTERM)"));
}

TEST_CASE("a task that exits 0 when mtask stops it has passed", "[e2e][victims]") {
  e2e::Options options;
  options.actions = {e2e::send_signal(500ms, SIGINT)};
  // The shell waits for its sleep; on SIGTERM its trap makes it exit 0.
  const e2e::Run run = e2e::mtask(
      {"run", "-o", "json", "calm=trap 'exit 0' TERM; sleep 10 & wait", "x=sleep 10"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 130);
  const Events events = events_of(run);
  REQUIRE(events.exits.count("calm") == 1);
  CHECK(get(events.exits.at("calm"), "code") == 0);
  REQUIRE(events.exits.at("calm").contains("stopped"));
  CHECK(get(events.exits.at("calm"), "stopped").is_null());
  CHECK(get(events.exits.at("x"), "stopped") == "SIGINT");
  CHECK(get(events.summary, "failed") == 0);
}

TEST_CASE("a task's own --timeout is a failure, not a stop by mtask", "[e2e][victims]") {
  const e2e::Run run = e2e::mtask(
      {"run", "-o", "json", "--fail-fast", "--timeout", "300ms", "slow=sleep 10", "ok=true"});
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  const Events events = events_of(run);
  REQUIRE(events.exits.count("slow") == 1);
  CHECK(get(events.exits.at("slow"), "timed_out") == true);
  REQUIRE(events.exits.at("slow").contains("stopped"));
  CHECK(get(events.exits.at("slow"), "stopped").is_null());
  CHECK(get(events.summary, "failed") == 1);
  // Its failure set off --fail-fast, but nothing was left to stop.
  CHECK(get(events.summary, "stopped") == nullptr);
}

TEST_CASE("a closed stdout stops the tasks as `stdout closed` (job log)",
          "[e2e][victims][joblog]") {
  e2e::TempDir dir;
  const std::string log = dir.file("jobs.tsv");
  e2e::Options options;
  options.close_stdout = true;
  options.close_after = 300ms;
  const e2e::Run run = e2e::mtask({"run", "--joblog", log, "quiet=sleep 10"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 141);
  const auto rows = joblog_rows(log);
  INFO(read_all(log));
  REQUIRE(rows.count("quiet") == 1);
  REQUIRE(rows.at("quiet").size() == 18);
  CHECK(rows.at("quiet")[12] == "stdout closed");
}
