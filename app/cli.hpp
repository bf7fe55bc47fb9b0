#pragma once
// mtask's command line as CLI11 declares it: the commands, their options, and the raw values
// they fill. Checking the values and turning them into a run is options.hpp's work.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "mtask/plan/task_file.hpp"
#include "mtask/report/colour.hpp"
#include "mtask/report/text_reporter.hpp"

namespace app {

/// `--output`: the format of standard output.
enum class OutputFormat { kText, kJson };

/// What the user asked for. Choices among names (--output, --color, --timestamps) are already
/// checked by CLI11; every other value is a string that mtask's own parsers check
/// (make_config()), so that every message names the rule and every usage error exits 2.
struct CommandLine {
  std::vector<std::string> tasks;
  /// `mtask list` rather than `mtask run`.
  bool list = false;
  /// With no TASK given: what to say when there is no task file either ("no TASK given ...").
  std::string no_task;
  // Where the tasks come from, and what of them runs (docs/tasks.md)
  std::optional<std::string> file;
  std::optional<mtask::TaskFileFormat> format;  ///< `--format` (docs/tasks.md)
  std::optional<std::string> retries;
  std::optional<std::string> retry_delay;
  std::optional<std::string> shard;
  std::optional<std::string> resume_failed;
  // Services, readiness and needs (docs/tasks.md, "Services and needs"): each as given.
  std::vector<std::string> services;  ///< --service NAME, repeatable
  std::vector<std::string> readies;   ///< --ready NAME=PROBE, repeatable
  std::vector<std::string> needs;     ///< --needs NAME=A,B, repeatable
  std::optional<std::string> ready_timeout;
  /// The long options given as `--name=VALUE` ("--junit"): their value was meant as one.
  std::vector<std::string> with_equals;
  std::optional<std::string> jobs;
  std::optional<std::string> count;
  std::optional<std::string> interval;
  std::optional<std::string> timeout;
  std::optional<std::string> kill_after;
  bool fail_fast = false;
  OutputFormat output = OutputFormat::kText;
  int verbose = 0;
  bool quiet = false;
  // Reports and the look of the output
  std::optional<std::string> junit;
  std::optional<std::string> joblog;
  bool group = false;
  mtask::ColourMode colour = mtask::ColourMode::kAuto;
  mtask::Timestamps timestamps = mtask::Timestamps::kNone;
  bool progress = false;
  bool no_progress = false;
  // Seeing the lesson
  bool busy = false;
  std::optional<std::string> cores;
  bool timeline = false;
  bool ascii = false;
  std::optional<std::string> timeline_svg;
  std::optional<std::string> timeline_scale;
  std::optional<std::string> trace;
  bool explain = false;
  // `mtask completion SHELL`
  std::optional<std::string> completion;  ///< the shell, when that command was given
};

/// The command line: `mtask [--help|--version]`, `mtask run [OPTIONS] [TASK...]`,
/// `mtask list [OPTIONS] [TASK...]` and `mtask completion SHELL`.
class Cli {
 public:
  Cli();
  Cli(const Cli&) = delete;
  Cli& operator=(const Cli&) = delete;

  /// Parses the arguments (argv without the program's name) into values(). Throws CLI::Success
  /// for --help and --version (see exit()), and mtask::UsageError for everything else wrong,
  /// in mtask's words (cli_messages.hpp): what CLI11 refuses, a flag given a value, no command
  /// or an unknown one, an unknown option (each with a did-you-mean when one is close). No TASK
  /// is no error here: a task file may give them (CommandLine::no_task).
  void parse(std::vector<std::string> args);

  /// Prints what --help or --version asked for (or CLI11's own message); returns the status.
  int exit(const CLI::Error& error) { return app_.exit(error); }

  const CommandLine& values() const { return values_; }

  /// The commands and options as declared, for the completions to walk (completion.hpp).
  CLI::App& app() { return app_; }

  /// The command whose --help an error points to: "completion" or "list" when the arguments
  /// named it, else "run".
  const std::string& command() const { return command_; }

 private:
  /// `mtask completion`: exactly one SHELL and nothing after it.
  void check_completion(const std::vector<std::string>& after_dashes);

  CommandLine values_;
  CLI::App app_;
  CLI::App* run_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* completion_ = nullptr;
  std::string command_ = "run";
};

/// The names a choice option accepts (`--output`: text, json), in their order; empty for any
/// other option.
std::vector<std::string> choice_names(CLI::Option& option);

/// Everything after the first "--" is a TASK, whatever it looks like: moved from `args` to
/// `tasks`. (CLI11 2.1 refuses positionals after "--" once one was given before it.)
void split_at_dashes(std::vector<std::string>& args, std::vector<std::string>& tasks);

/// What mtask prints for a usage error: "mtask: " and `message` on one line, control
/// characters escaped, then a line that points to the --help of `command`.
std::string usage_message(std::string_view message, std::string_view command = "run");

}  // namespace app
