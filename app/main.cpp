// mtask: the command line. CLI11 turns argv into a checked Config (usage errors exit 2),
// reporters.cpp runs it, and what happened becomes the exit status of SPEC 5.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "config.hpp"
#include "mtask/error.hpp"
#include "mtask/grammar/cpu_set.hpp"
#include "mtask/grammar/task.hpp"
#include "mtask/run/runner.hpp"
#include "reporters.hpp"

namespace {

using app::Config;

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
  // Reports (issue 5)
  std::optional<std::string> junit;
  std::optional<std::string> joblog;
  bool group = false;
  std::string color = "auto";
  std::optional<std::string> timestamps;
  bool progress = false;
  bool no_progress = false;
  // Lesson (issue 7)
  bool busy = false;
  std::optional<std::string> cores;
  bool timeline = false;
  bool ascii = false;
  std::optional<std::string> timeline_svg;
  std::optional<std::string> trace;
  bool explain = false;
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

/// The options of issue 5 (reports, colour, timestamps, progress); throws UsageError.
void parse_report_options(const CommandLine& cli, Config& config) {
  if (cli.junit) config.junit = parse_option("--junit", *cli.junit, [](auto& s) { return s; });
  if (cli.joblog) config.joblog = parse_option("--joblog", *cli.joblog, [](auto& s) { return s; });
  config.group = cli.group;
  if (cli.color == "auto" || cli.color == "always" || cli.color == "never") {
    config.colour = cli.color == "auto"     ? mtask::ColourMode::kAuto
                    : cli.color == "always" ? mtask::ColourMode::kAlways
                                            : mtask::ColourMode::kNever;
  } else {
    throw mtask::UsageError(fmt::format("--color {}: unknown choice (use auto, always or never)",
                                        mtask::quote_arg(cli.color)));
  }
  if (cli.timestamps) {
    if (*cli.timestamps == "elapsed") {
      config.timestamps = mtask::Timestamps::kElapsed;
    } else if (*cli.timestamps == "wall") {
      config.timestamps = mtask::Timestamps::kWall;
    } else {
      throw mtask::UsageError(fmt::format(
          "--timestamps {}: unknown kind (use elapsed or wall; write --timestamps=wall, or put "
          "TASKs first, when a TASK follows)",
          mtask::quote_arg(*cli.timestamps)));
    }
  }
  if (cli.progress && cli.no_progress) {
    throw mtask::UsageError("--progress and --no-progress: choose one");
  }
  if (cli.progress) config.progress = true;
  if (cli.no_progress) config.progress = false;
}

/// A file an option writes at the end of the run: its directory must exist and be writable now,
/// before anything is forked.
std::string output_file(const char* option, const std::string& path) {
  if (path.empty()) throw mtask::UsageError(fmt::format("{} '': needs a file name", option));
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? "." : parent.string();
  if (access(dir.c_str(), W_OK) != 0) {
    throw mtask::UsageError(fmt::format("{} {}: cannot write in {}: {}", option,
                                        mtask::quote_arg(path), mtask::quote_arg(dir),
                                        std::strerror(errno)));
  }
  return path;
}

/// The options of issue 7 (add_lesson_options); after the colour is decided. Throws UsageError.
void parse_lesson_options(const CommandLine& cli, Config& config) {
  config.run.busy = cli.busy;
  if (cli.cores) {
    config.run.cpus = parse_option("--cores", *cli.cores, [](const std::string& text) {
      return mtask::parse_cpus(text, mtask::allowed_cpus());
    });
  }
  if (cli.timeline && config.json) {
    throw mtask::UsageError(
        "--timeline draws on the text output, not with --output json (use --timeline-svg FILE "
        "or --trace FILE)");
  }
  config.timeline = cli.timeline;
  config.timeline_style.width = mtask::terminal_width(STDOUT_FILENO);
  config.timeline_style.unicode = !cli.ascii && mtask::locale_is_utf8();
  config.timeline_style.color =
      mtask::use_colour(config.colour, isatty(STDOUT_FILENO) == 1, std::getenv("CLICOLOR_FORCE"),
                        std::getenv("NO_COLOR"));
  if (cli.timeline_svg) config.timeline_svg = output_file("--timeline-svg", *cli.timeline_svg);
  if (cli.trace) config.trace = output_file("--trace", *cli.trace);
  config.explain = cli.explain;
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
  parse_report_options(cli, config);
  parse_lesson_options(cli, config);
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

/// The options of `run` that choose reports and the look of the output (issue 5).
void add_report_options(CLI::App& run, CommandLine& cli) {
  run.add_option("--junit", cli.junit, "Also write a JUnit XML report to FILE (for CI)")
      ->type_name("FILE")
      ->group("Reports");
  run.add_option("--joblog", cli.joblog, "Also write one tab-separated row per task to FILE")
      ->type_name("FILE")
      ->group("Reports");
  run.add_flag("--group", cli.group, "Text: write each task's output as one block when it ends")
      ->group("Reports");
  run.add_option("--color,--colour", cli.color,
                 "Colour: auto (stdout a terminal, NO_COLOR unset), always or never")
      ->type_name("WHEN")
      ->group("Reports");
  run.add_option("--timestamps", cli.timestamps,
                 "Text: start each line with the time since start (elapsed) or the clock (wall)")
      ->expected(0, 1)
      ->default_str("elapsed")
      ->type_name("[KIND]")
      ->group("Reports");
  run.add_flag("--progress", cli.progress,
               "A live status line on stderr (a terminal only) however short the run")
      ->group("Reports");
  run.add_flag("--no-progress", cli.no_progress, "No live status line")->group("Reports");
}

/// The options that make the lesson visible (issue 7): CPU-bound work, core limits, pictures of
/// the run, and the system calls told as they happen.
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
  run.add_option("--trace", cli.trace,
                 "Write a Chrome trace-event JSON file (open it in Perfetto or chrome://tracing)")
      ->type_name("FILE")
      ->group("Seeing it");
  run.add_flag("--explain", cli.explain,
               "Tell on stderr the system calls behind the run: fork, getpid, wait4")
      ->group("Seeing it");
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
  add_report_options(*run_cmd, cli);
  add_lesson_options(*run_cmd, cli);
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
    return app::run(config);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return kSystemStatus;
  }
}
