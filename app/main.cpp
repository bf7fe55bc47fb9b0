// mtask: the command line. Turns argv into tasks and options, picks a reporter, runs, and
// maps what happened to the exit status of SPEC 5.
#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mtask/error.hpp"
#include "mtask/json_reporter.hpp"
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
  std::string jobs;
  std::string count;
  std::string interval;
  std::string timeout;
  std::string kill_after;
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

// TEMPORARY until parse_count is public.
std::uint64_t parse_count_tmp(const std::string& text) {
  const mtask::TaskSpec spec = mtask::parse_task("n:" + text);
  return spec.count.value_or(0);
}

template <typename Parse>
auto parse_option(const char* option, const std::string& text, Parse parse) {
  try {
    return parse(text);
  } catch (const mtask::UsageError& error) {
    throw mtask::UsageError(fmt::format("{} {}: {}", option, mtask::quote_arg(text), error.what()));
  }
}

Config make_config(const CommandLine& cli) {
  Config config;
  mtask::TaskDefaults defaults;
  if (!cli.count.empty()) {
    defaults.count = parse_option("--count", cli.count, parse_count_tmp);
  }
  if (!cli.interval.empty()) {
    defaults.interval = parse_option("--interval", cli.interval, mtask::parse_duration);
  }
  if (!cli.jobs.empty()) {
    config.run.jobs = parse_option("--jobs", cli.jobs, parse_count_tmp);
    if (config.run.jobs == 0) {
      throw mtask::UsageError(fmt::format("--jobs {}: must be at least 1", mtask::quote_arg(cli.jobs)));
    }
  }
  if (!cli.timeout.empty()) {
    config.run.timeout = parse_option("--timeout", cli.timeout, mtask::parse_duration);
  }
  if (!cli.kill_after.empty()) {
    config.run.kill_after = parse_option("--kill-after", cli.kill_after, mtask::parse_duration);
  }
  config.run.fail_fast = cli.fail_fast;
  if (cli.output != "text" && cli.output != "json") {
    throw mtask::UsageError(
        fmt::format("--output {}: unknown format (use text or json)", mtask::quote_arg(cli.output)));
  }
  config.json = cli.output == "json";
  for (std::size_t i = 0; i < cli.tasks.size(); ++i) {
    config.tasks.push_back(mtask::resolve(mtask::parse_task(cli.tasks[i]), defaults, i));
  }
  config.run.hold_partial_lines = !config.json;
  config.run.watched_outputs = {STDOUT_FILENO};
  return config;
}

void set_up_logging(const CommandLine& cli) {
  auto logger = std::make_shared<spdlog::logger>("mtask",
                                                 std::make_shared<spdlog::sinks::stderr_sink_st>());
  logger->set_pattern("mtask: %l: %v");
  spdlog::level::level_enum level = spdlog::level::warn;
  if (const char* env = std::getenv("MTASK_LOG_LEVEL"); env != nullptr && *env != '\0') {
    level = spdlog::level::from_str(env);
  }
  if (cli.quiet) level = spdlog::level::err;
  if (cli.verbose == 1) level = spdlog::level::info;
  if (cli.verbose == 2) level = spdlog::level::debug;
  if (cli.verbose >= 3) level = spdlog::level::trace;
  logger->set_level(level);
  spdlog::set_default_logger(std::move(logger));
}

int usage_error(const std::string& message) {
  std::string line = message;
  for (char& c : line) {
    if (c == '\n') c = ' ';
  }
  fmt::print(stderr, "mtask: {}\nTry 'mtask run --help' for more information.\n", line);
  return kUsageStatus;
}

int run(const Config& config) {
  mtask::FdOutput out(STDOUT_FILENO);
  mtask::FdOutput err(STDERR_FILENO);
  std::unique_ptr<mtask::EventSink> reporter;
  if (config.json) {
    reporter = std::make_unique<mtask::JsonReporter>(out);
  } else {
    reporter = std::make_unique<mtask::TextReporter>(config.tasks, out, err);
  }
  return mtask::run_tasks(config.tasks, config.run, *reporter);
}

}  // namespace

int main(int argc, char** argv) {
  CommandLine cli;
  CLI::App app{"mtask runs several tasks at once, one child process each, and shows what happens:\n"
               "PIDs and PPIDs, interleaved output, how each task ended, and the time saved."};
  app.set_version_flag("--version", "mtask " MTASK_VERSION);
  app.require_subcommand(1);
  CLI::App* run_cmd = app.add_subcommand("run", "Run TASKs at the same time");
  run_cmd->add_option("TASK", cli.tasks,
                      "NAME[:COUNT][@INTERVAL][=COMMAND], e.g. sing:3 dance:3@200ms 'lint=make lint'")
      ->required();
  run_cmd->add_option("-j,--jobs", cli.jobs, "At most N tasks at once (default: all)");
  run_cmd->add_option("-n,--count", cli.count, "COUNT for tasks that do not give one");
  run_cmd->add_option("-i,--interval", cli.interval,
                      "INTERVAL for tasks that do not give one (e.g. 200ms, 0.5, 1s)");
  run_cmd->add_option("--timeout", cli.timeout,
                      "Stop a task still running after DURATION; it counts as failed (0: never)");
  run_cmd->add_option("--kill-after", cli.kill_after,
                      "Grace between SIGTERM and SIGKILL when stopping a task (default 2s)");
  run_cmd->add_flag("--fail-fast", cli.fail_fast, "The first task that fails stops all others");
  run_cmd->add_option("-o,--output", cli.output, "Standard output format: text or json");
  run_cmd->add_flag("-q,--quiet", cli.quiet, "Only errors in mtask's own log");
  run_cmd->add_flag("-v,--verbose", cli.verbose, "More of mtask's own log (repeat for more)");
  run_cmd->footer(
      "Exit status: 0 all tasks exited 0; 1 a task failed; 2 usage error; 3 system error;\n"
      "128+N stopped by signal N. MTASK_LOG_LEVEL=trace|debug|info|warn|error|off sets the log.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  }

  set_up_logging(cli);
  Config config;
  try {
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
