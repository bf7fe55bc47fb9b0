// The lesson made visible: CPU-bound tasks, core limits, the timeline, its SVG and
// trace files, and --explain.
#include <sched.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"
#include "json_events.hpp"

namespace {

using e2e::events_of;

using namespace std::chrono_literals;
using nlohmann::json;

/// The CPUs this test may run on, as mtask will see them.
std::vector<int> my_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  for (std::size_t cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(static_cast<int>(cpu));
  }
  return cpus;
}

/// The 1-minute load average less what this test's own runs add (at most about 2): a rough
/// sign that something else competes for the CPUs.
double other_load() {
  std::ifstream loadavg("/proc/loadavg");
  double one_minute = 0;
  loadavg >> one_minute;
  return one_minute - 2.0;
}

e2e::Options bounded(std::chrono::milliseconds timeout = 20s) {
  e2e::Options options;
  options.timeout = timeout;
  return options;
}

std::vector<json> of_kind(const std::vector<json>& events, const std::string& kind) {
  std::vector<json> found;
  std::copy_if(events.begin(), events.end(), std::back_inserter(found),
               [&](const json& e) { return e["event"] == kind; });
  return found;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Runs a shell command and returns its stdout; `status` gets its exit status.
std::string shell(const std::string& command, int& status) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (const std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  const int raw = pclose(pipe);
  status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return out;
}

/// The rows of a text timeline: name -> the bar between its borders.
std::map<std::string, std::string> timeline_rows(const std::string& out) {
  static const std::regex row(R"(^(\S+) +(\d+) \|(.*)\|$)");
  std::map<std::string, std::string> rows;
  for (const std::string& line : e2e::split_lines(out)) {
    std::smatch m;
    if (std::regex_match(line, m, row)) rows[m[1].str()] = m[3].str();
  }
  return rows;
}

/// Run `--busy` tasks of 2 x 500 ms of CPU each on `cores`.
e2e::Run busy_run(const std::string& cores) {
  return e2e::mtask({"run", "-o", "json", "--busy", "--cores", cores, "a:2@500ms", "b:2@500ms"},
                    bounded());
}

}  // namespace

TEST_CASE("busy tasks on one core take turns and each gets its CPU time",
          "[e2e][lesson][.serial]") {
  const e2e::Run run = busy_run("1");
  REQUIRE_FALSE(run.timed_out);
  REQUIRE(run.status == 0);
  // Two tasks of 1 s of CPU each on one core: at least about 2 s of wall time.
  CHECK(run.wall.count() >= 1.6);
  const std::vector<json> exits = of_kind(events_of(run), "exit");
  REQUIRE(exits.size() == 2);
  for (const json& e : exits) {
    INFO(e.dump());
    CHECK(e["user_s"].get<double>() == Approx(1.0).margin(0.4));
    CHECK(e["wall_s"].get<double>() >= 1.3);  // it had to wait for the core
  }
}

TEST_CASE("busy tasks on two cores run in parallel", "[e2e][lesson][.serial]") {
  if (my_cpus().size() < 2) {
    e2e::cannot_check("fewer than two CPUs: parallelism cannot be seen here");
    return;
  }
  // The machine may be shared with other work that takes CPU time from both tasks. Then one
  // core against two still shows: with two, the same work takes clearly less wall time.
  bool parallel = false;
  for (int attempt = 0; attempt < 3 && !parallel; ++attempt) {
    const e2e::Run two = busy_run("2");
    REQUIRE_FALSE(two.timed_out);
    REQUIRE(two.status == 0);
    for (const json& e : of_kind(events_of(two), "exit")) {
      CHECK(e["user_s"].get<double>() == Approx(1.0).margin(0.4));
    }
    parallel = two.wall.count() < 1.6;
    if (!parallel) {
      const e2e::Run one = busy_run("1");
      UNSCOPED_INFO("attempt " << attempt << ": " << two.wall.count() << " s on two cores, "
                               << one.wall.count() << " s on one");
      parallel = two.wall.count() < 0.8 * one.wall.count();
    }
  }
  if (!parallel && other_load() >= 1.0) {
    // Another program held a core through every attempt: what two cores give cannot be seen
    // on this machine now. On an idle machine the check below holds.
    WARN("not judged: the machine was busy (load " << other_load() << ")");
    return;
  }
  CHECK(parallel);
}

TEST_CASE("cores pin every task and the processes it starts", "[e2e][lesson]") {
  const std::vector<int> cpus = my_cpus();
  REQUIRE_FALSE(cpus.empty());
  const std::string first = std::to_string(cpus.front());
  for (const std::string& cores : {std::string("1"), first + "-" + first, first + ","}) {
    const e2e::Run run = e2e::mtask(
        {"run", "--cores", cores, "c=grep Cpus_allowed_list /proc/self/status"}, bounded());
    INFO("--cores " << cores << "\n" << run.out << run.err);
    CHECK(run.status == 0);
    CHECK(run.out.find("Cpus_allowed_list:\t" + first + "\n") != std::string::npos);
  }
}

TEST_CASE("bad core values are usage errors that name the CPU", "[e2e][lesson]") {
  const std::vector<int> cpus = my_cpus();
  const std::string missing = std::to_string(cpus.back() + 1);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"0", "--cores '0': needs at least one CPU"},
      {std::to_string(cpus.size() + 1), "CPUs asked for, but mtask may use only"},
      {"0," + missing, "--cores '0," + missing + "': CPU " + missing + " is not available"},
      {"x", "'x' is not a CPU number"},
      {"", "--cores '': needs a value"},
  };
  for (const auto& [value, message] : cases) {
    const e2e::Run run = e2e::mtask({"run", "--cores", value, "sing:1@0"}, bounded());
    INFO("--cores '" << value << "': " << run.err);
    CHECK(run.status == 2);
    CHECK(run.out.empty());
    CHECK(run.err.find(message) != std::string::npos);
  }
}

TEST_CASE("the timeline draws each task and where its lines came out", "[e2e][lesson]") {
  e2e::Options options = bounded();
  options.env = {"COLUMNS=72", "LC_ALL=", "LC_CTYPE=", "LANG=C"};
  const e2e::Run run = e2e::mtask({"run", "--timeline", "sing:3@100ms", "dance:3@100ms"}, options);
  REQUIRE(run.status == 0);
  INFO(run.out);
  // The timeline fits the terminal; the summary table above it is as wide as its values.
  bool in_timeline = false;
  for (const std::string& line : run.out_lines()) {
    in_timeline = in_timeline || line.starts_with("timeline:");
    if (in_timeline) CHECK(line.size() <= 72);
  }
  const std::map<std::string, std::string> rows = timeline_rows(run.out);
  REQUIRE(rows.size() == 2);
  for (const auto& [name, bar] : rows) {
    CHECK(std::count(bar.begin(), bar.end(), '#') == 3);
    // Both alive nearly the whole run: one column is a few ms, and on a loaded machine a task
    // may be forked or reaped a column or two after the other.
    const std::size_t first = bar.find_first_not_of(' ');
    const std::size_t last = bar.find_last_not_of(' ');
    REQUIRE(first != std::string::npos);
    const std::string lived = bar.substr(first, last - first + 1);
    CHECK(lived.find_first_not_of("#-") == std::string::npos);
    CHECK(lived.size() >= bar.size() * 8 / 10);
  }
  CHECK(run.out.find("\x1b") == std::string::npos);
}

TEST_CASE("the timeline uses block characters in a UTF-8 locale unless --ascii", "[e2e][lesson]") {
  e2e::Options options = bounded();
  options.env = {"COLUMNS=60", "LC_ALL=", "LC_CTYPE=", "LANG=C.UTF-8"};
  const e2e::Run blocks = e2e::mtask({"run", "--timeline", "sing:2@50ms"}, options);
  CHECK(blocks.out.find("█") != std::string::npos);
  const e2e::Run ascii = e2e::mtask({"run", "--timeline", "--ascii", "sing:2@50ms"}, options);
  CHECK(ascii.out.find("█") == std::string::npos);
  CHECK(timeline_rows(ascii.out).size() == 1);
}

TEST_CASE("with one job at a time the timeline is a staircase", "[e2e][lesson]") {
  e2e::Options options = bounded();
  options.env = {"COLUMNS=80", "LANG=C", "LC_ALL=C"};
  const e2e::Run run =
      e2e::mtask({"run", "-j", "1", "--timeline", "sing:3@100ms", "dance:3@100ms"}, options);
  REQUIRE(run.status == 0);
  INFO(run.out);
  const std::map<std::string, std::string> rows = timeline_rows(run.out);
  REQUIRE(rows.size() == 2);
  const std::string& sing = rows.at("sing");
  const std::string& dance = rows.at("dance");
  CHECK(sing.find_last_not_of(' ') < dance.find_first_not_of(' ') + 1);
  CHECK(sing.find_last_not_of(' ') < sing.size() * 6 / 10);
  CHECK(dance.find_first_not_of(' ') > dance.size() * 4 / 10);
}

TEST_CASE("the timeline is not drawn into JSON output", "[e2e][lesson]") {
  const e2e::Run run = e2e::mtask({"run", "-o", "json", "--timeline", "sing:1@0"}, bounded());
  CHECK(run.status == 2);
  CHECK(run.out.empty());
  CHECK(run.err.find("--timeline draws on the text output") != std::string::npos);
}

TEST_CASE("the SVG and the trace describe the run truthfully", "[e2e][lesson]") {
  const e2e::TempDir dir;
  const std::string svg = dir.file("run.svg");
  const std::string trace = dir.file("run.json");
  const e2e::Run run = e2e::mtask({"run", "-o", "json", "--timeline-svg", svg, "--trace", trace,
                                   "sing:3@100ms", "dance:2@150ms", "c=echo hi; echo err >&2"},
                                  bounded());
  REQUIRE(run.status == 0);
  const std::vector<json> events = events_of(run);
  const json summary = of_kind(events, "summary").at(0);
  const double wall_us = summary["wall_s"].get<double>() * 1e6;
  std::map<long, std::string> names;  // pid -> task
  std::map<long, int> lines;          // pid -> line events
  for (const json& e : of_kind(events, "start")) names[e["pid"]] = e["task"];
  for (const json& e : of_kind(events, "line")) ++lines[e["pid"].get<long>()];
  REQUIRE(names.size() == 3);

  SECTION("the SVG parses and has a row and a mark per line for each task") {
    int status = -1;
    shell("xmllint --noout '" + svg + "' 2>&1", status);
    REQUIRE(status == 0);
    for (const auto& [pid, name] : names) {
      const std::string xpath = "count(//*[local-name()='g'][@data-pid='" + std::to_string(pid) +
                                "'][@data-name='" + name + "']/*[@class='mark'])";
      const std::string count = shell("xmllint --xpath \"" + xpath + "\" '" + svg + "'", status);
      INFO(name << " " << pid << ": " << count);
      CHECK(status == 0);
      CHECK(std::stoi(count) == lines[pid]);
    }
    CHECK(slurp(svg).find("mtask (pid " + std::to_string(run.pid) + ")") != std::string::npos);
  }

  SECTION("the trace parses, with a named track per task and the parent") {
    json doc;
    REQUIRE_NOTHROW(doc = json::parse(slurp(trace)));
    std::map<long, std::string> tracks;
    std::map<long, int> instants;
    std::map<long, int> states;  // pid -> slices on its "CPU states" track
    int spans = 0;
    for (const json& e : doc.at("traceEvents")) {
      const std::string ph = e.at("ph");
      const long pid = e.at("pid");
      // The CPU samples have tracks of their own (a task's states, the CPUs); the rest is on the
      // task's own track.
      const bool cpu_track = e.value("cat", "") == "cpu" ||
                             (ph == "M" && e.at("tid") != e.at("pid")) || names.count(pid) == 0;
      if (!cpu_track) CHECK(e.at("tid") == e.at("pid"));
      if (ph == "X" && e.value("cat", "") == "cpu" && names.count(pid) > 0) ++states[pid];
      if (ph != "M") CHECK(e.at("ts").get<double>() <= wall_us);  // nothing after the run
      if (ph == "M" && e["name"] == "process_name") tracks[pid] = e["args"]["name"];
      if (ph == "i" && (e["cat"] == "stdout" || e["cat"] == "stderr")) {
        ++instants[pid];
        CHECK(e["ts"].get<double>() <= wall_us);
      }
      if (ph == "X" && e["cat"] == "task") {
        ++spans;
        CHECK(e["name"] == names.at(pid));
        CHECK(e["ts"].get<double>() >= 0);
        CHECK(e["ts"].get<double>() + e["dur"].get<double>() <= wall_us + 1);
      }
    }
    CHECK(spans == 3);
    CHECK(tracks[run.pid] == "mtask (pid " + std::to_string(run.pid) + ")");
    for (const auto& [pid, name] : names) {
      CHECK(tracks[pid] == name + " (pid " + std::to_string(pid) + ")");
      CHECK(instants[pid] == lines[pid]);
      CHECK(states[pid] > 0);  // sampled: how it spent its time on the CPU
    }
  }
  CHECK_FALSE(std::filesystem::exists(svg + ".tmp"));
  CHECK_FALSE(std::filesystem::exists(trace + ".tmp"));
}

TEST_CASE("the files are written even when mtask is stopped by a signal", "[e2e][lesson]") {
  const e2e::TempDir dir;
  e2e::Options options = bounded();
  options.actions = {e2e::send_signal(600ms, SIGTERM)};
  const e2e::Run run = e2e::mtask(
      {"run", "--timeline-svg", dir.file("t.svg"), "--trace", dir.file("t.json"), "sing:100@100ms"},
      options);
  CHECK(run.status == 143);
  int status = -1;
  shell("xmllint --noout '" + dir.file("t.svg") + "' 2>&1", status);
  CHECK(status == 0);
  json doc;
  REQUIRE_NOTHROW(doc = json::parse(slurp(dir.file("t.json"))));
  CHECK(doc.at("traceEvents").size() > 3);
}

TEST_CASE("files in a directory that cannot be written are usage errors", "[e2e][lesson]") {
  const e2e::TempDir dir;
  for (const char* option : {"--trace", "--timeline-svg"}) {
    const e2e::Run run = e2e::mtask({"run", option, dir.file("missing/t"), "sing:1@0"}, bounded());
    CHECK(run.status == 2);
    CHECK(run.out.empty());
    CHECK(run.err.find(std::string(option) + " '") != std::string::npos);
  }
}

TEST_CASE("explain tells fork, getpid and wait4 on stderr", "[e2e][lesson]") {
  const e2e::Run run = e2e::mtask({"run", "--explain", "sing:2@10ms"}, bounded());
  REQUIRE(run.status == 0);
  CHECK(run.out.find("fork()") == std::string::npos);
  const std::string parent = std::to_string(run.pid);
  static const std::regex fork_line(R"(^parent (\d+): fork\(\) -> child (\d+) \(sing\)$)");
  std::smatch m;
  const std::vector<std::string> lines = run.err_lines();
  REQUIRE(lines.size() >= 5);
  REQUIRE(std::regex_match(lines[0], m, fork_line));
  CHECK(m[1].str() == parent);
  const std::string child = m[2].str();
  CHECK(lines[1] == "child " + child + ": getpid()=" + child + " getppid()=" + parent);
  CHECK(std::find_if(lines.begin(), lines.end(), [&](const std::string& line) {
          return line.rfind("parent " + parent + ": wait4(" + child + ") -> exited 0 after ", 0) ==
                 0;
        }) != lines.end());
  CHECK(lines.back().rfind("parent " + parent + ": every child reaped", 0) == 0);
}
