// The examples of task files and CI pipelines (examples/tasks, examples/ci; docs/ci.md) run
// with the built mtask as a user would run them: from a copy of the folder, as their working
// directory. The harness has no working-directory option, so each run goes through
// `sh -c 'cd DIR && exec mtask ...'` (Options::prefix).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"
#include "help_text.hpp"

namespace {

using e2e::read_all;

namespace fs = std::filesystem;
using Names = std::set<std::string>;

const Names kTomlTasks = {"lint", "unit", "words", "smoke", "heartbeat", "flaky"};

std::string example(const std::string& path) { return MTASK_SOURCE_DIR "/examples/" + path; }

/// A copy of examples/tasks in a fresh directory: the runs write their reports there.
struct Copy {
  e2e::TempDir dir;
  Copy() { fs::copy(example("tasks"), dir.path(), fs::copy_options::recursive); }
};

/// Runs mtask in `dir`, with `dir` as TMPDIR too: the flaky task keeps its state file there,
/// apart from any other run.
e2e::Run mtask_in(const std::string& dir, const std::vector<std::string>& args,
                  std::vector<std::string> env = {}) {
  e2e::Options options;
  options.prefix = {"/bin/sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "sh", dir};
  env.push_back("TMPDIR=" + dir);
  options.env = std::move(env);
  const e2e::Run run = e2e::mtask(args, options);
  REQUIRE_FALSE(run.timed_out);
  return run;
}

std::vector<nlohmann::json> events_of(const e2e::Run& run) {
  std::vector<nlohmann::json> events;
  for (const std::string& line : run.out_lines()) {
    INFO("line: " << line);
    nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
    REQUIRE(event.is_object());
    events.push_back(std::move(event));
  }
  return events;
}

/// The names of the tasks that started (each once, whatever its attempts).
Names started(const std::vector<nlohmann::json>& events) {
  Names names;
  for (const nlohmann::json& event : events)
    if (event.value("event", "") == "start") names.insert(event.value("task", ""));
  return names;
}

const nlohmann::json* summary_of(const std::vector<nlohmann::json>& events) {
  for (const nlohmann::json& event : events)
    if (event.value("event", "") == "summary") return &event;
  return nullptr;
}

/// What xmllint answers (stdout and stderr), and its status.
std::pair<int, std::string> xmllint(const std::string& args) {
  e2e::Options options;
  options.binary = "/bin/sh";
  const e2e::Run run = e2e::mtask({"-c", "xmllint " + args + " 2>&1"}, options);
  return {run.status, run.out};
}

/// The number an XPath count() expression gives over `file`.
int xpath_count(const std::string& file, const std::string& expression) {
  const auto [status, out] = xmllint("--xpath \"" + expression + "\" '" + file + "'");
  INFO(expression << ": " << out);
  REQUIRE(status == 0);
  return std::stoi(out);
}

}  // namespace

// These need task files, retries, shards and `mtask list` (docs/tasks.md).

TEST_CASE("The example mtask.toml runs every task, its flaky task passing on a second attempt",
          "[examples]") {
  Copy copy;
  const e2e::Run run = mtask_in(
      copy.dir.path(), {"run", "-o", "json", "--junit", "report.xml", "--joblog", "jobs.tsv"});
  INFO("stderr: " << run.err);
  CHECK(run.status == 0);
  const std::vector<nlohmann::json> events = events_of(run);
  CHECK(started(events) == kTomlTasks);

  std::map<std::string, std::vector<std::string>> lines;
  std::vector<nlohmann::json> flaky_exits;
  for (const nlohmann::json& event : events) {
    if (event.value("event", "") == "line")
      lines[event.value("task", "")].push_back(event.value("text", ""));
    if (event.value("event", "") == "exit" && event.value("task", "") == "flaky")
      flaky_exits.push_back(event);
  }
  // env, cwd and the built-in task did what the file says.
  CHECK(lines["unit"] ==
        std::vector<std::string>{"unit: parse passed", "unit: plan passed", "unit: report passed"});
  CHECK(lines["words"] == std::vector<std::string>{"17"});  // data/*.txt: 9 + 8 words
  CHECK(lines["heartbeat"] ==
        std::vector<std::string>{"heartbeat... (1/3)", "heartbeat... (2/3)", "heartbeat... (3/3)"});
  REQUIRE(flaky_exits.size() == 2);
  CHECK(flaky_exits[0].value("attempt", 0) == 1);
  CHECK(flaky_exits[0].value("code", 0) == 1);
  CHECK(flaky_exits[1].value("attempt", 0) == 2);
  CHECK(flaky_exits[1].value("code", 1) == 0);

  const nlohmann::json* summary = summary_of(events);
  REQUIRE(summary != nullptr);
  CHECK(summary->value("failed", -1) == 0);
  CHECK(summary->value("flaky", -1) == 1);
  // A passing run leaves no state behind: the next run is flaky the same way.
  CHECK_FALSE(fs::exists(copy.dir.file("mtask-example-flaky.state")));

  // The job log the CI keeps (docs/ci.md): a row per attempt, `attempt` and how the task took
  // turns on the CPU before `command`.
  const std::vector<std::string> rows = e2e::split_lines(read_all(copy.dir.file("jobs.tsv")));
  REQUIRE_FALSE(rows.empty());
  CHECK(e2e::contains(rows[0], "\tattempt\tcpu_wait\tvcsw\tivcsw\tcommand"));
  CHECK(std::count_if(rows.begin(), rows.end(),
                      [](const std::string& row) { return e2e::contains(row, "\tflaky\t"); }) == 2);
  CHECK(rows.size() == 1 + kTomlTasks.size() + 1);  // the header, a row per attempt

  const std::string report = copy.dir.file("report.xml");
  const auto [valid, why] =
      xmllint("--noout --schema '" MTASK_SOURCE_DIR "/test/data/junit.xsd' '" + report + "'");
  INFO(why);
  CHECK(valid == 0);
  CHECK(xpath_count(report, "count(//testcase)") == 6);
  CHECK(xpath_count(report, "count(//testcase[@name='flaky']/flakyFailure)") == 1);
  CHECK(xpath_count(report, "count(//testcase[@name='flaky']/failure)") == 0);
  CHECK(xpath_count(report, "count(//failure)") == 0);
  // Each testcase says how its task took turns on the CPU (docs/output.md, "JUnit XML").
  CHECK(xpath_count(report, "count(//testcase/properties/property[@name='vcsw'])") == 6);
  CHECK(xpath_count(report, "count(//testcase/properties/property[@name='ivcsw'])") == 6);
}

TEST_CASE("mtask list shows the example's plan as JSON Lines and starts nothing", "[examples]") {
  Copy copy;
  const e2e::Run run = mtask_in(copy.dir.path(), {"list", "-o", "json"});
  INFO("stderr: " << run.err);
  REQUIRE(run.status == 0);
  std::vector<std::string> order;
  std::map<std::string, nlohmann::json> plan;
  for (const std::string& line : run.out_lines()) {
    INFO("line: " << line);
    CHECK(line.starts_with("{\"task\":\""));  // the name first: the completions rely on it
    const nlohmann::json task = nlohmann::json::parse(line, nullptr, false);
    REQUIRE(task.is_object());
    order.push_back(task.value("task", ""));
    plan[order.back()] = task;
  }
  CHECK(order == std::vector<std::string>{"lint", "unit", "words", "smoke", "heartbeat", "flaky"});
  CHECK(plan["heartbeat"]["command"].is_null());
  CHECK(plan["heartbeat"]["count"] == 3);
  CHECK(plan["lint"]["command"].is_string());
  CHECK(plan["unit"]["env"] == nlohmann::json{{"SUITE", "unit"}});
  CHECK(plan["words"]["cwd"].is_string());
  CHECK(plan["words"]["cwd"].get<std::string>().ends_with("data"));
  CHECK(plan["lint"]["cwd"].is_null());
  CHECK(plan["smoke"]["timeout_s"] == 5);
  CHECK(plan["flaky"]["retries"] == 1);
  CHECK(plan["lint"]["shard"].is_null());
  // Nothing was forked: the flaky task would have left its state file.
  CHECK_FALSE(fs::exists(copy.dir.file("mtask-example-flaky.state")));

  // A mistake in the file: exit 2 and one line naming the file, line and column.
  std::ofstream(copy.dir.file("mtask.toml"), std::ios::app) << "\n[tasks.late]\nrun = 3\n";
  const e2e::Run bad = mtask_in(copy.dir.path(), {"list", "-o", "json"});
  CHECK(bad.status == 2);
  CHECK(bad.out.empty());
  REQUIRE(bad.err_lines().size() >= 1);
  CHECK(std::regex_search(bad.err_lines()[0], std::regex("^mtask: \\S*mtask\\.toml:\\d+:\\d+: ")));
}

TEST_CASE("The example Procfile and the generated list run", "[examples]") {
  Copy copy;
  const e2e::Run procfile = mtask_in(copy.dir.path(), {"run", "-o", "json", "-f", "Procfile"});
  INFO("Procfile: " << procfile.err);
  CHECK(procfile.status == 0);
  CHECK(started(events_of(procfile)) == Names{"lint", "unit", "words"});

  // each-file.sh pipes `count-NAME=wc -l < data/NAME.txt` lines into `mtask run -f -`.
  e2e::Options options;
  options.binary = "/bin/sh";
  options.env = {std::string("MTASK=") + e2e::binary()};
  const e2e::Run list = e2e::mtask(
      {"-c", "cd \"$1\" && exec sh each-file.sh -o json", "sh", copy.dir.path()}, options);
  INFO("each-file.sh: " << list.err);
  REQUIRE_FALSE(list.timed_out);
  CHECK(list.status == 0);
  const std::vector<nlohmann::json> events = events_of(list);
  CHECK(started(events) == Names{"count-box", "count-fox"});
  for (const nlohmann::json& event : events)
    if (event.value("event", "") == "line") CHECK(event.value("text", "") == "2");
}

TEST_CASE("The CI examples run the example in four shards that run every task once", "[examples]") {
  const std::string github = read_all(example("ci/github-actions.yml"));
  const std::string gitlab = read_all(example("ci/gitlab-ci.yml"));
  // What each pipeline runs (docs/ci.md): the check, the shards, the reports.
  for (const std::string* text : {&github, &gitlab}) {
    CHECK(e2e::contains(*text, "mtask list"));
    CHECK(e2e::contains(*text, "--junit report.xml"));
    CHECK(e2e::contains(*text, "--joblog jobs.tsv"));
  }
  CHECK(e2e::contains(github, "shard: [1, 2, 3, 4]"));
  CHECK(e2e::contains(github, "--shard ${{ matrix.shard }}/4"));
  CHECK(e2e::contains(github, "actions/upload-artifact"));
  CHECK(e2e::contains(gitlab, "parallel: 4"));
  CHECK(e2e::contains(gitlab, "mtask run --shard auto"));
  CHECK(e2e::contains(gitlab, "junit: examples/tasks/report.xml"));

  // The four jobs of GitLab's `parallel: 4`, as it numbers them, from one copy each.
  Names seen;
  std::size_t runs = 0;
  for (int k = 1; k <= 4; ++k) {
    Copy copy;
    const e2e::Run run =
        mtask_in(copy.dir.path(), {"run", "--shard", "auto", "--junit", "report.xml", "-o", "json"},
                 {"CI_NODE_INDEX=" + std::to_string(k), "CI_NODE_TOTAL=4"});
    INFO("shard " << k << ": " << run.err);
    CHECK(run.status == 0);
    const std::vector<nlohmann::json> events = events_of(run);
    const Names names = started(events);
    runs += names.size();
    seen.insert(names.begin(), names.end());
    const nlohmann::json* summary = summary_of(events);
    REQUIRE(summary != nullptr);
    CHECK(summary->value("shard", "") == std::to_string(k) + "/4");
    CHECK(xpath_count(copy.dir.file("report.xml"), "count(//testcase)") ==
          static_cast<int>(names.size()));
  }
  CHECK(seen == kTomlTasks);
  CHECK(runs == kTomlTasks.size());  // none twice
}

TEST_CASE("The YAML excerpts of docs/ci.md are lines of the example files", "[examples]") {
  // Each ```yaml block follows a comment that names its file: "an excerpt of examples/ci/X".
  const std::string doc = read_all(MTASK_SOURCE_DIR "/docs/ci.md");
  const std::regex excerpt("excerpt of (examples/ci/[a-z-]+\\.yml)\\) -->\n```yaml\n([^`]*)```");
  int blocks = 0;
  for (std::sregex_iterator it(doc.begin(), doc.end(), excerpt), end; it != end; ++it) {
    ++blocks;
    const std::string file = read_all(MTASK_SOURCE_DIR "/" + (*it)[1].str());
    REQUIRE_FALSE(file.empty());
    for (const std::string& line : e2e::split_lines((*it)[2].str())) {
      INFO((*it)[1].str() << " lacks the line: " << line);
      CHECK(e2e::contains(file, line + "\n"));
    }
  }
  CHECK(blocks == 2);
}
