// What the shell completions read from the CLI11 declarations (app/completion.hpp): the
// commands, and for each option whether it takes a value, the names a choice option accepts,
// FILE values and counting flags. The scripts themselves are run in their shells by
// test/e2e/test_completion.cpp.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cli.hpp"
#include "completion.hpp"

namespace {

using Names = std::vector<std::string>;

const app::CommandSpec& command(const app::CommandSpec& mtask, const std::string& name) {
  const auto found = std::find_if(mtask.commands.begin(), mtask.commands.end(),
                                  [&](const app::CommandSpec& c) { return c.name == name; });
  REQUIRE(found != mtask.commands.end());
  return *found;
}

const app::OptionSpec& option(const app::CommandSpec& command, const std::string& name) {
  const auto found =
      std::find_if(command.options.begin(), command.options.end(), [&](const app::OptionSpec& o) {
        return std::find(o.long_names.begin(), o.long_names.end(), name) != o.long_names.end();
      });
  REQUIRE(found != command.options.end());
  return *found;
}

}  // namespace

TEST_CASE("the completions know mtask's commands and its own options") {
  app::Cli cli;
  const app::CommandSpec mtask = app::describe_commands(cli.app());
  CHECK(mtask.name.empty());
  REQUIRE(mtask.commands.size() == 3);
  CHECK(mtask.commands[0].name == "run");
  CHECK(mtask.commands[1].name == "list");
  CHECK(mtask.commands[2].name == "completion");
  CHECK(option(mtask, "--version").value == app::ValueKind::kNone);
  CHECK(option(mtask, "--help").short_names == Names{"-h"});
}

TEST_CASE("the completions read each choice option's names back from its declaration") {
  app::Cli cli;
  const app::CommandSpec mtask = app::describe_commands(cli.app());
  const app::CommandSpec& run = command(mtask, "run");
  CHECK(option(run, "--output").choices == Names{"text", "json"});
  CHECK(option(run, "--output").short_names == Names{"-o"});
  CHECK(option(run, "--color").choices == Names{"auto", "always", "never"});
  CHECK(option(run, "--color").long_names == Names{"--color", "--colour"});
  CHECK(option(run, "--timestamps").choices == Names{"elapsed", "wall"});
  CHECK(option(run, "--timestamps").value == app::ValueKind::kOptional);
  CHECK(option(run, "--jobs").value == app::ValueKind::kRequired);
  CHECK(option(run, "--jobs").choices.empty());
  CHECK(command(mtask, "completion").operand_choices == Names{"bash", "zsh", "fish"});
  CHECK(command(mtask, "completion").operand_choices == app::completion_shells());
}

TEST_CASE("the completions know FILE values, flags, counting flags and TASK operands") {
  app::Cli cli;
  const app::CommandSpec mtask = app::describe_commands(cli.app());
  const app::CommandSpec& run = command(mtask, "run");
  for (const std::string name : {"--junit", "--joblog", "--timeline-svg", "--trace"}) {
    INFO(name);
    CHECK(option(run, name).files);
    CHECK(option(run, name).value == app::ValueKind::kRequired);
  }
  CHECK_FALSE(option(run, "--cores").files);
  // Task names for --service NAME, and before the '=' of --ready NAME=PROBE and --needs.
  CHECK(option(run, "--service").task_name);
  CHECK(option(run, "--service").after_name.empty());
  CHECK(option(run, "--service").repeatable);
  CHECK(option(run, "--needs").task_name);
  CHECK(option(run, "--needs").after_name == "=");
  CHECK(option(command(mtask, "list"), "--ready").after_name == "=");
  CHECK_FALSE(option(run, "--ready-timeout").task_name);
  CHECK(option(run, "--fail-fast").value == app::ValueKind::kNone);
  CHECK(option(run, "--verbose").repeatable);
  CHECK_FALSE(option(run, "--quiet").repeatable);
  CHECK(run.tasks);
  CHECK_FALSE(command(mtask, "completion").tasks);
}

TEST_CASE("mtask completion takes exactly one known shell") {
  const auto parse = [](std::vector<std::string> args) {
    app::Cli cli;
    cli.parse(std::move(args));
    return cli.values().completion;
  };
  CHECK(parse({"completion", "zsh"}) == "zsh");
  CHECK_FALSE(parse({"run", "sing"}).has_value());
  CHECK_THROWS_WITH(parse({"completion"}),
                    "no shell given (use: mtask completion bash, zsh or fish)");
  CHECK_THROWS_WITH(parse({"completion", "tcsh"}),
                    "SHELL: 'tcsh': unknown shell (use bash, zsh or fish)");
  CHECK_THROWS_WITH(parse({"completion", "bash", "zsh"}),
                    "unexpected argument 'zsh' (use: mtask completion SHELL)");
}

TEST_CASE("a completion script for each shell, and none for another") {
  app::Cli cli;
  const app::CommandSpec mtask = app::describe_commands(cli.app());
  CHECK(app::completion_script(mtask, "bash").find("complete -F _mtask mtask") !=
        std::string::npos);
  CHECK(app::completion_script(mtask, "zsh").starts_with("#compdef mtask\n"));
  CHECK(app::completion_script(mtask, "fish").find("complete -c mtask -f") != std::string::npos);
  CHECK_THROWS_AS(app::completion_script(mtask, "tcsh"), std::invalid_argument);
}
