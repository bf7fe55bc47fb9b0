// The runner as a user sees it in text mode: processes, their output, timing and exit status.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace {

using namespace std::chrono_literals;

/// One line of text output that belongs to a task: `NAME PID > started (ppid N)`,
/// `NAME PID | text`, `NAME PID < exit 0 after 1.50 s`.
struct TaskLine {
  std::string name;
  long pid = 0;
  char marker = ' ';  ///< '>' start, '|' output, '<' end, '+' rest of a line cut short
  std::string text;
};

/// The lines of `text` that belong to a task, in order; the summary table does not match.
std::vector<TaskLine> task_lines(const std::string& text) {
  static const std::regex form(R"(^(\S+) +(\d+) ([>|<+]) (.*)$)");
  std::vector<TaskLine> lines;
  for (const std::string& line : e2e::split_lines(text)) {
    std::smatch m;
    if (std::regex_match(line, m, form)) {
      lines.push_back({m[1].str(), std::stol(m[2].str()), m[3].str()[0], m[4].str()});
    }
  }
  return lines;
}

/// The output lines ('|') of one task, in order.
std::vector<std::string> output_of(const std::vector<TaskLine>& lines, const std::string& name) {
  std::vector<std::string> texts;
  for (const TaskLine& line : lines) {
    if (line.name == name && line.marker == '|') texts.push_back(line.text);
  }
  return texts;
}

/// The first line of `name` with this marker, or nullptr.
const TaskLine* find_line(const std::vector<TaskLine>& lines, const std::string& name,
                          char marker) {
  for (const TaskLine& line : lines) {
    if (line.name == name && line.marker == marker) return &line;
  }
  return nullptr;
}

/// Where a line of `name` with `marker` and `text` is among `lines`; lines.size() if nowhere.
std::size_t position(const std::vector<TaskLine>& lines, const std::string& name, char marker,
                     const std::string& text = {}) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const TaskLine& l = lines[i];
    if (l.name == name && l.marker == marker && (text.empty() || l.text == text)) return i;
  }
  return lines.size();
}

/// The end line's text of `name` ("exit 0 after 1.50 s"), or "" when there is none.
std::string end_of(const std::vector<TaskLine>& lines, const std::string& name) {
  const TaskLine* end = find_line(lines, name, '<');
  return end == nullptr ? std::string() : end->text;
}

e2e::Options within(std::chrono::milliseconds timeout) {
  e2e::Options options;
  options.timeout = timeout;
  return options;
}

}  // namespace

TEST_CASE("the demo prints six lines from two distinct children", "[e2e][runner]") {
  const e2e::Run run = e2e::mtask({"run", "sing:3@100ms", "dance:3@100ms"}, within(15s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  const std::vector<TaskLine> lines = task_lines(run.out);
  CHECK(output_of(lines, "sing") ==
        std::vector<std::string>{"sing... (1/3)", "sing... (2/3)", "sing... (3/3)"});
  CHECK(output_of(lines, "dance") ==
        std::vector<std::string>{"dance... (1/3)", "dance... (2/3)", "dance... (3/3)"});

  std::set<long> pids;
  for (const TaskLine& line : lines) {
    const TaskLine* start = find_line(lines, line.name, '>');
    REQUIRE(start != nullptr);
    CHECK(line.pid == start->pid);  // one process per task, from start to end
    pids.insert(line.pid);
  }
  CHECK(pids.size() == 2);
  CHECK(pids.count(run.pid) == 0);
}

TEST_CASE("every child's parent is the mtask process that was started", "[e2e][runner][ppid]") {
  const std::vector<std::string> tasks = {"a:1@10ms", "b=echo hi", "c:2@10ms=true"};

  SECTION("in the start lines of text output") {
    std::vector<std::string> args = {"run"};
    args.insert(args.end(), tasks.begin(), tasks.end());
    const e2e::Run run = e2e::mtask(args, within(15s));
    REQUIRE_FALSE(run.timed_out);
    const std::regex start(R"(^(\S+) +(\d+) > started \(ppid (\d+)\)$)");
    int starts = 0;
    for (const std::string& line : run.out_lines()) {
      std::smatch m;
      if (!std::regex_match(line, m, start)) continue;
      ++starts;
      CHECK(std::stol(m[3].str()) == run.pid);
      CHECK(std::stol(m[2].str()) != run.pid);
    }
    CHECK(starts == 3);
  }
  SECTION("in the start events of JSON output") {
    std::vector<std::string> args = {"run", "-o", "json"};
    args.insert(args.end(), tasks.begin(), tasks.end());
    const e2e::Run run = e2e::mtask(args, within(15s));
    REQUIRE_FALSE(run.timed_out);
    int starts = 0;
    for (const std::string& line : run.out_lines()) {
      const nlohmann::json event = nlohmann::json::parse(line);
      if (event["event"] == "start") {
        ++starts;
        CHECK(event["ppid"] == run.pid);
        CHECK(event["pid"] != run.pid);
      } else if (event["event"] == "summary") {
        CHECK(event["parent_pid"] == run.pid);
      }
    }
    CHECK(starts == 3);
  }
}

TEST_CASE("tasks running together take turns line by line", "[e2e][runner][interleave]") {
  const e2e::Run run = e2e::mtask({"run", "sing:3@200ms", "dance:3@200ms"}, within(15s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  const std::vector<TaskLine> lines = task_lines(run.out);
  const auto at = [&](const std::string& name, int i) {
    return position(lines, name, '|', name + "... (" + std::to_string(i) + "/3)");
  };
  REQUIRE(at("sing", 3) < lines.size());
  REQUIRE(at("dance", 3) < lines.size());
  CHECK(at("sing", 1) < at("dance", 3));
  CHECK(at("dance", 1) < at("sing", 3));
}

TEST_CASE("with -j 1 the tasks run one after the other", "[e2e][runner][jobs]") {
  const e2e::Run run = e2e::mtask({"run", "-j", "1", "a:3@200ms", "b:3@200ms"}, within(20s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  const std::vector<TaskLine> lines = task_lines(run.out);
  CHECK(output_of(lines, "a").size() == 3);
  CHECK(output_of(lines, "b").size() == 3);
  const std::size_t a_end = position(lines, "a", '<');
  const std::size_t b_start = position(lines, "b", '>');
  REQUIRE(a_end < lines.size());
  REQUIRE(b_start < lines.size());
  CHECK(a_end < b_start);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].name == "a") CHECK(i <= a_end);
    if (lines[i].name == "b") CHECK(i >= b_start);
  }
  // Each lasts 0.6 s: together 0.6 s, one after the other 1.2 s.
  CHECK(run.wall.count() > 1.15);
  CHECK(run.wall.count() < 5.0);
}

TEST_CASE("with -j 2 four tasks run in about two rounds", "[e2e][runner][jobs]") {
  const e2e::Run run = e2e::mtask(
      {"run", "-j", "2", "t0:3@100ms", "t1:3@100ms", "t2:3@100ms", "t3:3@100ms"}, within(20s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  int running = 0;
  int most = 0;
  int ended = 0;
  for (const TaskLine& line : task_lines(run.out)) {
    if (line.marker == '>') most = std::max(most, ++running);
    if (line.marker == '<') {
      --running;
      ++ended;
    }
  }
  CHECK(most == 2);
  CHECK(ended == 4);
  CHECK(run.wall.count() > 0.5);
  CHECK(run.wall.count() < 2.5);
}

TEST_CASE("a built-in task without COUNT or INTERVAL prints 3 lines in 1.5 s",
          "[e2e][runner][defaults]") {
  const e2e::Run run = e2e::mtask({"run", "sing"}, within(15s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(output_of(task_lines(run.out), "sing") ==
        std::vector<std::string>{"sing... (1/3)", "sing... (2/3)", "sing... (3/3)"});
  CHECK(run.wall.count() > 1.4);
  CHECK(run.wall.count() < 3.0);
}

TEST_CASE("the --count and --interval options apply only to tasks that do not give their own",
          "[e2e][runner][defaults]") {
  const e2e::Run run =
      e2e::mtask({"run", "-o", "json", "-n", "2", "-i", "200ms", "a", "b:4", "c@10ms", "d=echo x"},
                 within(20s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  std::vector<int> lines(4, 0);
  std::vector<double> wall(4, -1.0);
  for (const std::string& text : run.out_lines()) {
    const nlohmann::json event = nlohmann::json::parse(text);
    if (event["event"] == "line") ++lines.at(event["index"].get<std::size_t>());
    if (event["event"] == "exit") wall.at(event["index"].get<std::size_t>()) = event["wall_s"];
  }
  CHECK(lines == std::vector<int>{2, 4, 2, 2});
  CHECK(wall[0] > 0.38);  // 2 x 200 ms
  CHECK(wall[1] > 0.78);  // 4 x 200 ms
  CHECK(wall[2] >= 0.0);
  CHECK(wall[2] < 0.35);  // 2 x 10 ms
  CHECK(wall[3] > 0.19);  // the second echo starts 200 ms after the first
}

TEST_CASE("forty tasks at once take about as long as one", "[e2e][runner][scale]") {
  std::vector<std::string> args = {"run"};
  for (int i = 0; i < 40; ++i) args.push_back("t" + std::to_string(i) + ":2@300ms");
  const e2e::Run run = e2e::mtask(args, within(30s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  const std::vector<TaskLine> lines = task_lines(run.out);
  std::set<long> pids;
  int output = 0;
  for (const TaskLine& line : lines) {
    if (line.marker != '|') continue;
    ++output;
    pids.insert(line.pid);
  }
  CHECK(output == 80);
  CHECK(pids.size() == 40);
  for (int i = 0; i < 40; ++i) {
    const std::string name = "t" + std::to_string(i);
    CHECK(output_of(lines, name) ==
          std::vector<std::string>{name + "... (1/2)", name + "... (2/2)"});
  }
  CHECK(run.wall.count() < 3.0);  // one after the other: 40 x 0.6 s = 24 s
}

TEST_CASE("COUNT 0 prints nothing and succeeds", "[e2e][runner][count]") {
  const e2e::Run run = e2e::mtask({"run", "z:0", "y:0=echo never"}, within(15s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  const std::vector<TaskLine> lines = task_lines(run.out);
  CHECK(output_of(lines, "z").empty());
  CHECK(output_of(lines, "y").empty());
  CHECK(run.out.find("never") == std::string::npos);
  CHECK(end_of(lines, "z").rfind("exit 0", 0) == 0);
  CHECK(end_of(lines, "y").rfind("exit 0", 0) == 0);
}

TEST_CASE("a last line without a newline is delivered", "[e2e][runner][lines]") {
  const e2e::Run run = e2e::mtask({"run", "x=printf abc"}, within(15s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  const std::vector<TaskLine> lines = task_lines(run.out);
  CHECK(output_of(lines, "x") == std::vector<std::string>{"abc"});
  CHECK(position(lines, "x", '|') < position(lines, "x", '<'));
}

TEST_CASE("a line written in pieces is one line", "[e2e][runner][lines]") {
  // Another task talks meanwhile: its lines must not cut the pieces apart.
  const e2e::Run run =
      e2e::mtask({"run", "x=printf ab; sleep 0.2; echo cd", "y:6@50ms"}, within(15s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  const std::vector<TaskLine> lines = task_lines(run.out);
  CHECK(output_of(lines, "x") == std::vector<std::string>{"abcd"});
  CHECK(output_of(lines, "y").size() == 6);
  for (const TaskLine& line : lines) CHECK(line.marker != '+');
}

TEST_CASE("a task's stderr goes to mtask's stderr with the same prefix", "[e2e][runner][stderr]") {
  const e2e::Run run =
      e2e::mtask({"run", "e=echo out; echo oops >&2", "long_name:1@10ms"}, within(15s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(run.out.find("oops") == std::string::npos);
  const std::vector<TaskLine> out = task_lines(run.out);
  const std::vector<TaskLine> err = task_lines(run.err);
  CHECK(output_of(out, "e") == std::vector<std::string>{"out"});
  CHECK(output_of(err, "e") == std::vector<std::string>{"oops"});
  const auto prefix = [](const std::string& text, const std::string& what) {
    for (const std::string& line : e2e::split_lines(text)) {
      if (line.size() > what.size() && line.ends_with(" | " + what)) {
        return line.substr(0, line.size() - what.size());
      }
    }
    return std::string("(no such line)");
  };
  CHECK(prefix(run.err, "oops") == prefix(run.out, "out"));
}

TEST_CASE("the summary lists every task with its PID and PPID and the speedup",
          "[e2e][runner][summary]") {
  const e2e::Run run = e2e::mtask({"run", "a:1@10ms", "bb:2@10ms", "c=exit 0"}, within(15s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  const std::vector<TaskLine> lines = task_lines(run.out);
  const std::regex row(R"(^[ !] (\S+) +(\d+) +(\d+) +(.*)$)");
  std::set<std::string> listed;
  bool speedup = false;
  for (const std::string& line : run.out_lines()) {
    std::smatch m;
    if (std::regex_match(line, m, row)) {
      const std::string name = m[1].str();
      listed.insert(name);
      const TaskLine* start = find_line(lines, name, '>');
      REQUIRE(start != nullptr);
      CHECK(std::stol(m[2].str()) == start->pid);
      CHECK(std::stol(m[3].str()) == run.pid);
      CHECK(m[4].str().rfind("exit 0", 0) == 0);
    }
    if (line.starts_with("took ") && line.find("; one after another ") != std::string::npos) {
      speedup = true;
    }
  }
  CHECK(listed == std::set<std::string>{"a", "bb", "c"});
  CHECK(speedup);
}

TEST_CASE("a failing task makes mtask exit 1 and its end line shows the code",
          "[e2e][runner][status]") {
  const e2e::Run run = e2e::mtask({"run", "ok=true", "f=exit 3"}, within(15s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  const std::vector<TaskLine> lines = task_lines(run.out);
  CHECK(end_of(lines, "f").rfind("exit 3 ", 0) == 0);
  CHECK(end_of(lines, "ok").rfind("exit 0 ", 0) == 0);
}

TEST_CASE("a task killed by a signal is reported by the signal's name", "[e2e][runner][status]") {
  const e2e::Run run = e2e::mtask({"run", "k=ulimit -c 0; kill -SEGV $$"}, within(15s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  CHECK(end_of(task_lines(run.out), "k").rfind("SIGSEGV ", 0) == 0);
}

TEST_CASE("command tasks see MTASK_TASK, MTASK_ITERATION and MTASK_COUNT", "[e2e][runner][env]") {
  const e2e::Run run =
      e2e::mtask({"run", "greet:2@10ms=echo hello $MTASK_ITERATION",
                  "w:3@0=echo $MTASK_TASK $MTASK_ITERATION/$MTASK_COUNT", "v=echo $MTASK_COUNT"},
                 within(15s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  const std::vector<TaskLine> lines = task_lines(run.out);
  CHECK(output_of(lines, "greet") == std::vector<std::string>{"hello 1", "hello 2"});
  CHECK(output_of(lines, "w") == std::vector<std::string>{"w 1/3", "w 2/3", "w 3/3"});
  CHECK(output_of(lines, "v") == std::vector<std::string>{"1"});
}

TEST_CASE("a failing iteration stops its task", "[e2e][runner][status]") {
  const e2e::Run run = e2e::mtask(
      {"run", "f:5=echo run $MTASK_ITERATION; test $MTASK_ITERATION -lt 2"}, within(15s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  const std::vector<TaskLine> lines = task_lines(run.out);
  CHECK(output_of(lines, "f") == std::vector<std::string>{"run 1", "run 2"});
  CHECK(end_of(lines, "f").rfind("exit 1 ", 0) == 0);
}

TEST_CASE("tasks read /dev/null, not mtask's stdin", "[e2e][runner][stdin]") {
  // mtask's stdin holds text and stays open: a task reading it would print it, then hang.
  e2e::Options options = within(15s);
  options.input = "secret\n";
  const e2e::Run run = e2e::mtask({"run", "r=cat", "s=readlink /proc/self/fd/0"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  const std::vector<TaskLine> lines = task_lines(run.out);
  CHECK(output_of(lines, "r").empty());
  CHECK(output_of(lines, "s") == std::vector<std::string>{"/dev/null"});
  CHECK(run.out.find("secret") == std::string::npos);
  CHECK(run.wall.count() < 5.0);
}

TEST_CASE("a command that cannot run is reported with 127 or 126", "[e2e][runner][status]") {
  e2e::TempDir dir;
  const std::string not_executable = dir.file("plain");
  std::ofstream(not_executable) << "true\n";  // mode 0644 under any usual umask
  const e2e::Run run =
      e2e::mtask({"run", "n=/nonexistent/cmd", "p=" + not_executable}, within(15s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  const std::vector<TaskLine> lines = task_lines(run.out);
  CHECK(end_of(lines, "n").rfind("exit 127", 0) == 0);
  CHECK(end_of(lines, "p").rfind("exit 126", 0) == 0);
  CHECK(output_of(task_lines(run.err), "n").size() == 1);  // the shell says why, on stderr
}

TEST_CASE("a task may have a name in Chinese", "[e2e][runner][unicode]") {
  const e2e::Run run = e2e::mtask({"run", "唱歌:3@10ms", "dance:1@10ms"}, within(15s));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  const std::vector<TaskLine> lines = task_lines(run.out);
  CHECK(output_of(lines, "唱歌") ==
        std::vector<std::string>{"唱歌... (1/3)", "唱歌... (2/3)", "唱歌... (3/3)"});
  CHECK(end_of(lines, "唱歌").rfind("exit 0", 0) == 0);
}
