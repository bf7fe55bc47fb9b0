#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "mtask/report/plan_list.hpp"

using namespace std::chrono_literals;

namespace {

std::vector<mtask::Task> sample_tasks() {
  mtask::Task sing{.name = "sing", .count = 3, .interval = 500ms};
  mtask::Task lint{.name = "lint", .count = 1, .interval = 0s, .command = "make lint", .index = 1};
  lint.timeout = 30s;
  lint.retries = 2;
  lint.env = {{"CC", "gcc"}, {"MODE", "a b"}};
  lint.cwd = "src";
  lint.needs = {"sing", "db"};
  lint.service = true;
  lint.ready = "tcp:8000";
  lint.ready_timeout = 5s;
  return {sing, lint};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("plan_table: a header, then a row per task with every field", "[unit][plan_list]") {
  const std::string table = mtask::plan_table(sample_tasks(), {.timeout = 0s, .retries = 1});
  CHECK(table ==
        "task  command    count  interval  timeout  retries  env                cwd  "
        "ready                   needs    shard\n"
        "sing  built-in       3     500ms        -        1  -                  -    "
        "-                       -        -\n"
        "lint  make lint      1        0s      30s        0  CC=gcc 'MODE=a b'  src  "
        "service, tcp:8000 (5s)  sing,db  -\n");
}

TEST_CASE("plan_table: the run's timeout and the shard fill in", "[unit][plan_list]") {
  const auto lines =
      lines_of(mtask::plan_table(sample_tasks(), {.timeout = 2s, .retries = 0, .shard = "2/4"}));
  REQUIRE(lines.size() == 3);
  CHECK(lines[1].find("     2s ") != std::string::npos);
  CHECK(lines[1].ends_with("2/4"));
  CHECK(lines[2].ends_with("2/4"));
}

TEST_CASE("plan: a service has no run timeout and no retries, as the run counts them",
          "[unit][plan_list]") {
  mtask::Task web{.name = "web", .count = 1, .interval = 0s, .command = "serve"};
  web.service = true;
  mtask::Task check{.name = "check", .count = 1, .interval = 0s, .command = "true", .index = 1};
  const auto json_lines = lines_of(mtask::plan_json({web, check}, {.timeout = 5s, .retries = 2}));
  REQUIRE(json_lines.size() == 2);
  const auto service = nlohmann::json::parse(json_lines[0]);
  CHECK(service["timeout_s"].is_null());
  CHECK(service["retries"] == 0);
  const auto task = nlohmann::json::parse(json_lines[1]);
  CHECK(task["timeout_s"] == 5.0);
  CHECK(task["retries"] == 2);
  web.timeout = 1s;  // its own timeout applies
  CHECK(nlohmann::json::parse(lines_of(mtask::plan_json({web}, {.timeout = 5s}))[0])["timeout_s"] ==
        1.0);
}

TEST_CASE("plan_table: names of any width line up, controls are escaped", "[unit][plan_list]") {
  std::vector<mtask::Task> tasks{
      mtask::Task{.name = "a-rather-long-task-name", .command = "printf 'x\ty'\nexit 1"},
      mtask::Task{.name = "日本語", .index = 1}};
  const auto lines = lines_of(mtask::plan_table(tasks, {}));
  REQUIRE(lines.size() == 3);
  // The command column starts at the same display column on every row.
  CHECK(lines[0].find("command") == std::string("a-rather-long-task-name  ").size());
  CHECK(lines[1].find("'printf") == lines[0].find("command"));
  CHECK(lines[2].starts_with("日本語" + std::string(23 - 6 + 2, ' ') + "built-in"));
  // A tab is escaped; of a script of several lines the row shows the first, then "…".
  CHECK(lines[1].find("\\t") != std::string::npos);
  CHECK(lines[1].find("…") != std::string::npos);
  CHECK(lines[1].find("exit") == std::string::npos);
  for (const std::string& line : lines) CHECK_FALSE(line.ends_with(" "));
}

TEST_CASE("the plan fills in the default ready_timeout of a task that is awaited",
          "[unit][plan_list]") {
  std::vector<mtask::Task> tasks{mtask::Task{.name = "web", .command = "serve"},
                                 mtask::Task{.name = "plain", .command = "true", .index = 1}};
  tasks[0].ready = "tcp:8000";
  const auto lines = lines_of(mtask::plan_table(tasks, {}));
  REQUIRE(lines.size() == 3);
  CHECK(lines[1].find("tcp:8000 (30s)") != std::string::npos);
  const auto json = lines_of(mtask::plan_json(tasks, {}));
  REQUIRE(json.size() == 2);
  CHECK(nlohmann::json::parse(json[0])["ready_timeout_s"] == 30.0);
  CHECK(nlohmann::json::parse(json[1])["ready_timeout_s"].is_null());
}

TEST_CASE("plan_table: a long command is cut to 60 columns; JSON has it whole",
          "[unit][plan_list]") {
  const std::string command = "echo " + std::string(100, 'x');
  const std::vector<mtask::Task> tasks{mtask::Task{.name = "long", .command = command}};
  const auto lines = lines_of(mtask::plan_table(tasks, {}));
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].find("echo " + std::string(54, 'x') + "…  ") != std::string::npos);
  CHECK(lines[1].find(std::string(55, 'x')) == std::string::npos);
  CHECK(nlohmann::json::parse(mtask::plan_json(tasks, {}))["command"] == command);
}

TEST_CASE("plan_table: an empty plan is its header", "[unit][plan_list]") {
  CHECK(mtask::plan_table({}, {}) ==
        "task  command  count  interval  timeout  retries  env  cwd  ready  needs  shard\n");
  CHECK(mtask::plan_json({}, {}).empty());
}

TEST_CASE("plan_json: one object per task, the agreed keys in order", "[unit][plan_list]") {
  const auto lines = lines_of(mtask::plan_json(sample_tasks(), {.retries = 1, .shard = "1/2"}));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] ==
        R"({"task":"sing","index":0,"command":null,"count":3,"interval_s":0.5,"timeout_s":null,)"
        R"("retries":1,"env":{},"cwd":null,"service":false,"ready":null,"ready_timeout_s":null,)"
        R"("needs":[],"shard":"1/2","needed_only":false})");
  const auto lint = nlohmann::json::parse(lines[1]);
  std::vector<std::string> keys;
  for (const auto& [key, value] : lint.items()) keys.push_back(key);
  // nlohmann sorts keys; the order on the line is checked above.
  CHECK(keys.size() == 15);
  CHECK(lint["command"] == "make lint");
  CHECK(lint["timeout_s"] == 30.0);
  CHECK(lint["retries"] == 0);  // a service: its failure is final
  CHECK(lint["env"] == nlohmann::json{{"CC", "gcc"}, {"MODE", "a b"}});
  CHECK(lint["cwd"] == "src");
  CHECK(lint["service"] == true);
  CHECK(lint["ready"] == "tcp:8000");
  CHECK(lint["ready_timeout_s"] == 5.0);
  CHECK(lint["needs"] == nlohmann::json{"sing", "db"});
  CHECK(mtask::plan_json(sample_tasks(), {}).find(R"("shard":null)") != std::string::npos);
}

TEST_CASE("plan_json: strings are escaped", "[unit][plan_list]") {
  std::vector<mtask::Task> tasks{mtask::Task{.name = "q", .command = "echo \"a\"\n\x01"}};
  const auto object = nlohmann::json::parse(mtask::plan_json(tasks, {}));
  CHECK(object["command"] == "echo \"a\"\n\x01");
}

TEST_CASE("plan: ready_timeout_s is the limit the run will count, null when there is none",
          "[unit][plan_list][services]") {
  std::vector<mtask::Task> tasks{
      mtask::Task{.name = "web", .command = "serve", .service = true, .ready = "tcp:8000"},
      mtask::Task{.name = "build", .command = "make", .index = 1, .ready = "exit"},
      mtask::Task{.name = "api", .command = "serve", .index = 2, .service = true},
      mtask::Task{.name = "gen", .command = "gen", .index = 3},
      mtask::Task{.name = "db", .command = "db", .index = 4, .ready = "line:up"}};
  tasks[3].ready_timeout = 1min;  // "exit", with a limit of its own
  tasks[4].needed_only = true;
  const mtask::PlanDefaults defaults{.ready_timeout = 10s};
  const auto json = lines_of(mtask::plan_json(tasks, defaults));
  REQUIRE(json.size() == 5);
  CHECK(nlohmann::json::parse(json[0])["ready_timeout_s"] == 10.0);    // the run's default
  CHECK(nlohmann::json::parse(json[1])["ready_timeout_s"].is_null());  // "exit": no limit
  CHECK(nlohmann::json::parse(json[2])["ready_timeout_s"].is_null());  // "started": no limit
  CHECK(nlohmann::json::parse(json[3])["ready_timeout_s"] == 60.0);
  CHECK(json[3].ends_with(R"("shard":null,"needed_only":false})"));
  CHECK(json[4].ends_with(R"("shard":null,"needed_only":true})"));
  const auto rows = lines_of(mtask::plan_table(tasks, defaults));
  REQUIRE(rows.size() == 6);
  CHECK(rows[1].find("  service, tcp:8000 (10s)  ") != std::string::npos);
  CHECK(rows[2].find("  exit  ") != std::string::npos);
  CHECK(rows[3].find("  service  ") != std::string::npos);
  CHECK(rows[4].find("  exit (1m)  ") != std::string::npos);
  CHECK(rows[5].find("  line:up (10s)  ") != std::string::npos);
}
