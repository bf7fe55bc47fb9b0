// --service, --ready, --needs and --ready-timeout through make_config: on TASKs of the command
// line and on the tasks of a task file, the command line winning; every mistake one usage
// error that names the option and its value. --shard and --resume-failed bring what a slice
// needs.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cli.hpp"
#include "mtask/error.hpp"
#include "options.hpp"

using namespace std::chrono_literals;

namespace {

app::Surroundings around(std::map<std::string, std::string> files = {}) {
  app::Surroundings around;
  around.cannot_write_report = [](const std::string&, mtask::ReportWriting) {
    return std::string();
  };
  around.read_file = [files](const std::string& path) -> std::optional<std::string> {
    const auto found = files.find(path);
    if (found == files.end()) return std::nullopt;
    return found->second;
  };
  around.cannot_enter = [](const std::string&) { return std::string(); };
  return around;
}

app::Config config_of(std::vector<std::string> args, const app::Surroundings& with = around()) {
  app::Cli cli;
  cli.parse(std::move(args));
  return app::make_config(cli.values(), with);
}

std::string error_of(std::vector<std::string> args, const app::Surroundings& with = around()) {
  try {
    config_of(std::move(args), with);
  } catch (const mtask::UsageError& e) {
    return e.what();
  }
  return "";
}

std::vector<std::string> names(const app::Config& config) {
  std::vector<std::string> result;
  for (const mtask::Task& task : config.tasks) result.push_back(task.name);
  return result;
}

const std::vector<std::string> kSmoke = {"web=./serve", "db=./db", "smoke=./smoke"};

std::vector<std::string> with(std::vector<std::string> head,
                              const std::vector<std::string>& tail = kSmoke) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

const std::string kToml = R"([run]
ready_timeout = "45s"

[tasks.db]
run = "./db"
service = true
ready = "tcp:5432"

[tasks.web]
run = "./serve"
ready = "exit"

[tasks.smoke]
run = "./smoke"
needs = ["db"]

[tasks.docs]
run = "make docs"
)";

}  // namespace

TEST_CASE("the options --service --ready and --needs on TASKs of the command line",
          "[app][services]") {
  const app::Config config = config_of(
      with({"run", "--service", "web", "--ready", "web=tcp:8000", "--needs", "smoke=web,db",
            "--ready", "db=line:ready to accept", "--ready-timeout", "1m"}));
  REQUIRE(config.tasks.size() == 3);
  const mtask::Task& web = config.tasks[0];
  CHECK(web.service);
  CHECK(web.ready == "tcp:8000");
  CHECK(web.needs.empty());
  CHECK_FALSE(config.tasks[1].service);
  CHECK(config.tasks[1].ready == "line:ready to accept");
  CHECK(config.tasks[2].needs == std::vector<std::string>{"web", "db"});
  CHECK(config.run.ready_timeout == 1min);
  // The default of the run's timeout is 30 s.
  const app::Config again = config_of(with({"list", "--ready", "web=cmd:curl -fsS x"}));
  CHECK(again.tasks[0].ready == "cmd:curl -fsS x");
  CHECK(again.run.ready_timeout == 30s);
  CHECK(config_of(with({"run", "--ready-timeout", "0"})).run.ready_timeout == 0s);
}

TEST_CASE("the options win over the task file, and selection follows --needs", "[app][services]") {
  const auto files = around({{"mtask.toml", kToml}});
  const app::Config plain = config_of({"list"}, files);
  CHECK(plain.run.ready_timeout == 45s);  // [run] ready_timeout
  CHECK(plain.tasks[0].service);
  const app::Config config =
      config_of({"list", "--ready-timeout", "5s", "--needs", "smoke=web", "--service", "web",
                 "--ready", "web=tcp:8000", "--ready", "db=tcp:5433", "--service", "docs"},
                files);
  CHECK(config.run.ready_timeout == 5s);
  REQUIRE(names(config) == std::vector<std::string>{"db", "web", "smoke", "docs"});
  CHECK(config.tasks[0].service);  // the file's
  CHECK(config.tasks[0].ready == "tcp:5433");
  CHECK(config.tasks[1].service);
  CHECK(config.tasks[1].ready == "tcp:8000");
  CHECK(config.tasks[2].needs == std::vector<std::string>{"web"});  // replaced, not added
  CHECK(config.tasks[3].service);
  // Selecting smoke brings what --needs says it needs, and no longer db.
  const app::Config selected = config_of({"run", "smoke", "--needs", "smoke=web"}, files);
  REQUIRE(names(selected) == std::vector<std::string>{"web", "smoke"});
  CHECK(selected.tasks[0].index == 0);
  CHECK(selected.tasks[1].index == 1);
  CHECK(names(config_of({"run", "smoke", "--needs", "smoke="}, files)) ==
        std::vector<std::string>{"smoke"});
}

TEST_CASE("a mistake in --service, --ready or --needs is one usage error naming it",
          "[app][services]") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--service", "wbe"}, "--service 'wbe': 'wbe' is no task (did you mean 'web'?)"},
      {{"--service", "nginx"}, "--service 'nginx': 'nginx' is no task"},
      {{"--service", ""}, "--service '': needs a value"},
      {{"--ready", "web"}, "--ready 'web': expected NAME=PROBE (e.g. web=tcp:8000)"},
      {{"--ready", "=tcp:80"}, "--ready '=tcp:80': expected NAME=PROBE (e.g. web=tcp:8000)"},
      {{"--ready", "smok=exit"}, "--ready 'smok=exit': 'smok' is no task (did you mean 'smoke'?)"},
      {{"--ready", "web=http:80"},
       "--ready 'web=http:80': unknown probe (use exit, tcp:PORT, tcp:HOST:PORT, line:REGEX or "
       "cmd:COMMAND)"},
      {{"--ready", "web=tcp:99999"},
       "--ready 'web=tcp:99999': tcp: the PORT must be a number from 1 to 65535"},
      {{"--ready", "web=line:a(b"},
       "--ready 'web=line:a(b': line: not a POSIX extended regular expression: "},
      {{"--service", "web", "--ready", "web=exit"},
       "--ready 'web=exit': exit: a service is never ready by ending (it runs until the run is "
       "over)"},
      {{"--needs", "smoke"}, "--needs 'smoke': expected NAME=A,B (e.g. smoke=web,db)"},
      {{"--needs", "smoke=wbe"}, "--needs 'smoke=wbe': 'wbe' is no task (did you mean 'web'?)"},
      {{"--needs", "smoke=web,,db"}, "--needs 'smoke=web,,db': a NAME between commas is empty"},
      {{"--needs", "smoke=smoke"}, "--needs 'smoke=smoke': task 'smoke' needs itself"},
      {{"--needs", "web=smoke", "--needs", "smoke=db", "--needs", "db=web"},
       "--needs: tasks need each other in a cycle: web -> smoke -> db -> web"},
      {{"--ready-timeout", "soon"},
       "--ready-timeout 'soon': duration must start with a number (e.g. 500ms or 1.5)"},
  };
  for (const auto& [args, message] : cases) {
    std::vector<std::string> line = {"run"};
    line.insert(line.end(), args.begin(), args.end());
    const std::string error = error_of(with(line));
    INFO(error);
    CHECK(error.starts_with(message));
    CHECK((message.ends_with(": ") || error == message));
  }
  // A NAME that two tasks share cannot say which.
  CHECK(error_of({"run", "--needs", "web=db", "web=a", "web=b", "db=c"}) ==
        "--needs 'web=db': 'web' names 2 tasks (give each its own NAME)");
  CHECK(error_of({"run", "--service", "web", "web=a", "web=b"}) ==
        "--service 'web': 'web' names 2 tasks (give each its own NAME)");
  // ... but as a need it names both.
  CHECK(error_of({"run", "--needs", "check=web", "web=a", "web=b", "check=c"}).empty());
}

TEST_CASE("on a task file, the mistakes name the option too", "[app][services]") {
  const auto files = around({{"mtask.toml", kToml}});
  CHECK(error_of({"run", "--service", "web"}, files) ==
        "--service 'web': its ready is 'exit', and a service is never ready by ending (give it "
        "another with --ready 'web=PROBE')");
  CHECK(error_of({"run", "--service", "web", "--ready", "web=tcp:80"}, files).empty());
  CHECK(error_of({"run", "--needs", "db=smoke"}, files) ==
        "--needs: tasks need each other in a cycle: db -> smoke -> db");
  CHECK(error_of({"run", "--needs", "smoke=doc"}, files) ==
        "--needs 'smoke=doc': 'doc' is no task (did you mean 'docs'?)");
}

TEST_CASE("a NAME given twice to --ready or --needs is a usage error", "[app][services]") {
  CHECK(error_of(with({"run", "--ready", "web=tcp:80", "--ready", "web=tcp:81"})) ==
        "--ready 'web=tcp:81': 'web' is given to --ready twice (give each NAME once)");
  CHECK(error_of(with({"run", "--needs", "smoke=web", "--needs", "smoke=db"})) ==
        "--needs 'smoke=db': 'smoke' is given to --needs twice (give each NAME once)");
  // One NAME each, or the same NAME once to each option, is fine.
  CHECK(error_of(with({"run", "--service", "web", "--ready", "web=tcp:80", "--ready", "db=tcp:81",
                       "--needs", "web=db"}))
            .empty());
}

TEST_CASE("a task with a watching probe that is no service gets a hint", "[app][services]") {
  const app::Config config =
      config_of({"run", "-j", "1", "--ready", "web=tcp:18476", "--needs", "check=web",
                 "web=python3 -m http.server 18476", "check=curl x"});
  CHECK(config.hints ==
        std::vector<std::string>{
            "'web' has a readiness probe (tcp:18476) but is no service: the run waits for it to "
            "end; if it runs until stopped, make it a service (--service web, or service = "
            "true)"});
  // A service, an explicit exit, or -q: no hint.
  CHECK(config_of(with({"run", "--service", "web", "--ready", "web=tcp:80"})).hints.empty());
  CHECK(config_of(with({"run", "--ready", "web=exit"})).hints.empty());
  CHECK(config_of(with({"run", "-q", "--ready", "web=line:up"})).hints.empty());
  CHECK(config_of({"run", "-f", "mtask.toml"},
                  around({{"mtask.toml", "[tasks.db]\nrun = 'x'\nready = 'line:up'\n"}}))
            .hints.size() == 1);
}
