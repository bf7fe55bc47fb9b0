// mtask list, --shard and --resume-failed, as a user (or a CI job) runs them.
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace {

using e2e::read_all;

using namespace std::chrono_literals;
using nlohmann::json;

/// Every CI variable --shard auto reads: unset for mtask, whatever the test's surroundings.
const std::vector<std::string> kNoCi = {"env",
                                        "-u",
                                        "CI_NODE_INDEX",
                                        "-u",
                                        "CI_NODE_TOTAL",
                                        "-u",
                                        "CIRCLE_NODE_INDEX",
                                        "-u",
                                        "CIRCLE_NODE_TOTAL",
                                        "-u",
                                        "BUILDKITE_PARALLEL_JOB",
                                        "-u",
                                        "BUILDKITE_PARALLEL_JOB_COUNT",
                                        "-u",
                                        "SLURM_ARRAY_TASK_ID",
                                        "-u",
                                        "SLURM_ARRAY_TASK_COUNT",
                                        "-u",
                                        "SLURM_ARRAY_TASK_MIN",
                                        "-u",
                                        "SLURM_ARRAY_TASK_STEP"};

e2e::Options quick(std::vector<std::string> env = {}) {
  e2e::Options options;
  options.timeout = 30s;
  // After `env -u ...`: the variables a test gives are set after the others are unset.
  options.prefix = kNoCi;
  options.prefix.insert(options.prefix.end(), env.begin(), env.end());
  return options;
}

std::vector<json> json_lines(const e2e::Run& run) {
  std::vector<json> objects;
  for (const std::string& line : run.out_lines()) objects.push_back(json::parse(line));
  return objects;
}

/// The indexes of the tasks that ran (their exit events), and the summary.
struct Ran {
  std::vector<std::size_t> indexes;
  json summary;
};

Ran ran(const e2e::Run& run) {
  Ran result;
  for (const json& event : json_lines(run)) {
    if (event["event"] == "exit") result.indexes.push_back(event["index"].get<std::size_t>());
    if (event["event"] == "summary") result.summary = event;
  }
  std::sort(result.indexes.begin(), result.indexes.end());
  return result;
}

/// The summary's "shard", or "missing" when it has none (a const json asserts on a missing key).
json shard_of(const json& summary) {
  return summary.contains("shard") ? summary["shard"] : json("missing");
}

/// Ten quick command tasks, t0 to t9.
std::vector<std::string> ten_tasks() {
  std::vector<std::string> tasks;
  for (int i = 0; i < 10; ++i) tasks.push_back("t" + std::to_string(i) + "=true");
  return tasks;
}

std::vector<std::string> args(std::vector<std::string> head, const std::vector<std::string>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

int shell_status(const std::string& command) {
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const std::string kSchema =
    (std::filesystem::path(__FILE__).parent_path().parent_path() / "data" / "junit.xsd").string();

}  // namespace

TEST_CASE("mtask list shows the plan and forks nothing", "[e2e][plan][list]") {
  e2e::TempDir dir;
  const std::string marker = dir.file("marker");
  const e2e::Run run =
      e2e::mtask({"list", "--timeout", "5s", "sing:2@10ms", "mark=touch " + marker}, quick());
  REQUIRE_FALSE(run.timed_out);
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  CHECK_FALSE(std::filesystem::exists(marker));
  const auto lines = run.out_lines();
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].starts_with("task  command"));
  CHECK(lines[1].starts_with("sing  built-in"));
  CHECK(lines[2].starts_with("mark  touch " + marker));
  CHECK(e2e::contains(lines[2], " 5s "));
  CHECK(run.err.empty());
}

TEST_CASE("mtask list -o json is one object per task", "[e2e][plan][list]") {
  e2e::TempDir dir;
  const std::string marker = dir.file("marker");
  const e2e::Run run =
      e2e::mtask({"list", "-o", "json", "--retries", "2", "sing", "mark=touch " + marker}, quick());
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK_FALSE(std::filesystem::exists(marker));
  auto objects = json_lines(run);
  REQUIRE(objects.size() == 2);
  CHECK(run.out_lines()[0].starts_with(R"({"task":"sing","index":0,"command":null,)"));
  CHECK(objects[1]["task"] == "mark");
  CHECK(objects[1]["index"] == 1);
  CHECK(objects[1]["command"] == "touch " + marker);
  CHECK(objects[1]["retries"] == 2);
  CHECK(objects[1].value("shard", json("missing")) == nullptr);
}

TEST_CASE("mtask list: a usage error exits 2, as run's do", "[e2e][plan][list]") {
  const e2e::Run run = e2e::mtask({"list", "sing:"}, quick());
  CHECK(run.status == 2);
  CHECK(run.out.empty());
  const e2e::Run shard = e2e::mtask({"list", "--shard", "5/4", "sing"}, quick());
  CHECK(shard.status == 2);
  CHECK(e2e::contains(shard.err, "mtask: --shard '5/4': "));
}

TEST_CASE("mtask list --shard shows the slice, each task with its index", "[e2e][plan][shard]") {
  const e2e::Run run =
      e2e::mtask(args({"list", "-o", "json", "--shard", "2/4"}, ten_tasks()), quick());
  REQUIRE(run.status == 0);
  auto objects = json_lines(run);
  REQUIRE(objects.size() == 3);
  CHECK(objects[0]["index"] == 1);
  CHECK(objects[1]["index"] == 5);
  CHECK(objects[2]["index"] == 9);
  CHECK(objects[2]["task"] == "t9");
  CHECK(objects[2].value("shard", json("missing")) == "2/4");
}

TEST_CASE("four shards run every task exactly once between them", "[e2e][plan][shard]") {
  std::multiset<std::size_t> all;
  for (int k = 1; k <= 4; ++k) {
    const std::string shard = std::to_string(k) + "/4";
    const e2e::Run run =
        e2e::mtask(args({"run", "-o", "json", "--shard", shard}, ten_tasks()), quick());
    REQUIRE_FALSE(run.timed_out);
    CHECK(run.status == 0);
    const Ran r = ran(run);
    CHECK(shard_of(r.summary) == shard);
    CHECK(r.summary.value("tasks", json(-1)) == r.indexes.size());
    for (const std::size_t index : r.indexes) {
      CHECK(index % 4 + 1 == static_cast<std::size_t>(k));
      all.insert(index);
    }
  }
  CHECK(all == std::multiset<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
}

TEST_CASE("shard auto reads each CI's variables with its own base", "[e2e][plan][shard]") {
  // Each is the second of four slices: tasks 1, 5 and 9.
  const std::map<std::string, std::vector<std::string>> cis{
      {"GitLab", {"CI_NODE_INDEX=2", "CI_NODE_TOTAL=4"}},
      {"CircleCI", {"CIRCLE_NODE_INDEX=1", "CIRCLE_NODE_TOTAL=4"}},
      {"Buildkite", {"BUILDKITE_PARALLEL_JOB=1", "BUILDKITE_PARALLEL_JOB_COUNT=4"}},
      {"Slurm", {"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=4"}},
      {"Slurm --array=1-4",
       {"SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_MIN=1"}}};
  for (const auto& [ci, env] : cis) {
    INFO(ci);
    const e2e::Run run =
        e2e::mtask(args({"run", "-o", "json", "--shard", "auto"}, ten_tasks()), quick(env));
    REQUIRE_FALSE(run.timed_out);
    CHECK(run.status == 0);
    const Ran r = ran(run);
    CHECK(r.indexes == std::vector<std::size_t>{1, 5, 9});
    CHECK(shard_of(r.summary) == "2/4");
  }
}

TEST_CASE("shard auto with no CI variable runs every task", "[e2e][plan][shard]") {
  const e2e::Run run =
      e2e::mtask(args({"run", "-o", "json", "--shard", "auto"}, ten_tasks()), quick());
  CHECK(run.status == 0);
  const Ran r = ran(run);
  CHECK(r.indexes.size() == 10);
  CHECK(shard_of(r.summary) == nullptr);
}

TEST_CASE("shard auto: a half-set pair is a usage error naming it", "[e2e][plan][shard]") {
  e2e::TempDir dir;
  const e2e::Run run = e2e::mtask({"run", "--shard", "auto", "mark=touch " + dir.file("m")},
                                  quick({"CI_NODE_INDEX=2"}));
  CHECK(run.status == 2);
  CHECK(e2e::contains(run.err,
                      "mtask: --shard 'auto': CI_NODE_INDEX is set but CI_NODE_TOTAL "
                      "is not (set both, or neither)"));
  CHECK_FALSE(std::filesystem::exists(dir.file("m")));
}

TEST_CASE("an empty shard passes and still writes its reports", "[e2e][plan][shard]") {
  e2e::TempDir dir;
  const std::string junit = dir.file("r.xml");
  const std::string joblog = dir.file("j.log");
  const e2e::Run run = e2e::mtask({"run", "-o", "json", "--junit", junit, "--joblog", joblog,
                                   "--shard", "3/4", "a=true", "b=true"},
                                  quick());
  REQUIRE_FALSE(run.timed_out);
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  const Ran r = ran(run);
  CHECK(r.indexes.empty());
  CHECK(r.summary.value("tasks", json(-1)) == 0);
  CHECK(shard_of(r.summary) == "3/4");
  const std::string xml = read_all(junit);
  INFO(xml);
  CHECK(e2e::contains(xml, R"x(<testsuite name="mtask (shard 3/4)" tests="0")x"));
  CHECK(e2e::contains(xml, R"(<property name="shard" value="3/4"/>)"));
  if (shell_status("command -v xmllint") != 0) {
    e2e::cannot_check("xmllint is not installed");
  } else {
    CHECK(shell_status("xmllint --noout --schema '" + kSchema + "' '" + junit + "'") == 0);
  }
  const std::string log = read_all(joblog);
  CHECK(log.starts_with("# shard 3/4\nindex\ttask\t"));
  CHECK(std::count(log.begin(), log.end(), '\n') == 2);
  // The text summary names it too.
  const e2e::Run text = e2e::mtask({"run", "--shard", "3/4", "a=true", "b=true"}, quick());
  CHECK(text.status == 0);
  CHECK(e2e::contains(text.out, "shard 3/4 of the task list\n"));
}

TEST_CASE("a shard's JUnit suite is valid and keeps every task's output", "[e2e][plan][shard]") {
  e2e::TempDir dir;
  const std::string junit = dir.file("r.xml");
  const e2e::Run run = e2e::mtask({"run", "--junit", junit, "--shard", "2/2", "a=echo one",
                                   "b=echo two", "c=echo three", "d=echo four"},
                                  quick());
  CHECK(run.status == 0);
  const std::string xml = read_all(junit);
  INFO(xml);
  CHECK(e2e::contains(xml, "<system-out>two\n</system-out>"));
  CHECK(e2e::contains(xml, "<system-out>four\n</system-out>"));
  CHECK_FALSE(e2e::contains(xml, "one"));
  if (shell_status("command -v xmllint") == 0) {
    CHECK(shell_status("xmllint --noout --schema '" + kSchema + "' '" + junit + "'") == 0);
  }
}

TEST_CASE("resume-failed runs only the tasks that failed or did not run", "[e2e][plan][resume]") {
  e2e::TempDir dir;
  const std::string joblog = dir.file("j.log");
  const std::string flag = dir.file("flag");
  // bad fails until the flag exists; slow never finishes before --fail-fast stops it.
  const std::vector<std::string> tasks = {"ok=true", "bad=test -e " + flag, "later=echo later"};
  const e2e::Run first = e2e::mtask(args({"run", "--joblog", joblog}, tasks), quick());
  REQUIRE_FALSE(first.timed_out);
  CHECK(first.status == 1);
  std::ofstream(flag).put('\n');
  const std::string second_log = dir.file("j2.log");
  const e2e::Run second = e2e::mtask(
      args({"run", "-o", "json", "--joblog", second_log, "--resume-failed", joblog}, tasks),
      quick());
  REQUIRE_FALSE(second.timed_out);
  INFO(second.out << second.err);
  CHECK(second.status == 0);
  CHECK(ran(second).indexes == std::vector<std::size_t>{1});
  // The resumed run's job log names the task by its index in the whole list.
  CHECK(e2e::contains(read_all(second_log), "\n1\tbad\t"));
  // mtask list shows what a resumed run would run.
  const e2e::Run listed =
      e2e::mtask(args({"list", "-o", "json", "--resume-failed", joblog}, tasks), quick());
  CHECK(listed.status == 0);
  REQUIRE(json_lines(listed).size() == 1);
  CHECK(json_lines(listed)[0]["task"] == "bad");
}

TEST_CASE("resume-failed with nothing to resume runs nothing and says so", "[e2e][plan][resume]") {
  e2e::TempDir dir;
  const std::string joblog = dir.file("j.log");
  const e2e::Run first = e2e::mtask({"run", "--joblog", joblog, "a=true", "b=true"}, quick());
  REQUIRE(first.status == 0);
  const std::string marker = dir.file("m");
  const e2e::Run again = e2e::mtask(
      {"run", "-o", "json", "--resume-failed", joblog, "a=touch " + marker, "b=true"}, quick());
  CHECK(again.status == 0);
  CHECK_FALSE(std::filesystem::exists(marker));
  CHECK(ran(again).indexes.empty());
  CHECK(e2e::contains(again.err, "every task passed there; nothing to run"));
}

TEST_CASE("resume-failed with the job log of another task list is a usage error",
          "[e2e][plan][resume]") {
  e2e::TempDir dir;
  const std::string joblog = dir.file("j.log");
  const e2e::Run first =
      e2e::mtask({"run", "-j", "1", "--joblog", joblog, "build=true", "lint=false"}, quick());
  REQUIRE(first.status == 1);
  const std::string marker = dir.file("m");
  const e2e::Run other =
      e2e::mtask({"run", "--resume-failed", joblog, "build=true", "test=touch " + marker}, quick());
  CHECK(other.status == 2);
  CHECK(e2e::contains(other.err, "mtask: --resume-failed '" + joblog +
                                     "': line 3: task 1 is 'lint' there but 'test' here (the job "
                                     "log belongs to another task list)"));
  CHECK_FALSE(std::filesystem::exists(marker));
  const e2e::Run missing =
      e2e::mtask({"run", "--resume-failed", dir.file("none"), "build=true"}, quick());
  CHECK(missing.status == 2);
  CHECK(missing.err == "mtask: --resume-failed '" + dir.file("none") +
                           "': cannot read it: No such file or directory\n"
                           "Try 'mtask run --help' for more information.\n");
  const e2e::Run directory =
      e2e::mtask({"run", "--resume-failed", dir.path(), "build=true"}, quick());
  CHECK(directory.status == 2);
  CHECK(directory.err == "mtask: --resume-failed '" + dir.path() +
                             "': cannot read it: Is a directory\n"
                             "Try 'mtask run --help' for more information.\n");
}

TEST_CASE("resume-failed refuses its own job log as --joblog under any spelling",
          "[e2e][plan][resume]") {
  e2e::TempDir dir;
  const std::string joblog = dir.file("jobs.tsv");
  const std::vector<std::string> tasks = {"ok=true", "bad=false"};
  REQUIRE(e2e::mtask(args({"run", "--joblog", joblog}, tasks), quick()).status == 1);
  const std::string before = read_all(joblog);
  REQUIRE(e2e::contains(before, "\n0\tok\t"));
  std::filesystem::create_symlink(joblog, dir.file("link.tsv"));
  e2e::Options in_dir = quick();
  in_dir.cwd = dir.path();
  for (const std::string& other : {std::string("./jobs.tsv"), joblog, std::string("link.tsv")}) {
    INFO(other);
    const e2e::Run run =
        e2e::mtask(args({"run", "--resume-failed", "jobs.tsv", "--joblog", other}, tasks), in_dir);
    CHECK(run.status == 2);
    CHECK(e2e::contains(run.err,
                        "mtask: --resume-failed 'jobs.tsv': is also the --joblog of "
                        "this run"));
    // The rows of the task that passed are still there.
    CHECK(read_all(joblog) == before);
  }
}

TEST_CASE("a report naming the task file is a usage error", "[e2e][plan][resume]") {
  e2e::TempDir dir;
  const std::string tasks = dir.file("tasks.txt");
  const std::string marker = dir.file("m");
  const std::string text = "mark=touch " + marker + "\n";
  std::ofstream(tasks) << text;
  e2e::Options in_dir = quick();
  in_dir.cwd = dir.path();
  for (const char* option : {"--joblog", "--junit", "--timeline-svg", "--trace"}) {
    INFO(option);
    const e2e::Run run = e2e::mtask({"run", "-f", "tasks.txt", option, "./tasks.txt"}, in_dir);
    CHECK(run.status == 2);
    CHECK(e2e::contains(run.err, std::string("mtask: ") + option +
                                     " './tasks.txt': is the task file of this run (-f "
                                     "'tasks.txt')"));
    CHECK(read_all(tasks) == text);
    CHECK_FALSE(std::filesystem::exists(marker));
  }
  // Bare NAMEs read ./mtask.toml: a report may not overwrite it either, but where there is no
  // mtask.toml a report of that name is only a report.
  const std::string toml = "[tasks.mark]\nrun = 'touch " + marker + "'\n";
  std::ofstream(dir.file("mtask.toml")) << toml;
  const e2e::Run bare = e2e::mtask({"run", "mark", "--joblog", "./mtask.toml"}, in_dir);
  CHECK(bare.status == 2);
  CHECK(e2e::contains(bare.err, "is the task file of this run (./mtask.toml)"));
  CHECK(read_all(dir.file("mtask.toml")) == toml);
  CHECK_FALSE(std::filesystem::exists(marker));
  e2e::TempDir empty;
  e2e::Options in_empty = quick();
  in_empty.cwd = empty.path();
  const e2e::Run demo =
      e2e::mtask({"run", "-n", "1", "-i", "0", "mark", "--joblog", "mtask.toml"}, in_empty);
  CHECK(demo.status == 0);
  CHECK(std::filesystem::exists(empty.file("mtask.toml")));
}

TEST_CASE("resume-failed keeps to the shard of its job log", "[e2e][plan][resume][shard]") {
  e2e::TempDir dir;
  const std::string joblog = dir.file("sj2.tsv");
  const std::string marker = dir.file("m");
  std::vector<std::string> tasks = ten_tasks();
  tasks[1] = "t1=false";
  tasks[2] = "t2=touch " + marker;  // of shard 3/4
  REQUIRE(e2e::mtask(args({"run", "--shard", "2/4", "--joblog", joblog}, tasks), quick()).status ==
          1);
  const e2e::Run other =
      e2e::mtask(args({"run", "--shard", "3/4", "--resume-failed", joblog}, tasks), quick());
  CHECK(other.status == 2);
  CHECK(e2e::contains(other.err, "mtask: --resume-failed '" + joblog +
                                     "': the job log is of shard 2/4, this run is shard 3/4 "
                                     "(give --shard 2/4)"));
  const e2e::Run none = e2e::mtask(args({"run", "--resume-failed", joblog}, tasks), quick());
  CHECK(none.status == 2);
  CHECK(e2e::contains(none.err, "this run has no shard (give --shard 2/4)"));
  CHECK_FALSE(std::filesystem::exists(marker));
  // The same shard resumes its failed task alone.
  const e2e::Run same = e2e::mtask(
      args({"list", "-o", "json", "--shard", "2/4", "--resume-failed", joblog}, tasks), quick());
  CHECK(same.status == 0);
  REQUIRE(json_lines(same).size() == 1);
  CHECK(json_lines(same)[0]["task"] == "t1");
}
