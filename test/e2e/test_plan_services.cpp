// --service, --ready, --needs and --ready-timeout as a user gives them (docs/tasks.md,
// "Services and needs"): every mistake one `mtask:` line, exit 2, nothing forked; `mtask list`
// shows what they made of the plan; a shard brings what its slice needs.
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace {

using namespace std::chrono_literals;
using nlohmann::json;

bool exists(const std::string& path) {
  struct stat facts {};
  return stat(path.c_str(), &facts) == 0;
}

e2e::Options in(const std::string& dir) {
  e2e::Options options;
  options.timeout = 20s;
  options.cwd = dir;
  return options;
}

std::vector<std::string> args(std::vector<std::string> head, const std::vector<std::string>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

std::vector<json> json_lines(const e2e::Run& run) {
  std::vector<json> objects;
  for (const std::string& line : run.out_lines()) objects.push_back(json::parse(line));
  return objects;
}

}  // namespace

TEST_CASE("a mistake in --service, --ready or --needs exits 2 and forks nothing",
          "[e2e][services][usage]") {
  e2e::TempDir dir;
  const std::string marker = dir.file("marker");
  // Tasks that would leave the marker, were anything started.
  const std::vector<std::string> tasks = {"web=touch " + marker, "smoke=touch " + marker,
                                          "db=touch " + marker};
  struct Bad {
    std::vector<std::string> options;
    std::string message;
  };
  const std::vector<Bad> cases = {
      {{"--service", "wbe"}, "--service 'wbe': 'wbe' is no task (did you mean 'web'?)"},
      {{"--ready", "web"}, "--ready 'web': expected NAME=PROBE (e.g. web=tcp:8000)"},
      {{"--ready", "web=tcp:0"},
       "--ready 'web=tcp:0': tcp: the PORT must be a number from 1 "
       "to 65535"},
      {{"--service", "web", "--ready", "web=exit"},
       "--ready 'web=exit': exit: a service is never ready by ending (it runs until the run is "
       "over)"},
      {{"--needs", "smoke=wbe"}, "--needs 'smoke=wbe': 'wbe' is no task (did you mean 'web'?)"},
      {{"--needs", "smoke"}, "--needs 'smoke': expected NAME=A,B (e.g. smoke=web,db)"},
      {{"--needs", "smoke=web", "--needs", "web=smoke"},
       "--needs: tasks need each other in a cycle: web -> smoke -> web"},
      {{"--needs", "db=db"}, "--needs 'db=db': task 'db' needs itself"},
      {{"--ready-timeout", "1parsec"},
       "--ready-timeout '1parsec': unknown duration unit 'parsec' (use ns, us, ms, s, m, h)"},
  };
  for (const std::string command : {"run", "list"}) {
    for (const Bad& bad : cases) {
      const e2e::Run run = e2e::mtask(args(args({command}, bad.options), tasks), in(dir.path()));
      INFO(command << " " << bad.message << "\nstderr: " << run.err);
      REQUIRE_FALSE(run.timed_out);
      CHECK(run.status == 2);
      CHECK(run.out.empty());
      REQUIRE_FALSE(run.err_lines().empty());
      CHECK(run.err_lines()[0] == "mtask: " + bad.message);
      CHECK_FALSE(exists(marker));
    }
  }
  // A NAME that two tasks share cannot say which one is meant.
  const e2e::Run two = e2e::mtask(
      {"run", "--needs", "web=db", "web=touch " + marker, "web=true", "db=true"}, in(dir.path()));
  CHECK(two.status == 2);
  CHECK(two.err_lines().at(0) ==
        "mtask: --needs 'web=db': 'web' names 2 tasks (give each its "
        "own NAME)");
  CHECK_FALSE(exists(marker));
}

TEST_CASE("a task file: a service that is ready by exit, and [run] ready_timeout",
          "[e2e][services][task_file]") {
  e2e::TempDir dir;
  const std::string marker = dir.file("marker");
  std::ofstream(dir.file("exit.toml")) << "[tasks.mark]\nrun = 'touch " + marker +
                                              "'\n\n[tasks.web]\nrun = 'true'\nservice = true\n"
                                              "ready = 'exit'\n";
  const e2e::Run run = e2e::mtask({"run", "-f", "exit.toml"}, in(dir.path()));
  CHECK(run.status == 2);
  CHECK(run.err_lines().at(0) ==
        "mtask: exit.toml:7:9: ready = 'exit': a service is never ready by ending (it runs until "
        "the run is over; leave ready out, or give tcp:, line: or cmd:)");
  CHECK_FALSE(exists(marker));

  std::ofstream(dir.file("run.toml")) << "[run]\nready_timeout = '5s'\n\n[tasks.web]\nrun = "
                                         "'true'\nready = 'exit'\n";
  const e2e::Run listed = e2e::mtask({"list", "-f", "run.toml"}, in(dir.path()));
  INFO(listed.err);
  CHECK(listed.status == 0);
  // --service on a task whose file says ready = 'exit': the option is named.
  const e2e::Run service =
      e2e::mtask({"list", "-f", "run.toml", "--service", "web"}, in(dir.path()));
  CHECK(service.status == 2);
  CHECK(service.err_lines().at(0) ==
        "mtask: --service 'web': its ready is 'exit', and a service is never ready by ending "
        "(give it another with --ready 'web=PROBE')");
}

TEST_CASE("mtask list shows what --service, --ready and --needs made of the plan",
          "[e2e][services][list]") {
  e2e::TempDir dir;
  const std::vector<std::string> line = {"list",
                                         "--service",
                                         "web",
                                         "--needs",
                                         "smoke=web",
                                         "--ready",
                                         "web=tcp:8000",
                                         "--ready",
                                         "smoke=line:passed",
                                         "web=python3 -m http.server",
                                         "smoke=./smoke",
                                         "docs=make docs"};
  const e2e::Run json_run = e2e::mtask(args(line, {"-o", "json"}), in(dir.path()));
  INFO(json_run.err);
  REQUIRE(json_run.status == 0);
  const std::vector<json> plan = json_lines(json_run);
  REQUIRE(plan.size() == 3);
  CHECK(plan[0]["task"] == "web");
  CHECK(plan[0]["service"] == true);
  CHECK(plan[0]["ready"] == "tcp:8000");
  CHECK(plan[0]["needs"] == json::array());
  CHECK(plan[1]["task"] == "smoke");
  CHECK(plan[1]["service"] == false);
  CHECK(plan[1]["ready"] == "line:passed");
  CHECK(plan[1]["needs"] == json::array({"web"}));
  CHECK(plan[2]["service"] == false);
  CHECK(plan[2]["ready"] == nullptr);

  const e2e::Run text = e2e::mtask(line, in(dir.path()));
  REQUIRE(text.status == 0);
  const std::vector<std::string> rows = text.out_lines();
  REQUIRE(rows.size() == 4);
  CHECK(rows[1].starts_with("web "));
  CHECK(e2e::contains(rows[1], "service, tcp:8000"));
  CHECK(rows[2].starts_with("smoke "));
  CHECK(e2e::contains(rows[2], "line:passed"));
  CHECK(e2e::contains(rows[2], "  web  "));
}

TEST_CASE("a shard brings the tasks its slice needs, and says so", "[e2e][services][shard]") {
  e2e::TempDir dir;
  // Slice 2/2 is web (1) and smoke (3); web needs db (0), smoke needs web.
  const std::vector<std::string> tasks = {"db=true", "web=true", "lint=true", "smoke=true",
                                          "--needs", "web=db",   "--needs",   "smoke=web"};
  e2e::Options options = in(dir.path());
  options.prefix = {"env", "-u", "CI_NODE_INDEX", "-u", "CI_NODE_TOTAL"};
  const e2e::Run run = e2e::mtask(args({"list", "-o", "json", "--shard", "2/2"}, tasks), options);
  INFO(run.err);
  REQUIRE(run.status == 0);
  const std::vector<json> plan = json_lines(run);
  REQUIRE(plan.size() == 3);
  CHECK(plan[0]["task"] == "db");
  CHECK(plan[0]["index"] == 0);
  CHECK(plan[1]["index"] == 1);
  CHECK(plan[2]["index"] == 3);
  CHECK(e2e::contains(run.err, "--shard 2/2: also runs db, which tasks of the slice need"));
  // The other slice needs nothing more.
  const e2e::Run other = e2e::mtask(args({"list", "-o", "json", "--shard", "1/2"}, tasks), options);
  CHECK(json_lines(other).size() == 2);
  CHECK(other.err.empty());
}
