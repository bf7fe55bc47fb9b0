// The CLI11 declarations of mtask's commands and options.
#include "cli.hpp"

#include <algorithm>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include "cli_messages.hpp"
#include "completion.hpp"
#include "mtask/error.hpp"
#include "version.hpp"

namespace app {
namespace {

template <typename T>
using Choices = std::vector<std::pair<std::string, T>>;

/// choice() names its validator this, then the names it accepts, each followed by a newline:
/// a CLI::Validator cannot be read back, and the completions offer these names.
constexpr std::string_view kChoicePrefix = "mtask-choice\n";

/// A CLI11 transform that accepts only the names of `choices` and turns each into its value:
/// CLI::IsMember checks, CLI::Transformer maps. The message is mtask's own: the value quoted,
/// then `rule`, as in every usage error.
template <typename T>
CLI::Validator choice(const Choices<T>& choices, std::string rule) {
  std::vector<std::string> names;
  std::string validator_name(kChoicePrefix);
  for (const auto& [name, value] : choices) {
    names.push_back(name);
    validator_name += name + "\n";
  }
  const CLI::Validator check = CLI::IsMember(names) & CLI::Transformer(choices);
  return CLI::Validator(
      [check, rule = std::move(rule)](std::string& value) {
        const std::string given = value;
        if (check(value).empty()) return std::string();
        return fmt::format("{}: {}", mtask::quote_arg(given), rule);
      },
      "", validator_name);
}

/// CLI11's help without what only CLI11 needs: the "Excludes: ..." it writes beside an
/// option's name (too wide for the column of names, and a command line that gives both says
/// so), the "=elapsed" of a value that may be left out, and the second blank line it puts
/// between groups; "command" for what CLI11 calls a subcommand. A blank line parts the
/// description from the usage.
class Help final : public CLI::Formatter {
 public:
  Help() {
    // mtask's words for what CLI11 calls a subcommand.
    label("SUBCOMMAND", "COMMAND");
  }
  std::string make_option_opts(const CLI::Option* option) const override {
    std::string opts = CLI::Formatter::make_option_opts(option);
    if (const auto at = opts.find(" Excludes:"); at != std::string::npos) opts.erase(at);
    const std::string shown_default = "=" + option->get_default_str();
    if (const auto at = opts.find(shown_default); at != std::string::npos && shown_default != "=") {
      opts.erase(at, shown_default.size());
    }
    return opts;
  }
  std::string make_description(const CLI::App* app) const override {
    const std::string description = CLI::Formatter::make_description(app);
    return description.empty() ? description : description + "\n";
  }
  std::string make_help(const CLI::App* app, std::string name,
                        CLI::AppFormatMode mode) const override {
    std::string help = CLI::Formatter::make_help(app, std::move(name), mode);
    for (auto at = help.find("\n\n\n"); at != std::string::npos; at = help.find("\n\n\n", at)) {
      help.erase(at, 1);
    }
    if (const auto at = help.find("\nSubcommands:\n"); at != std::string::npos) {
      help.replace(at, 14, "\nCommands:\n");
    }
    return help;
  }
};

/// `-o, --output`: text or json.
void add_output_option(CLI::App& command, CommandLine& cli, const std::string& help) {
  command.add_option("-o,--output", cli.output, help)
      ->type_name("FORMAT")
      ->transform(choice(
          Choices<OutputFormat>{{"text", OutputFormat::kText}, {"json", OutputFormat::kJson}},
          "unknown format (use text or json)"));
}

/// A repeatable option with one value each time (`--service web --service db`): CLI11 would
/// otherwise take every TASK that follows as another value.
CLI::Option* add_repeated(CLI::App& command, const std::string& name,
                          std::vector<std::string>& values, const std::string& help,
                          const std::string& type) {
  return command.add_option(name, values, help)
      ->type_name(type)
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

/// The options of `run` and `list` for services, readiness and needs (docs/tasks.md,
/// "Services and needs"): each names a task of the list, whoever gives it.
void add_service_options(CLI::App& command, CommandLine& cli) {
  add_repeated(command, "--service", cli.services,
               "The task NAME is a service: it runs until the other tasks are done, then is "
               "stopped",
               "NAME");
  add_repeated(command, "--ready", cli.readies,
               "When the task NAME is ready for those that need it: exit (it ended with status "
               "0), tcp:PORT or tcp:HOST:PORT (a connection succeeds), line:REGEX (a line of "
               "its output matches; POSIX extended regex) or cmd:COMMAND (exits 0)",
               "NAME=PROBE");
  add_repeated(command, "--needs", cli.needs,
               "Start the task NAME once the tasks A, B... are ready (replaces its needs)",
               "NAME=A,B");
  command
      .add_option("--ready-timeout", cli.ready_timeout,
                  "How long a probe waits for a task that gives no time of its own (default "
                  "30s; 0: no limit)")
      ->type_name("DURATION");
}

/// The options of `run` and `list` that choose the tasks: from the command line or a task
/// file, with their defaults, retries and shard (docs/tasks.md).
void add_plan_options(CLI::App& command, CommandLine& cli) {
  command
      .add_option("TASK", cli.tasks,
                  "NAME[:COUNT][@INTERVAL][=COMMAND], e.g. sing:3 dance:3@200ms 'lint=make lint'; "
                  "with a task file, the NAMEs of its tasks to run")
      ->type_name("");
  command.allow_extras();
  command
      .add_option("-f,--file", cli.file,
                  "Read the tasks from FILE (- for standard input; default ./mtask.toml when no "
                  "TASK or only NAMEs are given)")
      ->type_name("FILE");
  command
      .add_option("--format", cli.format,
                  "The format of the task file: toml, procfile or list (default: from the "
                  "file's name or its first line)")
      ->type_name("FORMAT")
      ->transform(
          choice(Choices<mtask::TaskFileFormat>{{"toml", mtask::TaskFileFormat::kToml},
                                                {"procfile", mtask::TaskFileFormat::kProcfile},
                                                {"list", mtask::TaskFileFormat::kList}},
                 "unknown format (use toml, procfile or list)"));
  command.add_option("-n,--count", cli.count, "COUNT for tasks that do not give one")
      ->type_name("N");
  command
      .add_option("-i,--interval", cli.interval,
                  "INTERVAL for tasks that do not give one (e.g. 200ms, 0.5, 1s)")
      ->type_name("DURATION");
  command
      .add_option("--timeout", cli.timeout,
                  "Stop a task still running after DURATION; it counts as failed (0: never)")
      ->type_name("DURATION");
  command.add_option("--retries", cli.retries, "Run a task that fails again, up to N more times")
      ->type_name("N");
  command
      .add_option("--retry-delay", cli.retry_delay,
                  "Wait DURATION before running a failed task again (default 0)")
      ->type_name("DURATION");
  command
      .add_option("--shard", cli.shard,
                  "Only the K-th of N slices of the tasks (K/N), or auto: from the CI's variables")
      ->type_name("K/N|auto");
  command
      .add_option("--resume-failed", cli.resume_failed,
                  "Only the tasks that failed or did not run according to the job log FILE")
      ->type_name("FILE");
  add_service_options(command, cli);
}

/// The options of `run` that choose how the tasks run.
void add_run_options(CLI::App& run, CommandLine& cli) {
  run.add_option("-j,--jobs", cli.jobs,
                 "At most N tasks at once, services not counted (default: all)")
      ->type_name("N");
  run.add_option("--kill-after", cli.kill_after,
                 "Grace between SIGTERM and SIGKILL when stopping a task (default 2s)")
      ->type_name("DURATION");
  run.add_flag("--fail-fast", cli.fail_fast, "The first task that fails stops all others");
  add_output_option(run, cli, "Standard output format: text or json");
  CLI::Option* quiet = run.add_flag("-q,--quiet", cli.quiet, "Only errors in mtask's own log");
  run.add_flag("-v,--verbose", cli.verbose, "More of mtask's own log (repeat for more)")
      ->excludes(quiet);
  run.footer(
      "Exit status: 0 all tasks exited 0; 1 a task failed; 2 usage error; 3 system error;\n"
      "128+N stopped by signal N. MTASK_LOG_LEVEL=trace|debug|info|warn|error|off sets the log.");
}

/// The options of `run` that choose reports and the look of the output.
void add_report_options(CLI::App& run, CommandLine& cli) {
  run.add_option("--junit", cli.junit, "Also write a JUnit XML report to FILE (for CI)")
      ->type_name("FILE")
      ->group("Reports");
  run.add_option("--joblog", cli.joblog,
                 "Also write one tab-separated row per task (per attempt) to FILE")
      ->type_name("FILE")
      ->group("Reports");
  run.add_flag("--group", cli.group, "Text: write each task's output as one block when it ends")
      ->group("Reports");
  run.add_option("--color,--colour", cli.colour,
                 "Colour: auto (stdout a terminal, NO_COLOR unset), always or never")
      ->type_name("WHEN")
      ->transform(choice(Choices<mtask::ColourMode>{{"auto", mtask::ColourMode::kAuto},
                                                    {"always", mtask::ColourMode::kAlways},
                                                    {"never", mtask::ColourMode::kNever}},
                         "unknown choice (use auto, always or never)"))
      ->group("Reports");
  run.add_option("--timestamps", cli.timestamps,
                 "Text: start each line with the time since start (elapsed) or the clock (wall)")
      ->expected(0, 1)
      ->default_str("elapsed")
      ->type_name("[KIND]")
      ->transform(choice(Choices<mtask::Timestamps>{{"elapsed", mtask::Timestamps::kElapsed},
                                                    {"wall", mtask::Timestamps::kWall}},
                         "unknown kind (use elapsed or wall; write --timestamps=wall, or put "
                         "TASKs first, when a TASK follows)"))
      ->group("Reports");
  CLI::Option* progress =
      run.add_flag("--progress", cli.progress,
                   "A live status line on stderr (a terminal only) however short the run")
          ->group("Reports");
  run.add_flag("--no-progress", cli.no_progress, "No live status line")
      ->excludes(progress)
      ->group("Reports");
}

/// The options that make the lesson visible: CPU-bound work, core limits, pictures of the run,
/// and the system calls told as they happen.
void add_lesson_options(CLI::App& run, CommandLine& cli) {
  run.add_flag("--busy", cli.busy,
               "Built-in tasks compute (keep a CPU busy) for each INTERVAL instead of sleeping")
      ->group("Seeing it");
  run.add_option("--cores", cli.cores,
                 "Pin every task to the first N CPUs mtask may use, or to a CPU list (0,2-3)")
      ->type_name("N|LIST")
      ->group("Seeing it");
  run.add_flag("--timeline", cli.timeline,
               "After the run, draw when each task lived and printed (text output only)")
      ->group("Seeing it");
  run.add_flag("--ascii", cli.ascii, "Draw the timeline with ASCII characters only")
      ->group("Seeing it");
  run.add_option("--timeline-svg", cli.timeline_svg, "Write the timeline as an SVG picture")
      ->type_name("FILE")
      ->group("Seeing it");
  run.add_option("--timeline-scale", cli.timeline_scale,
                 "Draw the timeline on a fixed time axis (to compare runs side by side)")
      ->type_name("DURATION")
      ->group("Seeing it");
  run.add_option("--trace", cli.trace,
                 "Write a Chrome trace-event JSON file (open it in Perfetto or chrome://tracing)")
      ->type_name("FILE")
      ->group("Seeing it");
  run.add_flag("--explain", cli.explain,
               "Tell on stderr the system calls behind the run: fork, getpid, wait4")
      ->group("Seeing it");
}

/// `mtask list`: the plan of a run, nothing forked (docs/tasks.md, "mtask list").
CLI::App* add_list_command(CLI::App& app, CommandLine& cli) {
  CLI::App* list =
      app.add_subcommand("list", "Show the tasks a run would start, and how; start nothing");
  add_plan_options(*list, cli);
  add_output_option(*list, cli, "The plan as a table (text) or JSON Lines (json)");
  list->footer("Exit status: 0 the plan is valid; 2 usage error (a bad TASK, option or file).");
  return list;
}

/// `mtask completion SHELL`: the completion script for a shell (completion.hpp).
CLI::App* add_completion_command(CLI::App& app, CommandLine& cli) {
  CLI::App* completion = app.add_subcommand("completion", "Print the completion script for SHELL");
  Choices<std::string> shells;
  for (const std::string& shell : completion_shells()) shells.emplace_back(shell, shell);
  completion->add_option("SHELL", cli.completion, "bash, zsh or fish")
      ->type_name("")
      ->transform(choice(shells, "unknown shell (use bash, zsh or fish)"));
  completion->footer("");  // not the main help's pointer to run's options
  return completion;
}

}  // namespace

Cli::Cli()
    : app_(
          "mtask runs several tasks at once, one child process each, and shows what happens:\n"
          "PIDs and PPIDs, interleaved output, how each task ended, and the time saved.",
          "mtask") {
  app_.set_version_flag("--version", version_line());
  app_.require_subcommand(0, 1);
  app_.allow_extras();
  app_.footer("Run 'mtask run --help' for the options of run.");
  app_.formatter(std::make_shared<Help>());
  run_ = app_.add_subcommand("run", "Run TASKs at the same time");
  add_plan_options(*run_, values_);
  add_run_options(*run_, values_);
  add_report_options(*run_, values_);
  add_lesson_options(*run_, values_);
  list_ = add_list_command(app_, values_);
  completion_ = add_completion_command(app_, values_);
}

void Cli::parse(std::vector<std::string> args) {
  std::vector<std::string> after_dashes;
  split_at_dashes(args, after_dashes);
  // The command the help hint of an error names: the first word that is not an option.
  const auto first_word = std::find_if(
      args.begin(), args.end(), [](const std::string& arg) { return !arg.starts_with("-"); });
  if (first_word != args.end() &&
      (*first_word == completion_->get_name() || *first_word == list_->get_name())) {
    command_ = *first_word;
  }
  reject_flag_values(app_, args);
  for (const std::string& arg : args) {
    if (const std::size_t equals = arg.find('='); arg.starts_with("--") && equals != arg.npos)
      values_.with_equals.push_back(arg.substr(0, equals));
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector in reverse order
  try {
    app_.parse(args);
  } catch (const CLI::Success&) {
    throw;
  } catch (const CLI::ParseError& error) {
    throw mtask::UsageError(parse_error_message(app_, error));
  }
  if (completion_->parsed()) return check_completion(after_dashes);
  // What CLI11 left over: an unknown command or option.
  const std::vector<std::string> rest = app_.remaining();
  CLI::App* command = run_->parsed() ? run_ : list_->parsed() ? list_ : nullptr;
  if (command == nullptr) {
    if (rest.empty()) throw mtask::UsageError("no command given (use: mtask run TASK...)");
    if (rest[0].starts_with("-")) throw mtask::UsageError(unknown_option(app_, run_, rest[0]));
    throw mtask::UsageError(unknown_command(app_, rest[0]));
  }
  values_.list = command == list_;
  // Before the command's name: an option of mtask's own that it does not have.
  if (!rest.empty()) throw mtask::UsageError(unknown_option(app_, command, rest[0]));
  if (const std::vector<std::string> extra = command->remaining(); !extra.empty()) {
    throw mtask::UsageError(unknown_option(*command, nullptr, extra[0]));
  }
  values_.tasks.insert(values_.tasks.end(), after_dashes.begin(), after_dashes.end());
  // No TASK: the tasks of a task file, or this error when there is none (make_config()).
  if (values_.tasks.empty()) values_.no_task = no_task_message(*command, values_.with_equals);
}

void Cli::check_completion(const std::vector<std::string>& after_dashes) {
  std::vector<std::string> rest = completion_->remaining();
  rest.insert(rest.end(), after_dashes.begin(), after_dashes.end());
  if (!rest.empty())
    throw mtask::UsageError(fmt::format("unexpected argument {} (use: mtask completion SHELL)",
                                        mtask::quote_arg(rest[0])));
  if (!values_.completion)
    throw mtask::UsageError("no shell given (use: mtask completion bash, zsh or fish)");
}

std::vector<std::string> choice_names(CLI::Option& option) {
  for (int index = 0;; ++index) {
    const CLI::Validator* validator = nullptr;
    try {
      validator = option.get_validator(index);
    } catch (const CLI::OptionNotFound&) {
      return {};  // CLI11 2.1 tells the end of the list only so
    }
    const std::string name = validator->get_name();
    if (!name.starts_with(kChoicePrefix)) continue;
    std::vector<std::string> names;
    for (std::size_t at = kChoicePrefix.size(); at < name.size();) {
      const std::size_t end = name.find('\n', at);
      names.push_back(name.substr(at, end - at));
      at = end + 1;
    }
    return names;
  }
}

void split_at_dashes(std::vector<std::string>& args, std::vector<std::string>& tasks) {
  const auto dashes = std::find(args.begin(), args.end(), "--");
  if (dashes == args.end()) return;
  tasks.assign(dashes + 1, args.end());
  args.erase(dashes, args.end());
}

std::string usage_message(std::string_view message, std::string_view command) {
  const std::string quoted = mtask::quote_arg(message);
  return fmt::format("mtask: {}\nTry 'mtask {} --help' for more information.\n",
                     std::string_view(quoted).substr(1, quoted.size() - 2), command);
}

}  // namespace app
