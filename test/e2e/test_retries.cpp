// --retries and --retry-delay (docs/tasks.md, "Retries"): a failed task runs again, each attempt
// in every report; a task that passes on a later attempt is flaky and counts as passed.
#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"
#include "json_events.hpp"

namespace {

using e2e::events_of;

using e2e::read_all;
using e2e::shell;
using e2e::Shell;

using namespace std::chrono_literals;
using nlohmann::json;

/// A task that fails the first time it runs in `dir` and passes after: it leaves a file there.
std::string flaky_task(const e2e::TempDir& dir) {
  return "flaky=test -e " + dir.file("seen") + " || { touch " + dir.file("seen") +
         "; echo first try; echo oops >&2; exit 1; }; echo second try";
}

e2e::Options quick() {
  e2e::Options options;
  options.timeout = 30s;
  return options;
}

/// The events of one kind for the task named `task`, in order.
std::vector<json> of_task(const std::vector<json>& events, const std::string& kind,
                          const std::string& task) {
  std::vector<json> found;
  for (const json& e : events) {
    if (e["event"] == kind && e["task"] == task) found.push_back(e);
  }
  return found;
}

const std::string kSchema =
    (std::filesystem::path(__FILE__).parent_path().parent_path() / "data" / "junit.xsd").string();

/// The value of an XPath expression over a file, as xmllint computes it.
std::string xpath(const std::string& file, const std::string& expression) {
  const Shell result = shell("xmllint --xpath \"" + expression + "\" '" + file + "'");
  INFO(result.out);
  REQUIRE(result.status == 0);
  REQUIRE(result.out.ends_with('\n'));
  return result.out.substr(0, result.out.size() - 1);
}

void check_valid_junit(const std::string& report) {
  const Shell valid = shell("xmllint --noout --schema '" + kSchema + "' '" + report + "'");
  INFO(valid.out << read_all(report));
  CHECK(valid.status == 0);
}

/// The rows of a joblog whose task column is `task`, split at tabs, after checking the header.
std::vector<std::vector<std::string>> joblog_rows(const std::string& path,
                                                  const std::string& task) {
  std::vector<std::vector<std::string>> rows;
  const std::vector<std::string> lines = e2e::split_lines(read_all(path));
  REQUIRE_FALSE(lines.empty());
  CHECK(lines[0].ends_with("\tstopped\tattempt\tcpu_wait\tvcsw\tivcsw\tcommand"));
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream in(lines[i]);
    while (std::getline(in, cell, '\t')) cells.push_back(cell);
    if (cells.size() > 1 && cells[1] == task) rows.push_back(cells);
  }
  return rows;
}

}  // namespace

TEST_CASE("retries: a task that fails once and then passes is flaky, and the run passes",
          "[e2e][retries]") {
  e2e::TempDir dir;
  const e2e::Run run = e2e::mtask({"run", "--retries", "2", flaky_task(dir)}, quick());
  REQUIRE_FALSE(run.timed_out);
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  CHECK(e2e::contains(run.out, "< exit 1 after "));
  CHECK(e2e::contains(run.out, ", retrying (2/3)\n"));
  CHECK(e2e::contains(run.out, "> started (ppid "));
  CHECK(e2e::contains(run.out, "), attempt 2/3\n"));
  CHECK(e2e::contains(run.out, "| second try"));
  CHECK(e2e::contains(run.out, "exit 0 (flaky, attempt 2/3)"));
  CHECK(e2e::contains(run.out, "1 task, none failed, 1 flaky\n"));
  CHECK(e2e::contains(run.out, "\nflaky: flaky (passed on attempt 2 of 3)\n"));
}

TEST_CASE("retries: each attempt has its start and exit events, the summary counts flaky tasks",
          "[e2e][retries][json]") {
  e2e::TempDir dir;
  const e2e::Run run =
      e2e::mtask({"run", "-o", "json", "--retries", "2", flaky_task(dir)}, quick());
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  const std::vector<json> events = events_of(run);
  const std::vector<json> starts = of_task(events, "start", "flaky");
  const std::vector<json> exits = of_task(events, "exit", "flaky");
  REQUIRE(starts.size() == 2);
  REQUIRE(exits.size() == 2);
  CHECK(starts[0]["attempt"] == 1);
  CHECK(starts[1]["attempt"] == 2);
  CHECK(starts[0]["pid"] != starts[1]["pid"]);
  CHECK(exits[0]["attempt"] == 1);
  CHECK(exits[0]["code"] == 1);
  CHECK(exits[0]["retrying"] == true);
  CHECK(exits[1]["attempt"] == 2);
  CHECK(exits[1]["code"] == 0);
  CHECK(exits[1]["retrying"] == false);
  REQUIRE_FALSE(events.empty());
  const json& summary = events.back();
  CHECK(summary["event"] == "summary");
  CHECK(summary["flaky"] == 1);
  CHECK(summary["failed"] == 0);
  CHECK(summary["exit_code"] == 0);
  // Every attempt was task time.
  CHECK(summary["task_wall_sum_s"].get<double>() >=
        exits[0]["wall_s"].get<double>() + exits[1]["wall_s"].get<double>() - 1e-5);
}

TEST_CASE("retries: the joblog has a row per attempt and JUnit has the flaky failure",
          "[e2e][retries][reports][junit]") {
  e2e::TempDir dir;
  const std::string joblog = dir.file("jobs.log");
  const std::string report = dir.file("report.xml");
  const e2e::Run run = e2e::mtask(
      {"run", "--retries", "2", "--joblog", joblog, "--junit", report, flaky_task(dir), "ok=true"},
      quick());
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);

  const auto rows = joblog_rows(joblog, "flaky");
  REQUIRE(rows.size() == 2);
  REQUIRE(rows[0].size() == 18);
  CHECK(rows[0][9] == "1");   // exit
  CHECK(rows[0][13] == "1");  // attempt
  CHECK(rows[1][9] == "0");
  CHECK(rows[1][13] == "2");
  CHECK(rows[1][17].starts_with("test -e "));  // command, still last
  CHECK(joblog_rows(joblog, "ok").size() == 1);

  check_valid_junit(report);
  CHECK(xpath(report, "string(//testsuite/@failures)") == "0");
  CHECK(xpath(report, "count(//testcase[@name='flaky']/failure)") == "0");
  CHECK(xpath(report, "count(//testcase[@name='flaky']/flakyFailure)") == "1");
  CHECK(xpath(report, "string(//testcase[@name='flaky']/flakyFailure/@message)") ==
        "exit 1 on attempt 1 of 3");
  CHECK(xpath(report, "string(//testcase[@name='flaky']/flakyFailure/@type)") == "exit");
  // Each attempt's output where it belongs: the failed one's inside its element.
  CHECK(xpath(report, "string(//testcase[@name='flaky']/flakyFailure/system-out)") ==
        "first try\n");
  CHECK(xpath(report, "string(//testcase[@name='flaky']/flakyFailure/system-err)") == "oops\n");
  CHECK(xpath(report, "string(//testcase[@name='flaky']/system-out)") == "second try\n");
  // Nothing for a task that passed at once but its properties (how it took turns on the CPU).
  CHECK(xpath(report, "count(//testcase[@name='ok']/*[name() != 'properties'])") == "0");
}

TEST_CASE("retries: a task that never passes runs every attempt and fails with its reruns",
          "[e2e][retries][junit]") {
  e2e::TempDir dir;
  const std::string report = dir.file("report.xml");
  const e2e::Run run = e2e::mtask(
      {"run", "-o", "json", "--retries", "2", "--junit", report, "never=echo try; exit 3"},
      quick());
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  const std::vector<json> events = events_of(run);
  const std::vector<json> exits = of_task(events, "exit", "never");
  REQUIRE(exits.size() == 3);
  for (std::size_t i = 0; i < exits.size(); ++i) {
    CHECK(exits[i]["attempt"] == i + 1);
    CHECK(exits[i]["code"] == 3);
    CHECK(exits[i]["retrying"] == (i < 2));
  }
  CHECK(events.back()["failed"] == 1);
  CHECK(events.back()["flaky"] == 0);

  check_valid_junit(report);
  CHECK(xpath(report, "string(//testsuite/@failures)") == "1");
  CHECK(xpath(report, "string(//testcase[@name='never']/failure/@message)") == "exit 3");
  CHECK(xpath(report, "count(//testcase[@name='never']/rerunFailure)") == "2");
  CHECK(xpath(report, "string(//testcase[@name='never']/rerunFailure[2]/@message)") ==
        "exit 3 on attempt 2 of 3");
  CHECK(xpath(report, "count(//testcase[@name='never']/flakyFailure)") == "0");
}

TEST_CASE("retries: the text shows every attempt of a task that never passes", "[e2e][retries]") {
  const e2e::Run run = e2e::mtask({"run", "--retries", "1", "never=exit 3"}, quick());
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  CHECK(e2e::contains(run.out, "< exit 3 after "));
  CHECK(e2e::contains(run.out, ", retrying (2/2)\n"));
  CHECK(e2e::contains(run.out, "exit 3 (attempt 2/2)"));
  CHECK(e2e::contains(run.out, "1 task, 1 failed\n"));
}

TEST_CASE("retries: the next attempt waits for --retry-delay", "[e2e][retries]") {
  const e2e::Run run = e2e::mtask(
      {"run", "-o", "json", "--retries", "1", "--retry-delay", "600ms", "bad=exit 1"}, quick());
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  const std::vector<json> events = events_of(run);
  const std::vector<json> starts = of_task(events, "start", "bad");
  const std::vector<json> exits = of_task(events, "exit", "bad");
  REQUIRE(starts.size() == 2);
  REQUIRE(exits.size() == 2);
  const double waited = starts[1]["t"].get<double>() - exits[0]["t"].get<double>();
  CHECK(waited >= 0.55);
  CHECK(waited < 5.0);
}

TEST_CASE("retries: --timeout applies to each attempt", "[e2e][retries][stopping]") {
  const std::string marker = e2e::unique_marker();
  const e2e::Run run =
      e2e::mtask({"run", "-o", "json", "--timeout", "300ms", "--retries", "1", "slow=sleep 30"},
                 e2e::marked(marker, 30s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  const std::vector<json> exits = of_task(events_of(run), "exit", "slow");
  REQUIRE(exits.size() == 2);
  CHECK(exits[0]["timed_out"] == true);
  CHECK(exits[1]["timed_out"] == true);
  CHECK(run.wall < 10s);
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("retries: under -j 1 a retry runs before the tasks not yet started", "[e2e][retries]") {
  const e2e::Run run = e2e::mtask(
      {"run", "-o", "json", "-j", "1", "--retries", "1", "bad=exit 1", "next=true"}, quick());
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  std::vector<std::string> order;
  for (const json& e : events_of(run)) {
    if (e["event"] == "start" || e["event"] == "exit") {
      order.push_back(e["event"].get<std::string>() + " " + e["task"].get<std::string>() + " " +
                      std::to_string(e["attempt"].get<int>()));
    }
  }
  CHECK(order == std::vector<std::string>{"start bad 1", "exit bad 1", "start bad 2", "exit bad 2",
                                          "start next 1", "exit next 1"});
}

TEST_CASE("retries: --fail-fast waits until a task has failed for good",
          "[e2e][retries][stopping]") {
  e2e::TempDir dir;
  const std::string marker = e2e::unique_marker();
  SECTION("a task that passes on its second attempt stops nothing") {
    const e2e::Run run = e2e::mtask(
        {"run", "--fail-fast", "--retries", "1", flaky_task(dir), "slow=sleep 0.5; echo done"},
        e2e::marked(marker, 30s));
    REQUIRE_FALSE(run.timed_out);
    INFO(run.out);
    CHECK(run.status == 0);
    CHECK(e2e::contains(run.out, "| done"));
    CHECK_FALSE(e2e::contains(run.out, "run stopped by"));
  }
  SECTION("a task that fails every attempt stops the others after its last") {
    const e2e::Run run = e2e::mtask(
        {"run", "-o", "json", "--fail-fast", "--retries", "1", "bad=exit 1", "slow=sleep 30"},
        e2e::marked(marker, 30s));
    REQUIRE_FALSE(run.timed_out);
    CHECK(run.status == 1);
    const std::vector<json> events = events_of(run);
    CHECK(of_task(events, "exit", "bad").size() == 2);
    const std::vector<json> slow = of_task(events, "exit", "slow");
    REQUIRE(slow.size() == 1);
    CHECK(slow[0]["stopped"] == "fail-fast");
    CHECK(events.back()["stopped"] == "fail-fast");
    CHECK(run.wall < 10s);
  }
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("retries: a stop during the retry delay ends the run at once, the task failed",
          "[e2e][retries][signals]") {
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 30s);
  options.actions.push_back(e2e::send_signal(700ms, SIGINT));
  const e2e::Run run = e2e::mtask(
      {"run", "-o", "json", "--retries", "3", "--retry-delay", "20s", "bad=exit 1", "other=exit 0"},
      options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 130);
  CHECK(run.wall < 5s);
  const std::vector<json> events = events_of(run);
  const std::vector<json> exits = of_task(events, "exit", "bad");
  REQUIRE(exits.size() == 1);  // no other attempt, and no second exit of the first
  CHECK(exits[0]["retrying"] == true);
  REQUIRE_FALSE(events.empty());
  const json& summary = events.back();
  CHECK(summary["event"] == "summary");
  CHECK(summary["failed"] == 1);
  CHECK(summary["stopped"] == "SIGINT");
  CHECK(of_task(events, "exit", "other").size() == 1);
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("retries: the summary says when a stop kept a task from running again",
          "[e2e][retries][signals]") {
  e2e::Options options = quick();
  options.actions.push_back(e2e::send_signal(500ms, SIGTERM));
  const e2e::Run run =
      e2e::mtask({"run", "--retries", "2", "--retry-delay", "20s", "bad=exit 1"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 143);
  CHECK(e2e::contains(run.out, "exit 1 (attempt 1/3, not retried)"));
}

TEST_CASE("retries: a stop during a later attempt leaves it skipped, the earlier ones reruns",
          "[e2e][retries][junit][signals]") {
  e2e::TempDir dir;
  const std::string report = dir.file("report.xml");
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 30s);
  options.actions.push_back(e2e::send_signal(1000ms, SIGTERM));
  const std::string seen = dir.file("seen");
  const e2e::Run run =
      e2e::mtask({"run", "--retries", "2", "--junit", report,
                  "slow=test -e " + seen + " && exec sleep 30; touch " + seen + "; exit 1"},
                 options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 143);
  CHECK(e2e::contains(run.out, ", retrying (2/3)\n"));
  CHECK(e2e::contains(run.out, "), attempt 2/3\n"));
  check_valid_junit(report);
  CHECK(xpath(report, "string(//testsuite/@failures)") == "0");
  CHECK(xpath(report, "string(//testsuite/@skipped)") == "1");
  CHECK(xpath(report, "count(//testcase[@name='slow']/skipped)") == "1");
  CHECK(xpath(report, "count(//testcase[@name='slow']/rerunFailure)") == "1");
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("retries: a retry --fail-fast cancelled is the task's failure, shown once",
          "[e2e][retries][junit][trace][stopping]") {
  e2e::TempDir dir;
  const std::string plan = dir.file("mtask.toml");
  std::ofstream(plan) << "[tasks.a]\nrun = 'sleep 0.3; exit 1'\nretries = 0\n"
                      << "[tasks.b]\nrun = 'echo b-out; exit 1'\n";
  const std::string report = dir.file("ff.xml");
  const std::string trace = dir.file("ff.json");
  const e2e::Run run = e2e::mtask({"run", "-f", plan, "--fail-fast", "--retries", "3",
                                   "--retry-delay", "5s", "--junit", report, "--trace", trace},
                                  quick());
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  CHECK(run.wall < 4s);
  check_valid_junit(report);
  CHECK(xpath(report, "count(//testcase[@name='b']/failure)") == "1");
  CHECK(xpath(report, "count(//testcase[@name='b']/rerunFailure)") == "0");
  CHECK(xpath(report, "string(//testcase[@name='b']/system-out)") == "b-out\n");
  // One slice for b's only attempt.
  const json events = json::parse(read_all(trace));
  std::size_t slices = 0;
  for (const json& e : events["traceEvents"]) {
    if (e["ph"] == "X" && e["cat"] == "task" && e["name"] == "b") ++slices;
  }
  CHECK(slices == 1);
}

TEST_CASE("retries: earlier attempts keep no descriptor and a capped number of entries",
          "[e2e][retries][junit][limits]") {
  e2e::TempDir dir;
  const std::string report = dir.file("many.xml");
  // 4 tasks of 13 attempts each, every attempt writing 100 kB to stdout and to stderr: more
  // than a buffer holds in memory (a descriptor each) and more attempts than JUnit keeps.
  std::vector<std::string> args{"run", "-j", "4", "--retries", "12", "--junit", report};
  for (int i = 0; i < 4; ++i) {
    args.push_back("t" + std::to_string(i) +
                   "=yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c 100000; "
                   "yes 0123456789 | head -c 100000 >&2; exit 1");
  }
  e2e::Options options = quick();
  options.timeout = 60s;
  // 64 descriptors: enough for the tasks' pipes and their last attempts, not for one per
  // earlier attempt (4 x 12 x 2).
  options.prefix = {"sh", "-c", "ulimit -n 64 && exec \"$@\"", "sh"};
  const e2e::Run run = e2e::mtask(args, options);
  REQUIRE_FALSE(run.timed_out);
  INFO(run.err);
  CHECK(run.status == 1);
  CHECK_FALSE(e2e::contains(run.err, "Too many open files"));
  check_valid_junit(report);
  CHECK(xpath(report, "count(//testcase[@name='t0']/rerunFailure)") == "10");
  CHECK(xpath(report, "string(//testcase[@name='t0']/rerunFailure[1]/@message)") ==
        "exit 1 on attempt 3 of 13 (2 earlier attempts not shown)");
  // Each earlier attempt keeps the first 64 KiB of a stream and says how much more it wrote.
  const std::string out =
      xpath(report, "string(//testcase[@name='t0']/rerunFailure[1]/system-out)");
  CHECK(out.size() < 64 * 1024 + 100);
  CHECK(e2e::contains(out, " more bytes of output not kept]"));
}
