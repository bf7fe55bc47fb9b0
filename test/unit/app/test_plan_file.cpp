// The tasks of a task file as make_config() decides them: which file, which tasks, and what
// of [run] the command line overrides. The files live in a made-up file system.
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cli.hpp"
#include "mtask/error.hpp"
#include "options.hpp"

using namespace std::chrono_literals;

namespace {

/// Files by path ("-": standard input), and the directories a cwd may name.
struct Files {
  std::map<std::string, std::string> files;
  std::vector<std::string> dirs;
};

app::Surroundings around(const Files& files) {
  app::Surroundings around;
  around.allowed_cpus = [] { return std::vector<int>{0}; };
  around.cannot_write_report = [](const std::string&, mtask::ReportWriting) {
    return std::string();
  };
  around.read_file = [files](const std::string& path) -> std::optional<std::string> {
    if (path == "locked.toml") throw mtask::UsageError("Permission denied");
    const auto found = files.files.find(path);
    if (found == files.files.end()) return std::nullopt;
    return found->second;
  };
  around.cannot_enter = [files](const std::string& path) {
    return std::ranges::find(files.dirs, path) == files.dirs.end() ? "No such file or directory"
                                                                   : "";
  };
  return around;
}

app::Config config_of(std::vector<std::string> args, const Files& files) {
  app::Cli cli;
  cli.parse(std::move(args));
  return app::make_config(cli.values(), around(files));
}

std::string error_of(std::vector<std::string> args, const Files& files) {
  try {
    config_of(std::move(args), files);
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

const Files kProject{{{"mtask.toml", R"([run]
jobs = 5
count = 2
timeout = "10s"
fail_fast = true

[tasks.db]
run = "./db"
service = true

[tasks.build]
run = "make"
cwd = "src"

[tasks.api]
run = "./api"
needs = ["db", "build"]

[tasks.smoke]
run = "./smoke"
needs = ["api"]

[tasks.docs]
count = 4
)"}},
                     {"src", "/abs"}};

}  // namespace

TEST_CASE("with no TASK, ./mtask.toml gives the tasks and [run] the defaults", "[app][plan]") {
  const app::Config config = config_of({"list"}, kProject);
  CHECK(names(config) == std::vector<std::string>{"db", "build", "api", "smoke", "docs"});
  CHECK(config.tasks[2].index == 2);
  CHECK(config.tasks[2].count == 2);  // [run] count
  CHECK(config.tasks[4].count == 4);  // its own
  CHECK(config.tasks[1].cwd == "src");
  CHECK(config.run.jobs == 5);
  CHECK(config.run.timeout == 10s);
  CHECK(config.run.fail_fast);
}

TEST_CASE("options on the command line win over [run]", "[app][plan]") {
  const app::Config config = config_of(
      {"run", "-j", "3", "-n", "1", "--timeout", "0", "-f", "mtask.toml", "docs", "build"},
      kProject);
  CHECK(config.run.jobs == 3);
  CHECK(config.run.timeout == 0s);
  CHECK(config.tasks[0].count == 1);  // build gives none: -n
  CHECK(config.tasks[1].count == 4);  // docs gives its own
}

TEST_CASE("TASKs beside -f select tasks by NAME, with what they need, in file order",
          "[app][plan]") {
  CHECK(names(config_of({"list", "-f", "mtask.toml", "smoke"}, kProject)) ==
        std::vector<std::string>{"db", "build", "api", "smoke"});
  const app::Config config = config_of({"list", "-f", "mtask.toml", "docs", "build"}, kProject);
  CHECK(names(config) == std::vector<std::string>{"build", "docs"});
  CHECK(config.tasks[1].index == 1);
  CHECK(error_of({"list", "-f", "mtask.toml", "smok"}, kProject) ==
        "'smok': no task of that name in mtask.toml (did you mean 'smoke'?); its tasks: db, "
        "build, api, smoke, docs");
  CHECK(error_of({"list", "-f", "mtask.toml", "docs:2"}, kProject) ==
        "'docs:2': with a task file, a TASK is the NAME of one of its tasks (the file gives the "
        "rest)");
}

TEST_CASE("mtask run and mtask list take services, ready and needs", "[app][plan]") {
  const app::Config config = config_of({"run", "-f", "mtask.toml", "smoke"}, kProject);
  REQUIRE(names(config) == std::vector<std::string>{"db", "build", "api", "smoke"});
  CHECK(config.tasks[0].service);
  CHECK(config.tasks[2].needs == std::vector<std::string>{"db", "build"});
  CHECK(error_of({"list"}, kProject).empty());
}

TEST_CASE("which file is read, and how", "[app][plan]") {
  const Files files{{{"ci/tasks.toml", "[tasks.a]\ncwd = 'out'\n[tasks.b]\ncwd = '/abs'\n"},
                     {"-", "x=echo x\n"},
                     {"Procfile", "web: ./web\n"},
                     {"any", "web: ./web\n"}},
                    {"ci/out", "/abs"}};
  // A relative cwd is relative to the file's directory; an absolute one is kept.
  const app::Config ci = config_of({"run", "-f", "ci/tasks.toml"}, files);
  CHECK(ci.tasks[0].cwd == "ci/out");
  CHECK(ci.tasks[1].cwd == "/abs");
  CHECK(config_of({"run", "-f", "-"}, files).tasks[0].command == "echo x");
  CHECK(config_of({"run", "-f", "Procfile"}, files).tasks[0].command == "./web");
  CHECK(config_of({"run", "-f", "any"}, files).tasks[0].command == "./web");
  CHECK(error_of({"run", "-f", "any", "--format", "list"}, files)
            .starts_with("any:1:1: 'web: ./web': "));
  CHECK(error_of({"run", "-f", "nope.toml"}, files) ==
        "-f 'nope.toml': cannot read it: No such file or directory");
  CHECK(error_of({"run", "-f", "locked.toml"}, files) ==
        "-f 'locked.toml': cannot read it: Permission denied");
  CHECK(
      error_of({"run", "-f", "-", "y"}, files).starts_with("'y': no task of that name in <stdin>"));
  CHECK(error_of({"run"}, Files{}) ==
        "no TASK given and no ./mtask.toml (e.g. mtask run sing:3 dance:3)");
  CHECK(error_of({"run"}, files) ==
        "no TASK given and no ./mtask.toml (e.g. mtask run sing:3 dance:3); a Procfile is here: "
        "mtask run -f Procfile");
  // TASKs without -f are the tasks: no file is read, and --format has nothing to act on.
  CHECK(config_of({"run", "sing:1"}, kProject).tasks[0].name == "sing");
  CHECK(error_of({"run", "--format", "toml", "sing:1"}, kProject) ==
        "--format: there is no task file to read (TASKs were given, no -f)");
  CHECK(error_of({"run", "-f", "ci/tasks.toml"}, Files{files.files, {}}) ==
        "ci/tasks.toml:2:7: cwd 'out': No such file or directory");
}

TEST_CASE("the NAME=COMMAND hint is given for a list, not for mtask.toml", "[app][plan]") {
  const Files files{{{"mtask.toml", "[tasks.make]\ncount = 1\n"}, {"list.txt", "make:1\n"}}, {}};
  const auto hints = [&files](const std::string& file) {
    app::Surroundings with_make = around(files);
    with_make.is_command = [](const std::string& name) { return name == "make"; };
    app::Cli cli;
    cli.parse({"run", "-f", file});
    return app::make_config(cli.values(), with_make).hints;
  };
  CHECK(hints("mtask.toml").empty());
  REQUIRE(hints("list.txt").size() == 1);
  CHECK(hints("list.txt")[0] ==
        "'make' is a built-in demo task; to run the command write 'make=make'");
}
