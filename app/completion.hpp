#pragma once
// `mtask completion bash|zsh|fish`: a completion script for each shell, written from the
// CLI11 declarations of cli.cpp (commands, options, their values) so that it cannot drift from
// them (docs/usage.md, "Shell completion").

#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace app {

/// Whether an option takes a value, and how.
enum class ValueKind {
  kNone,      ///< a flag
  kRequired,  ///< `--jobs N`, `--jobs=N`
  kOptional,  ///< `--timestamps`, `--timestamps=wall`
};

/// One option as the completions see it.
struct OptionSpec {
  std::vector<std::string> long_names;   ///< with their dashes: "--color", "--colour"
  std::vector<std::string> short_names;  ///< "-o"
  std::string description;               ///< one line
  std::string value_name;                ///< "N", "FILE", "KIND"; empty for a flag
  ValueKind value = ValueKind::kNone;
  std::vector<std::string> choices;  ///< the values a choice option accepts
  bool files = false;                ///< its value is a FILE
  /// Its value is a task's NAME (--service NAME) or starts with one (--ready NAME=PROBE): the
  /// names of the task file's tasks are offered, each followed by `after_name` ("" or "=").
  bool task_name = false;
  std::string after_name;
  bool repeatable = false;  ///< given again it counts again (-vv)
};

/// A command (or mtask itself) as the completions see it.
struct CommandSpec {
  std::string name;  ///< "run"; empty for mtask itself
  std::string description;
  std::vector<OptionSpec> options;
  std::vector<std::string> operand_choices;  ///< the words an operand may be (bash zsh fish)
  /// Its operands are TASKs: each script calls one function for them, which offers the names
  /// of the tasks of the task file, asking `mtask list -o json` (docs/usage.md).
  bool tasks = false;
  std::vector<CommandSpec> commands;  ///< the subcommands, for mtask itself
};

/// The shells `mtask completion` writes for: bash, zsh, fish.
const std::vector<std::string>& completion_shells();

/// What the completions know of `app` and its subcommands, in the order they were declared.
CommandSpec describe_commands(CLI::App& app);

/// The completion script for `shell` (one of completion_shells()) from `mtask`'s description.
std::string completion_script(const CommandSpec& mtask, std::string_view shell);

/// `mtask completion SHELL`: writes the script to standard output (whether it got there is
/// checked with the rest of what mtask prints before a run, in main.cpp).
void print_completion(CLI::App& app, std::string_view shell);

/// `list` joined by single spaces.
std::string words(const std::vector<std::string>& list);
/// `text` as one word in a POSIX shell's single quotes (bash and zsh scripts).
std::string sh_quoted(const std::string& text);

/// The scripts for each shell (completion_bash.cpp, completion_zsh.cpp, completion_fish.cpp).
std::string bash_script(const CommandSpec& mtask);
std::string zsh_script(const CommandSpec& mtask);
std::string fish_script(const CommandSpec& mtask);

}  // namespace app
