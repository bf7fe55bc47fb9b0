// `--output json`: JSON Lines (docs/output.md) on stdout, one object per line and nothing else.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace {

using namespace std::chrono_literals;
using nlohmann::ordered_json;

/// Runs `mtask run -o json TASKS...` and parses every line of its stdout; a line that does not
/// parse as a JSON object fails the test.
struct JsonRun {
  e2e::Run run;
  std::vector<ordered_json> events;
};

JsonRun run_json(const std::vector<std::string>& tasks) {
  std::vector<std::string> args = {"run", "-o", "json"};
  args.insert(args.end(), tasks.begin(), tasks.end());
  e2e::Options options;
  options.timeout = 15s;
  JsonRun result{e2e::mtask(args, options), {}};
  REQUIRE_FALSE(result.run.timed_out);
  for (const std::string& line : result.run.out_lines()) {
    INFO("stdout line: " << line);
    ordered_json event;
    REQUIRE_NOTHROW(event = ordered_json::parse(line));
    REQUIRE(event.is_object());
    result.events.push_back(std::move(event));
  }
  return result;
}

std::vector<std::string> keys_of(const ordered_json& object) {
  std::vector<std::string> keys;
  for (const auto& item : object.items()) keys.push_back(item.key());
  return keys;
}

/// The text of the line events of task `index` on `stream`, in order.
std::vector<std::string> texts(const std::vector<ordered_json>& events, std::size_t index,
                               const std::string& stream = "stdout") {
  std::vector<std::string> found;
  for (const ordered_json& e : events) {
    if (e["event"] == "line" && e["index"] == index && e["stream"] == stream) {
      found.push_back(e["text"].get<std::string>());
    }
  }
  return found;
}

const ordered_json* find_event(const std::vector<ordered_json>& events, const std::string& kind,
                               std::size_t index) {
  for (const ordered_json& e : events) {
    if (e["event"] == kind && e.contains("index") && e["index"] == index) return &e;
  }
  return nullptr;
}

// A mix of everything a task can do: lines on both streams, a failure, a signal, no newline.
// (`ulimit -c 0`: the shell killed by SIGSEGV leaves no core file in the working directory.)
const std::vector<std::string> kMixedTasks = {"a:2@10ms", "c=echo hi; echo err >&2; exit 3",
                                              "k=ulimit -c 0; kill -SEGV $$",
                                              "p=printf 'no newline'"};

}  // namespace

TEST_CASE("JSON output is one object per line and nothing else", "[e2e][json]") {
  const JsonRun json = run_json(kMixedTasks);
  const std::string& out = json.run.out;
  REQUIRE_FALSE(out.empty());
  CHECK(out.back() == '\n');
  CHECK(out.find("\n\n") == std::string::npos);
  CHECK(out.front() == '{');
  // start + exit per task, 2 + 1 + 0 + 1 stdout lines, 1 stderr line, the summary.
  CHECK(json.events.size() == 4 * 2 + 4 + 1 + 1);
}

TEST_CASE("JSON keys come in the documented order", "[e2e][json]") {
  const std::map<std::string, std::vector<std::string>> expected = {
      {"start", {"event", "task", "index", "pid", "ppid", "attempt", "t"}},
      {"line", {"event", "task", "index", "pid", "stream", "text", "t"}},
      {"exit",
       {"event",   "task",      "index",       "pid",        "code",    "signal",     "timed_out",
        "wall_s",  "user_s",    "sys_s",       "max_rss_kb", "stopped", "attempt",    "retrying",
        "service", "not_ready", "ended_early", "vcsw",       "ivcsw",   "cpu_wait_s", "t"}},
      {"summary",
       {"event", "parent_pid", "tasks", "failed", "wall_s", "task_wall_sum_s", "speedup",
        "exit_code", "stopped", "not_started", "flaky", "shard", "sequential_s",
        "sequential_upper_bound", "cpu_wait_s", "cores", "others_cpu_s"}},
  };
  const JsonRun json = run_json(kMixedTasks);
  std::map<std::string, int> seen;
  for (const ordered_json& event : json.events) {
    REQUIRE(event.contains("event"));
    const std::string kind = event["event"].get<std::string>();
    INFO("event: " << event.dump());
    REQUIRE(expected.count(kind) == 1);
    std::vector<std::string> keys = keys_of(event);
    // Only where a task's CPU wait covers part of its processes (docs/output.md, "Speedup").
    std::erase(keys, "cpu_wait_partial");
    CHECK(keys == expected.at(kind));
    ++seen[kind];
  }
  CHECK(seen.size() == 4);
}

TEST_CASE("JSON values have the documented types", "[e2e][json]") {
  const JsonRun json = run_json(kMixedTasks);
  std::map<std::size_t, double> last_t;
  for (const ordered_json& e : json.events) {
    INFO("event: " << e.dump());
    const std::string kind = e["event"].get<std::string>();
    if (kind == "summary") {
      for (const char* key : {"parent_pid", "tasks", "failed", "exit_code"}) {
        CHECK(e[key].is_number_integer());
      }
      for (const char* key :
           {"wall_s", "task_wall_sum_s", "speedup", "sequential_s", "cpu_wait_s"}) {
        CHECK(e[key].is_number());
        CHECK(e[key].get<double>() >= 0.0);
      }
      CHECK(e["sequential_upper_bound"].is_boolean());
      CHECK(e["cores"].is_number_unsigned());
      CHECK((e["others_cpu_s"].is_null() || e["others_cpu_s"].get<double>() >= 0.0));
      continue;
    }
    CHECK(e["task"].is_string());
    REQUIRE(e["index"].is_number_unsigned());
    CHECK(e["pid"].is_number_integer());
    CHECK(e["pid"].get<long>() > 0);
    REQUIRE(e["t"].is_number());
    const double t = e["t"].get<double>();
    CHECK(t >= 0.0);
    const auto index = e["index"].get<std::size_t>();
    if (last_t.count(index) != 0) CHECK(t >= last_t[index]);
    last_t[index] = t;
    if (kind == "start") {
      CHECK(e["ppid"].is_number_integer());
    } else if (kind == "line") {
      CHECK((e["stream"] == "stdout" || e["stream"] == "stderr"));
      CHECK(e["text"].is_string());
    } else if (kind == "exit") {
      CHECK((e["code"].is_number_integer() || e["code"].is_null()));
      CHECK((e["signal"].is_string() || e["signal"].is_null()));
      if (e["timed_out"] == false) {
        CHECK(e["code"].is_null() != e["signal"].is_null());  // one of them says how it ended
      }
      CHECK(e["timed_out"].is_boolean());
      for (const char* key : {"wall_s", "user_s", "sys_s"}) {
        CHECK(e[key].is_number());
        CHECK(e[key].get<double>() >= 0.0);
      }
      CHECK(e["max_rss_kb"].is_number_integer());
      CHECK(e["vcsw"].is_number_unsigned());
      CHECK(e["ivcsw"].is_number_unsigned());
      CHECK((e["cpu_wait_s"].is_null() || e["cpu_wait_s"].get<double>() >= 0.0));
      CHECK((!e.contains("cpu_wait_partial") || e["cpu_wait_partial"] == true));
    }
  }
  CHECK(last_t.size() == kMixedTasks.size());

  const ordered_json* failed = find_event(json.events, "exit", 1);
  const ordered_json* killed = find_event(json.events, "exit", 2);
  REQUIRE(failed != nullptr);
  REQUIRE(killed != nullptr);
  CHECK((*failed)["code"] == 3);
  CHECK((*failed)["signal"].is_null());
  CHECK((*failed)["timed_out"] == false);
  CHECK((*killed)["code"].is_null());
  CHECK((*killed)["signal"] == "SIGSEGV");
}

TEST_CASE("each task has one start, then its lines, then one exit", "[e2e][json]") {
  const JsonRun json = run_json({"a:3@20ms", "b:3@20ms", "c=echo x; echo y >&2"});
  CHECK(json.run.status == 0);
  for (std::size_t index = 0; index < 3; ++index) {
    INFO("task index " << index);
    std::vector<std::string> kinds;
    std::vector<long> pids;
    for (const ordered_json& e : json.events) {
      if (!e.contains("index") || e["index"] != index) continue;
      kinds.push_back(e["event"].get<std::string>());
      pids.push_back(e["pid"].get<long>());
    }
    REQUIRE(kinds.size() >= 2);
    CHECK(kinds.front() == "start");
    CHECK(kinds.back() == "exit");
    for (std::size_t i = 1; i + 1 < kinds.size(); ++i) CHECK(kinds[i] == "line");
    CHECK(kinds.size() == 2 + (index == 2 ? 2 : 3));
    for (const long pid : pids) CHECK(pid == pids.front());
  }
  CHECK(texts(json.events, 0) ==
        std::vector<std::string>{"a... (1/3)", "a... (2/3)", "a... (3/3)"});
}

TEST_CASE("two tasks of the same name are told apart by index", "[e2e][json]") {
  const JsonRun json = run_json({"a:1@0", "a=echo other"});
  CHECK(json.run.status == 0);
  const ordered_json* first = find_event(json.events, "start", 0);
  const ordered_json* second = find_event(json.events, "start", 1);
  REQUIRE(first != nullptr);
  REQUIRE(second != nullptr);
  CHECK((*first)["task"] == "a");
  CHECK((*second)["task"] == "a");
  CHECK((*first)["pid"] != (*second)["pid"]);
  CHECK(texts(json.events, 0) == std::vector<std::string>{"a... (1/1)"});
  CHECK(texts(json.events, 1) == std::vector<std::string>{"other"});
}

TEST_CASE("the JSON summary comes last and agrees with the run", "[e2e][json][summary]") {
  const auto tasks =
      GENERATE(std::vector<std::string>{"a:2@100ms", "b:2@100ms", "c=true"},
               std::vector<std::string>{"a:2@100ms", "f=exit 3", "k=ulimit -c 0; kill -SEGV $$"});
  const JsonRun json = run_json(tasks);
  REQUIRE_FALSE(json.events.empty());
  const ordered_json& summary = json.events.back();
  INFO("summary: " << summary.dump());
  REQUIRE(summary["event"] == "summary");
  int summaries = 0;
  std::size_t exits = 0;
  std::size_t failed = 0;
  double wall_sum = 0.0;
  for (const ordered_json& e : json.events) {
    if (e["event"] == "summary") ++summaries;
    if (e["event"] != "exit") continue;
    ++exits;
    if (e["code"] != 0 || e["timed_out"] == true) ++failed;
    wall_sum += e["wall_s"].get<double>();
  }
  CHECK(summaries == 1);
  CHECK(exits == tasks.size());
  CHECK(summary["tasks"] == tasks.size());
  CHECK(summary["failed"] == failed);
  CHECK(summary["exit_code"] == json.run.status);
  CHECK(json.run.status == (failed == 0 ? 0 : 1));
  CHECK(summary["parent_pid"] == json.run.pid);

  const double wall = summary["wall_s"].get<double>();
  const double task_wall_sum = summary["task_wall_sum_s"].get<double>();
  REQUIRE(wall > 0.0);
  CHECK(wall <= json.run.wall.count() + 0.01);
  CHECK(task_wall_sum == Approx(wall_sum).margin(1e-5 * static_cast<double>(tasks.size())));
  // The tasks one after another would take their walls less their waits for a CPU.
  CHECK(summary["speedup"].get<double>() <= task_wall_sum / wall * 1.001);
}

TEST_CASE("a task's stderr lines are events on stream stderr", "[e2e][json][stderr]") {
  const JsonRun json = run_json({"e=echo out; echo oops >&2; echo again >&2"});
  CHECK(json.run.status == 0);
  CHECK(texts(json.events, 0, "stdout") == std::vector<std::string>{"out"});
  CHECK(texts(json.events, 0, "stderr") == std::vector<std::string>{"oops", "again"});
}

TEST_CASE("bytes that are not UTF-8 become U+FFFD in valid JSON", "[e2e][json][utf8]") {
  const JsonRun json = run_json({"b=printf '\\377ok\\n'", "c=printf 'a\\377\\376b\\n'",
                                 "d=printf 'x\\342\\202\\n'", "e=printf '\\344\\275\\240 ok\\n'"});
  CHECK(json.run.status == 0);
  CHECK(texts(json.events, 0) == std::vector<std::string>{"\xEF\xBF\xBDok"});
  CHECK(texts(json.events, 1) == std::vector<std::string>{"a\xEF\xBF\xBD"
                                                          "b"});
  CHECK(texts(json.events, 2) == std::vector<std::string>{"x\xEF\xBF\xBD"});
  CHECK(texts(json.events, 3) == std::vector<std::string>{"\xE4\xBD\xA0 ok"});  // valid: kept
}

TEST_CASE("control characters in task output are escaped in JSON", "[e2e][json][escape]") {
  const JsonRun json =
      run_json({"d=printf 'x\\ty\\033[1mz\\001\\r.\\n'", "q=printf '%s\\n' 'say \"hi\" \\\\o/'"});
  CHECK(json.run.status == 0);
  CHECK(texts(json.events, 0) == std::vector<std::string>{"x\ty\x1b[1mz\x01\r."});
  CHECK(texts(json.events, 1) == std::vector<std::string>{"say \"hi\" \\\\o/"});
  CHECK(json.run.out.find(R"(\u001b[1mz\u0001\r.")") != std::string::npos);  // docs/output.md
  const auto raw_control = [](char c) { return c != '\n' && static_cast<unsigned char>(c) < 0x20; };
  CHECK(std::none_of(json.run.out.begin(), json.run.out.end(), raw_control));
}
