#include <chrono>
#include <csignal>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "mtask/report/json_reporter.hpp"
#include "mtask/report/output.hpp"

using namespace std::chrono_literals;
using Json = nlohmann::ordered_json;  // keeps keys in the order they were written
using mtask::Outcome;
using mtask::StopReason;
using mtask::Stream;
using mtask::TaskResult;

namespace {

// Counts the writes, to check each event is written in one.
class CountingOutput final : public mtask::Output {
 public:
  void write(std::string_view text) override {
    ++writes;
    text_.append(text);
  }
  const std::string& str() const { return text_; }
  int writes = 0;

 private:
  std::string text_;
};

std::vector<std::string> keys(const Json& object) {
  std::vector<std::string> names;
  for (const auto& item : object.items()) names.push_back(item.key());
  return names;
}

class JsonReporterFixture {
 protected:
  std::vector<mtask::Task> tasks{{.name = "sing", .index = 0}, {.name = "dance", .index = 1}};
  CountingOutput out;
  mtask::JsonReporter reporter{out};

  /// The one event written since the last call, parsed; fails unless it is exactly one line.
  Json take() {
    const std::string text = out.str().substr(consumed_);
    consumed_ = out.str().size();
    REQUIRE(!text.empty());
    REQUIRE(text.back() == '\n');
    REQUIRE(text.find('\n') == text.size() - 1);
    last_ = text.substr(0, text.size() - 1);
    return Json::parse(last_);
  }
  /// The raw text of the last event taken.
  const std::string& raw() const { return last_; }

  void line(std::string_view text, bool partial = false, Stream stream = Stream::kStdout) {
    reporter.on_line({tasks[0], 4242, stream, text, partial, 1400us});
  }
  Json exit_event(const TaskResult& result) {
    reporter.on_exit({tasks[1], result, 1502700us});
    return take();
  }

 private:
  std::size_t consumed_ = 0;
  std::string last_;
};

}  // namespace

TEST_CASE_METHOD(JsonReporterFixture, "json: a start event has the documented keys in order",
                 "[json_reporter]") {
  reporter.on_start({tasks[0], 4242, 4241, 1100us});
  const Json j = take();
  CHECK(
      raw() ==
      R"({"event":"start","task":"sing","index":0,"pid":4242,"ppid":4241,"attempt":1,"t":0.0011})");
  CHECK(keys(j) ==
        std::vector<std::string>{"event", "task", "index", "pid", "ppid", "attempt", "t"});
  CHECK(j["index"].is_number_integer());
  CHECK(j["t"].is_number_float());
  CHECK(out.writes == 1);
}

TEST_CASE_METHOD(JsonReporterFixture, "json: a line event carries the stream and the text",
                 "[json_reporter]") {
  line("sing... (1/3)");
  Json j = take();
  CHECK(raw() == R"({"event":"line","task":"sing","index":0,"pid":4242,"stream":"stdout",)"
                 R"j("text":"sing... (1/3)","t":0.0014})j");
  CHECK(keys(j) ==
        std::vector<std::string>{"event", "task", "index", "pid", "stream", "text", "t"});

  line("oops", false, Stream::kStderr);
  j = take();
  CHECK(j["stream"] == "stderr");
  CHECK(j["text"] == "oops");
  CHECK_FALSE(j.contains("partial"));
}

TEST_CASE_METHOD(JsonReporterFixture, "json: a partial piece says so just before t",
                 "[json_reporter]") {
  line("aaaa", true);
  const Json j = take();
  CHECK(keys(j) == std::vector<std::string>{"event", "task", "index", "pid", "stream", "text",
                                            "partial", "t"});
  CHECK(j["partial"] == true);
  line("bb", false);
  CHECK_FALSE(take().contains("partial"));
  CHECK(raw().find("partial") == std::string::npos);
  CHECK(out.writes == 2);
}

TEST_CASE_METHOD(JsonReporterFixture, "json: text is escaped and invalid UTF-8 replaced",
                 "[json_reporter]") {
  struct Case {
    std::string text;
    std::string decoded;
  };
  const Case cases[] = {
      {"say \"hi\" \\ bye", "say \"hi\" \\ bye"},
      {"\t\x01\x1B[0m\x7F", "\t\x01\x1B[0m\x7F"},
      {"\r", "\r"},
      {"a\xFF\xFE"
       "b\xC0\x80",
       "a\xEF\xBF\xBD"
       "b\xEF\xBF\xBD"},
      {"\xE5\x94\xB1\xE6\xAD\x8C", "\xE5\x94\xB1\xE6\xAD\x8C"},
      {std::string("nul\0byte", 8), std::string("nul\0byte", 8)},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    line(c.text);
    const Json j = take();
    CHECK(j["text"] == c.decoded);
  }
}

TEST_CASE_METHOD(JsonReporterFixture, "json: a long piece of any bytes is one valid line",
                 "[json_reporter]") {
  std::string text;
  for (std::size_t i = 0; text.size() < 64 * 1024; ++i) text += static_cast<char>(i * 7 % 256);
  line(text, true);
  const Json j = take();
  CHECK(j["partial"] == true);
  CHECK(j["text"].get<std::string>().size() >= text.size() / 2);
}

TEST_CASE_METHOD(JsonReporterFixture, "json: task names are escaped too", "[json_reporter]") {
  tasks[0].name = "\xE5\x94\xB1\xE6\xAD\x8C";
  reporter.on_start({tasks[0], 1, 0, 0ns});
  CHECK(take()["task"] == "\xE5\x94\xB1\xE6\xAD\x8C");
}

TEST_CASE_METHOD(JsonReporterFixture, "json: an exit event has the documented keys in order",
                 "[json_reporter]") {
  const Json j = exit_event({.outcome = Outcome::kExited,
                             .pid = 4243,
                             .ppid = 4241,
                             .code = 0,
                             .wall = 1501200us,
                             .user_cpu = 400us,
                             .sys_cpu = 1100us,
                             .max_rss_kb = 1480,
                             .vcsw = 3,
                             .ivcsw = 648,
                             .cpu_wait = 2000500us});
  CHECK(raw() == R"({"event":"exit","task":"dance","index":1,"pid":4243,"code":0,"signal":null,)"
                 R"("timed_out":false,"wall_s":1.5012,"user_s":0.0004,"sys_s":0.0011,)"
                 R"("max_rss_kb":1480,"stopped":null,"attempt":1,"retrying":false,"service":false,)"
                 R"("not_ready":null,"ended_early":false,"vcsw":3,"ivcsw":648,"cpu_wait_s":2.0005,)"
                 R"("t":1.5027})");
  CHECK(keys(j) == std::vector<std::string>{
                       "event",     "task",       "index",   "pid",       "code",        "signal",
                       "timed_out", "wall_s",     "user_s",  "sys_s",     "max_rss_kb",  "stopped",
                       "attempt",   "retrying",   "service", "not_ready", "ended_early", "vcsw",
                       "ivcsw",     "cpu_wait_s", "t"});
  CHECK(j["code"].is_number_integer());
  CHECK(j["timed_out"].is_boolean());
  CHECK(j["max_rss_kb"].is_number_integer());
}

TEST_CASE_METHOD(JsonReporterFixture, "json: code, signal and timed_out tell how a task ended",
                 "[json_reporter]") {
  struct Case {
    TaskResult result;
    Json code;
    Json signal;
    bool timed_out;
  };
  const Case cases[] = {
      {{.outcome = Outcome::kExited, .code = 3}, 3, nullptr, false},
      {{.outcome = Outcome::kExited, .code = 127}, 127, nullptr, false},
      {{.outcome = Outcome::kSignaled, .signal = SIGSEGV}, nullptr, "SIGSEGV", false},
      {{.outcome = Outcome::kSignaled, .signal = SIGKILL}, nullptr, "SIGKILL", false},
      {{.outcome = Outcome::kTimedOut, .signal = SIGTERM}, nullptr, "SIGTERM", true},
      {{.outcome = Outcome::kTimedOut, .signal = 0}, nullptr, nullptr, true},
  };
  for (const auto& c : cases) {
    const Json j = exit_event(c.result);
    CAPTURE(raw());
    CHECK(j["code"] == c.code);
    CHECK(j["signal"] == c.signal);
    CHECK(j["timed_out"] == c.timed_out);
  }
}

TEST_CASE_METHOD(JsonReporterFixture, "json: a task that never started has a not_started event",
                 "[json_reporter]") {
  reporter.on_exit({tasks[1], TaskResult{.stopped = StopReason::kFailFast}, 1s});
  CHECK(take()["reason"] == "fail-fast");
  CHECK(raw() ==
        R"({"event":"not_started","task":"dance","index":1,"reason":"fail-fast","t":1.0})");
  reporter.on_exit({tasks[1], TaskResult{}, 1s});  // after a system error: no reason to give
  CHECK(take()["reason"].is_null());
}

TEST_CASE_METHOD(JsonReporterFixture, "json: a task mtask stopped says why", "[json_reporter]") {
  const std::pair<StopReason, Json> cases[] = {{StopReason::kFailFast, "fail-fast"},
                                               {StopReason::kSigint, "SIGINT"},
                                               {StopReason::kSigterm, "SIGTERM"},
                                               {StopReason::kSighup, "SIGHUP"},
                                               {StopReason::kStdoutClosed, "stdout closed"}};
  for (const auto& [reason, name] : cases) {
    const Json j =
        exit_event({.outcome = Outcome::kSignaled, .pid = 7, .signal = SIGTERM, .stopped = reason});
    CAPTURE(raw());
    CHECK(j["stopped"] == name);
    CHECK(j["signal"] == "SIGTERM");
  }
}

TEST_CASE_METHOD(JsonReporterFixture, "json: the summary has the documented keys in order",
                 "[json_reporter]") {
  const std::vector<TaskResult> results{
      {.outcome = Outcome::kExited, .pid = 4242, .wall = 1501200us},
      {.outcome = Outcome::kExited, .pid = 4243, .wall = 1500700us}};
  reporter.on_summary({.parent_pid = 4241,
                       .tasks = tasks,
                       .results = results,
                       .failed = 0,
                       .wall = 1503100us,
                       .task_wall_sum = 3001900us,
                       .speedup = 1.997,
                       .exit_code = 0,
                       .t = 1504ms,
                       .sequential = 3001800us,
                       .cpu_wait_sum = 100us,
                       .cpu_sum = 1200us,
                       .cores = 2});
  const Json j = take();
  CHECK(raw() == R"({"event":"summary","parent_pid":4241,"tasks":2,"failed":0,"wall_s":1.5031,)"
                 R"("task_wall_sum_s":3.0019,"speedup":1.997,"exit_code":0,"stopped":null,)"
                 R"("not_started":0,"flaky":0,"shard":null,"sequential_s":3.0018,)"
                 R"("sequential_upper_bound":false,"cpu_wait_s":0.0001,"cores":2,)"
                 R"("others_cpu_s":null})");
  CHECK(keys(j) == std::vector<std::string>{"event", "parent_pid", "tasks", "failed", "wall_s",
                                            "task_wall_sum_s", "speedup", "exit_code", "stopped",
                                            "not_started", "flaky", "shard", "sequential_s",
                                            "sequential_upper_bound", "cpu_wait_s", "cores",
                                            "others_cpu_s"});
  CHECK(out.writes == 1);
}

TEST_CASE_METHOD(JsonReporterFixture, "json: an unknown CPU wait is null, a partial one says so",
                 "[json_reporter]") {
  Json j = exit_event({.outcome = Outcome::kExited, .pid = 4243, .wall = 1s});
  CHECK(j["cpu_wait_s"].is_null());
  CHECK(!j.contains("cpu_wait_partial"));
  CHECK(j["vcsw"] == 0);
  CHECK(j["ivcsw"] == 0);
  j = exit_event({.outcome = Outcome::kExited,
                  .pid = 4243,
                  .wall = 1s,
                  .cpu_wait = 250ms,
                  .cpu_wait_partial = true});
  CHECK(j["cpu_wait_s"] == 0.25);
  CHECK(j["cpu_wait_partial"] == true);
  CHECK(raw().find(R"("cpu_wait_s":0.25,"cpu_wait_partial":true,"t":)") != std::string::npos);
}

TEST_CASE_METHOD(JsonReporterFixture, "json: the summary says when sequential_s is an upper bound",
                 "[json_reporter]") {
  const std::vector<TaskResult> results{{.outcome = Outcome::kExited, .pid = 4242, .wall = 4s},
                                        {.outcome = Outcome::kExited, .pid = 4243, .wall = 4s}};
  reporter.on_summary({.parent_pid = 4241,
                       .tasks = tasks,
                       .results = results,
                       .failed = 0,
                       .wall = 4s,
                       .task_wall_sum = 8s,
                       .speedup = 2.0,
                       .exit_code = 0,
                       .t = 4s,
                       .sequential = 8s,
                       .sequential_upper_bound = true,
                       .cpu_sum = 4s,
                       .cores = 1,
                       .others_cpu = 3100ms});
  const Json j = take();
  CHECK(j["sequential_s"] == 8.0);
  CHECK(j["sequential_upper_bound"] == true);
  CHECK(j["cpu_wait_s"] == 0.0);
  CHECK(j["cores"] == 1);
  CHECK(j["others_cpu_s"] == 3.1);
  CHECK(j["speedup"] == 2.0);
}

TEST_CASE("json: the summary names the shard of the run", "[json_reporter]") {
  CountingOutput out;
  const std::vector<mtask::Task> none;
  const std::vector<TaskResult> results;
  mtask::JsonReporter reporter(out, mtask::RunContext{"2/4"});
  reporter.on_summary({4241, none, results, 0, 0us, 0us, 0.0, 0, 0us});
  const Json j = Json::parse(out.str());
  CHECK(j["shard"] == "2/4");
  CHECK(j["tasks"] == 0);
}

TEST_CASE_METHOD(JsonReporterFixture, "json: tasks that never started count in the summary",
                 "[json_reporter]") {
  const std::vector<TaskResult> results{
      {.outcome = Outcome::kExited, .pid = 4242, .code = 1, .wall = 1s}, TaskResult{}};
  reporter.on_summary({4241, tasks, results, 1, 1s, 1s, 1.0, 1, 1s, StopReason::kFailFast, 1s});
  const Json j = take();
  CHECK(j["tasks"] == 2);
  CHECK(j["failed"] == 1);
  CHECK(j["exit_code"] == 1);
  CHECK(j["stopped"] == "fail-fast");
  CHECK(j["not_started"] == 1);
}

TEST_CASE_METHOD(JsonReporterFixture, "json: a speedup that cannot be computed is still a number",
                 "[json_reporter]") {
  for (const double speedup :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    reporter.on_summary({4241, tasks, {}, 0, 0s, 0s, speedup, 0, 0s});
    const Json j = take();
    CHECK(j["speedup"].is_number());
    CHECK(raw().find(R"("speedup":0.0,)") != std::string::npos);
  }
}

TEST_CASE_METHOD(JsonReporterFixture, "json: seconds are plain decimals to the microsecond",
                 "[json_reporter]") {
  struct Case {
    mtask::Duration t;
    std::string text;
  };
  const Case cases[] = {
      {0ns, "0.0"},        {1ns, "0.0"},      {499ns, "0.0"},
      {500ns, "0.000001"}, {1us, "0.000001"}, {1234567ns, "0.001235"},
      {1500ms, "1.5"},     {2s, "2.0"},       {24h, "86400.0"},
      {-1500ms, "-1.5"},
  };
  for (const auto& c : cases) {
    reporter.on_start({tasks[0], 1, 0, c.t});
    const Json j = take();
    CAPTURE(raw());
    CHECK(raw().ends_with(",\"t\":" + c.text + "}"));
    CHECK(j["t"].is_number_float());
  }
}

TEST_CASE_METHOD(JsonReporterFixture, "json: a whole run is one object per line",
                 "[json_reporter]") {
  reporter.on_start({tasks[0], 4242, 4241, 1ms});
  line("one");
  line("two", true);
  line("", false);
  reporter.on_exit({tasks[0], {.outcome = Outcome::kExited, .pid = 4242}, 2ms});
  const std::vector<TaskResult> results{{.outcome = Outcome::kExited, .pid = 4242}, {}};
  reporter.on_summary({4241, tasks, results, 0, 2ms, 1ms, 0.5, 0, 2ms});
  CHECK(reporter.flush());

  std::vector<std::string> events;
  std::size_t at = 0;
  for (std::size_t end; (end = out.str().find('\n', at)) != std::string::npos; at = end + 1) {
    events.push_back(Json::parse(out.str().substr(at, end - at))["event"]);
  }
  CHECK(at == out.str().size());
  CHECK(events == std::vector<std::string>{"start", "line", "line", "line", "exit", "summary"});
  CHECK(out.writes == 6);
}
