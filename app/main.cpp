// mtask: the command line. Turns argv into tasks and options, picks a reporter, runs, and
// maps what happened to the exit status of SPEC 5.
#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mtask/error.hpp"
#include "mtask/json_reporter.hpp"
#include "mtask/multi_sink.hpp"
#include "mtask/output.hpp"
#include "mtask/runner.hpp"
#include "mtask/task.hpp"
#include "mtask/text_reporter.hpp"

namespace {

constexpr int kUsageStatus = 2;
constexpr int kSystemStatus = 3;

/// What the user asked for, as strings: every value is checked by mtask's own parsers, so
/// that every message names the rule and every usage error exits 2.
struct CommandLine {
  std::vector<std::string> tasks;
  std::optional<std::string> jobs;
  std::optional<std::string> count;
  std::optional<std::string> interval;
  std::optional<std::string> timeout;
  std::optional<std::string> kill_after;
  bool fail_fast = false;
  std::string output = "text";
  int verbose = 0;
  bool quiet = false;
};

/// Options turned into values; throws mtask::UsageError.
struct Config {
  std::vector<mtask::Task> tasks;
  mtask::RunOptions run;
  bool json = false;
};

template <typename Parse>
auto parse_option(const char* option, const std::string& text, Parse parse) {
  if (text.empty()) throw mtask::UsageError(fmt::format("{} '': needs a value", option));
  try {
    return parse(text);
  } catch (const mtask::UsageError& error) {
    throw mtask::UsageError(fmt::format("{} {}: {}", option, mtask::quote_arg(text), error.what()));
  }
}

std::size_t parse_jobs(const std::string& text) {
  std::uint64_t jobs = 0;
  try {
    jobs = mtask::parse_count(text);
  } catch (const mtask::UsageError&) {
    jobs = 0;  // reported below, with the rule for --jobs rather than for a COUNT
  }
  if (jobs == 0) {
    throw mtask::UsageError(fmt::format("--jobs {}: must be a whole number from 1 to {}",
                                        mtask::quote_arg(text), mtask::kMaxCount));
  }
  return static_cast<std::size_t>(jobs);
}

Config make_config(const CommandLine& cli) {
  Config config;
  mtask::TaskDefaults defaults;
  if (cli.count) {
    defaults.count = parse_option("--count", *cli.count, mtask::parse_count);
  }
  if (cli.interval) {
    defaults.interval = parse_option("--interval", *cli.interval, mtask::parse_duration);
  }
  if (cli.jobs) config.run.jobs = parse_jobs(*cli.jobs);
  if (cli.timeout) {
    config.run.timeout = parse_option("--timeout", *cli.timeout, mtask::parse_duration);
  }
  if (cli.kill_after) {
    config.run.kill_after = parse_option("--kill-after", *cli.kill_after, mtask::parse_duration);
  }
  config.run.fail_fast = cli.fail_fast;
  if (cli.output != "text" && cli.output != "json") {
    throw mtask::UsageError(fmt::format("--output {}: unknown format (use text or json)",
                                        mtask::quote_arg(cli.output)));
  }
  config.json = cli.output == "json";
  for (std::size_t i = 0; i < cli.tasks.size(); ++i) {
    config.tasks.push_back(mtask::resolve(mtask::parse_task(cli.tasks[i]), defaults, i));
  }
  config.run.hold_partial_lines = !config.json;
  config.run.watched_outputs = {STDOUT_FILENO};
  return config;
}

/// The log level from MTASK_LOG_LEVEL, -q and -v; throws UsageError.
spdlog::level::level_enum log_level(const CommandLine& cli) {
  if (cli.quiet && cli.verbose > 0) throw mtask::UsageError("--quiet and --verbose: choose one");
  spdlog::level::level_enum level = spdlog::level::warn;
  if (const char* env = std::getenv("MTASK_LOG_LEVEL"); env != nullptr && *env != '\0') {
    const std::string name = env;
    level = spdlog::level::from_str(name);
    // from_str answers "off" for a name it does not know.
    if (level == spdlog::level::off && name != "off") {
      throw mtask::UsageError(
          fmt::format("MTASK_LOG_LEVEL={}: unknown log level (use trace, debug, info, warn, "
                      "error, off)",
                      mtask::quote_arg(name)));
    }
  }
  if (cli.quiet) level = spdlog::level::err;
  if (cli.verbose == 1) level = spdlog::level::info;
  if (cli.verbose == 2) level = spdlog::level::debug;
  if (cli.verbose >= 3) level = spdlog::level::trace;
  return level;
}

void set_up_logging(spdlog::level::level_enum level) {
  auto logger =
      std::make_shared<spdlog::logger>("mtask", std::make_shared<spdlog::sinks::stderr_sink_st>());
  logger->set_pattern("mtask: %l: %v");
  logger->set_level(level);
  spdlog::set_default_logger(std::move(logger));
}

/// Prints a usage error as one line, control characters escaped, and a hint; returns 2.
int usage_error(std::string_view message) {
  const std::string quoted = mtask::quote_arg(message);
  fmt::print(stderr, "mtask: {}\nTry 'mtask run --help' for more information.\n",
             std::string_view(quoted).substr(1, quoted.size() - 2));
  return kUsageStatus;
}

/// Everything after the first "--" is a TASK, whatever it looks like. It is taken out before
/// CLI11 parses, which (in 2.1) refuses positionals after "--" once one was given before it.
std::vector<std::string> split_at_dashes(int argc, char** argv, std::vector<std::string>& tasks) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const auto dashes = std::find(args.begin(), args.end(), "--");
  if (dashes != args.end()) {
    tasks.assign(dashes + 1, args.end());
    args.erase(dashes, args.end());
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector in reverse order
  return args;
}

/// What CLI11 left over: an unknown command or option. Throws UsageError.
void check_leftovers(const CLI::App& app, const CLI::App& run_cmd, const CommandLine& cli,
                     const std::vector<std::string>& after_dashes) {
  if (!run_cmd.parsed()) {
    const std::vector<std::string> rest = app.remaining();
    if (rest.empty()) throw mtask::UsageError("no command given (use: mtask run TASK...)");
    throw mtask::UsageError(
        fmt::format("unknown command {} (use: mtask run TASK...)", mtask::quote_arg(rest[0])));
  }
  const std::vector<std::string> rest = run_cmd.remaining();
  if (!rest.empty()) {
    throw mtask::UsageError(fmt::format("unknown option {}", mtask::quote_arg(rest[0])));
  }
  if (cli.tasks.empty() && after_dashes.empty()) {
    throw mtask::UsageError("no TASK given (e.g. mtask run sing:3 dance:3)");
  }
}

/// Every reporter of a run, fed through one MultiSink. Each reporter is added in
/// add_reporters(); the outputs and the reporters live as long as the run.
struct Reporters {
  mtask::FdOutput out{STDOUT_FILENO};
  mtask::FdOutput err{STDERR_FILENO};
  std::vector<std::unique_ptr<mtask::EventSink>> owned;
  mtask::MultiSink all;

  template <typename Sink, typename... Args>
  void add(Args&&... args) {
    owned.push_back(std::make_unique<Sink>(std::forward<Args>(args)...));
    all.add(*owned.back());
  }
};

void add_reporters(const Config& config, Reporters& reporters) {
  // Standard output: exactly one format.
  if (config.json) {
    reporters.add<mtask::JsonReporter>(reporters.out);
  } else {
    reporters.add<mtask::TextReporter>(config.tasks, reporters.out, reporters.err);
  }
}

int run(const Config& config) {
  Reporters reporters;
  add_reporters(config, reporters);
  return mtask::run_tasks(config.tasks, config.run, reporters.all);
}

/// The options of `run` that choose what runs and how (SPEC 2.2).
void add_run_options(CLI::App& run, CommandLine& cli) {
  run.add_option("TASK", cli.tasks,
                 "NAME[:COUNT][@INTERVAL][=COMMAND], e.g. sing:3 dance:3@200ms 'lint=make lint'")
      ->type_name("");
  run.allow_extras();
  run.add_option("-j,--jobs", cli.jobs, "At most N tasks at once (default: all)")->type_name("N");
  run.add_option("-n,--count", cli.count, "COUNT for tasks that do not give one")->type_name("N");
  run.add_option("-i,--interval", cli.interval,
                 "INTERVAL for tasks that do not give one (e.g. 200ms, 0.5, 1s)")
      ->type_name("DURATION");
  run.add_option("--timeout", cli.timeout,
                 "Stop a task still running after DURATION; it counts as failed (0: never)")
      ->type_name("DURATION");
  run.add_option("--kill-after", cli.kill_after,
                 "Grace between SIGTERM and SIGKILL when stopping a task (default 2s)")
      ->type_name("DURATION");
  run.add_flag("--fail-fast", cli.fail_fast, "The first task that fails stops all others");
  run.add_option("-o,--output", cli.output, "Standard output format: text or json")
      ->type_name("FORMAT");
  run.add_flag("-q,--quiet", cli.quiet, "Only errors in mtask's own log");
  run.add_flag("-v,--verbose", cli.verbose, "More of mtask's own log (repeat for more)");
  run.footer(
      "Exit status: 0 all tasks exited 0; 1 a task failed; 2 usage error; 3 system error;\n"
      "128+N stopped by signal N. MTASK_LOG_LEVEL=trace|debug|info|warn|error|off sets the log.");
}

}  // namespace

int main(int argc, char** argv) {
  CommandLine cli;
  CLI::App app{
      "mtask runs several tasks at once, one child process each, and shows what happens:\n"
      "PIDs and PPIDs, interleaved output, how each task ended, and the time saved.",
      "mtask"};
  app.set_version_flag("--version", "mtask " MTASK_VERSION);
  app.require_subcommand(0, 1);
  app.allow_extras();
  app.footer("Run 'mtask run --help' for the options of run.");
  CLI::App* run_cmd = app.add_subcommand("run", "Run TASKs at the same time");
  add_run_options(*run_cmd, cli);
  std::vector<std::string> after_dashes;
  std::vector<std::string> args = split_at_dashes(argc, argv, after_dashes);
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  }

  Config config;
  try {
    check_leftovers(app, *run_cmd, cli, after_dashes);
    cli.tasks.insert(cli.tasks.end(), after_dashes.begin(), after_dashes.end());
    set_up_logging(log_level(cli));
    config = make_config(cli);
  } catch (const mtask::UsageError& e) {
    return usage_error(e.what());
  }
  try {
    return run(config);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return kSystemStatus;
  }
}
