// Services, readiness and needs in the report files: JUnit and the job log.
#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "mtask/report/joblog_reporter.hpp"
#include "mtask/report/junit_reporter.hpp"
#include "mtask/report/output.hpp"
#include "temp_dir.hpp"

using namespace std::chrono_literals;
using mtask::Outcome;
using mtask::StopReason;
using mtask::TaskResult;

namespace {

TaskResult run_over(int pid) {
  return {.outcome = Outcome::kSignaled,
          .pid = pid,
          .ppid = 1,
          .signal = SIGTERM,
          .wall = 3s,
          .stopped = StopReason::kRunOver,
          .ready_at = 1s};
}

std::string junit_of(const std::vector<mtask::Task>& tasks, const std::vector<TaskResult>& results,
                     std::size_t failed) {
  TempDir dir;
  const std::string path = dir.file("r.xml");
  {
    mtask::JunitReporter junit(tasks, path);
    junit.on_begin({1, tasks, std::chrono::steady_clock::now(), std::chrono::system_clock::now()});
    junit.on_summary({1, tasks, results, failed, 3s, 5s, 1.7, failed == 0 ? 0 : 1, 3s});
    REQUIRE(junit.error().empty());
  }
  return read_all(path);
}

}  // namespace

TEST_CASE("junit: a service stopped at run over passes; needs not met are skipped",
          "[junit][services]") {
  const std::vector<mtask::Task> tasks{
      {.name = "web", .index = 0, .service = true, .ready = "tcp:8000"},
      {.name = "smoke", .index = 1, .needs = {"web"}},
      {.name = "late", .index = 2, .needs = {"web"}}};
  const std::vector<TaskResult> results{
      run_over(10),
      {.outcome = Outcome::kExited, .pid = 11, .ppid = 1, .wall = 1s},
      {.stopped = StopReason::kNeeds, .needs_failed = "needs web: exit 1 <&>"}};
  const std::string text = junit_of(tasks, results, 0);
  CAPTURE(text);
  CHECK(text.find("tests=\"3\" failures=\"0\" errors=\"0\" skipped=\"1\"") != std::string::npos);
  CHECK(text.find("<testcase name=\"web\" classname=\"mtask\" time=\"3.000\">\n"
                  "      <properties>\n"
                  "        <property name=\"vcsw\" value=\"0\"/>\n"
                  "        <property name=\"ivcsw\" value=\"0\"/>\n"
                  "      </properties>\n"
                  "    </testcase>") != std::string::npos);
  CHECK(text.find("<testcase name=\"late\" classname=\"mtask\" time=\"0.000\">\n"
                  "      <skipped message=\"needs web: exit 1 &lt;&amp;&gt;\"/>") !=
        std::string::npos);
}

TEST_CASE("junit: never ready and ended early are failures that say so", "[junit][services]") {
  const std::vector<mtask::Task> tasks{{.name = "web", .index = 0, .service = true},
                                       {.name = "api", .index = 1, .ready = "tcp:9000"}};
  TaskResult early{.outcome = Outcome::kExited, .pid = 10, .ppid = 1, .wall = 1s};
  early.ended_early = true;
  TaskResult never{.outcome = Outcome::kSignaled, .pid = 11, .ppid = 1, .signal = SIGTERM};
  never.not_ready = "not ready after 30 s (tcp:9000): connection refused";
  never.gave_up = true;
  const std::string text = junit_of(tasks, {early, never}, 2);
  CAPTURE(text);
  CHECK(text.find("tests=\"2\" failures=\"2\" errors=\"0\" skipped=\"0\"") != std::string::npos);
  CHECK(text.find("<failure message=\"service ended early (exit 0)\" "
                  "type=\"ended-early\">") != std::string::npos);
  CHECK(text.find("<failure message=\"not ready after 30 s (tcp:9000): connection refused\" "
                  "type=\"not-ready\">") != std::string::npos);
}

TEST_CASE("junit: tasks only needed by the slice are left out unless they failed",
          "[junit][services]") {
  const std::vector<mtask::Task> tasks{
      {.name = "web", .index = 0, .service = true, .needed_only = true},
      {.name = "db", .index = 1, .needed_only = true},
      {.name = "smoke", .index = 2, .needs = {"web", "db"}}};
  const std::vector<TaskResult> results{
      run_over(10),
      {.outcome = Outcome::kExited, .pid = 11, .ppid = 1, .code = 2, .wall = 1s},
      {.stopped = StopReason::kNeeds, .needs_failed = "needs db: exit 2"}};
  const std::string text = junit_of(tasks, results, 1);
  CAPTURE(text);
  CHECK(text.find("tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"1\"") != std::string::npos);
  CHECK(text.find("name=\"web\"") == std::string::npos);
  CHECK(text.find("<testcase name=\"db\"") != std::string::npos);
  CHECK(text.find("<testcase name=\"smoke\"") != std::string::npos);
}

TEST_CASE("joblog: a service's row says it was stopped at run over", "[joblog][services]") {
  const std::vector<mtask::Task> tasks{
      {.name = "web", .command = "serve", .index = 0, .service = true}};
  mtask::StringOutput out;
  mtask::JoblogReporter joblog(out);
  joblog.on_begin({1, tasks, std::chrono::steady_clock::now(),
                   std::chrono::system_clock::time_point(1795000000s)});
  joblog.on_exit({tasks[0], run_over(10), 3s});
  joblog.on_exit({tasks[0], {.stopped = StopReason::kNeeds, .needs_failed = "needs db: x"}, 3s});
  CHECK(out.str().substr(out.str().find('\n') + 1) ==
        "0\tweb\t10\t1\t1795000000.000\t3.000\t0.000\t0.000\t0\t-\tSIGTERM\t0\trun over\t1\t-\t0\t"
        "0\tserve\n");
}
