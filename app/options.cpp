// Every option's value checked, every default decided; nothing read from outside but the
// Surroundings passed in.
#include "options.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "cli_messages.hpp"
#include "hints.hpp"
#include "mtask/error.hpp"
#include "mtask/grammar/cpu_set.hpp"
#include "mtask/grammar/duration.hpp"
#include "narrow.hpp"
#include "own_files.hpp"
#include "plan_file.hpp"
#include "services.hpp"

namespace app {
namespace {

/// "; " and what went wrong when `text` looks like a TASK that `option` took as its value
/// (`-j sing:1` for `-j 2 sing:1`), else "".
std::string taken_hint(const char* option, const char* type, const std::string& text) {
  const std::string taken = taken_as_value(option, type, text);
  return taken.empty() ? taken : "; " + taken;
}

template <typename Parse>
auto parse_option(const char* option, const char* type, const std::string& text, Parse parse) {
  if (text.empty()) throw mtask::UsageError(fmt::format("{} '': needs a value", option));
  try {
    return parse(text);
  } catch (const mtask::UsageError& error) {
    throw mtask::UsageError(fmt::format("{} {}: {}{}", option, mtask::quote_arg(text), error.what(),
                                        taken_hint(option, type, text)));
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
    throw mtask::UsageError(fmt::format("--jobs {}: must be a whole number from 1 to {}{}",
                                        mtask::quote_arg(text), mtask::kMaxCount,
                                        taken_hint("--jobs", "N", text)));
  }
  return static_cast<std::size_t>(jobs);
}

/// A report file: whether it can be written is checked now, before anything is forked, in
/// the same way for every report (docs/output.md, "Report files").
std::string report_file(const char* option, const std::string& path, mtask::ReportWriting how,
                        const Surroundings& around) {
  if (const std::string why = around.cannot_write_report(path, how); !why.empty()) {
    throw mtask::UsageError(fmt::format("{} {}: {}", option, mtask::quote_arg(path), why));
  }
  return path;
}

/// A file an option writes whole at the end of the run.
std::string output_file(const char* option, const std::string& path, const Surroundings& around) {
  if (path.empty()) throw mtask::UsageError(fmt::format("{} '': needs a file name", option));
  return report_file(option, path, mtask::ReportWriting::kWhole, around);
}

/// Warnings for what is valid but likely not meant (hints.hpp): after the tasks parsed.
/// `interval_used`: some task gives no INTERVAL of its own, so --interval counts.
/// `in_grammar`: the tasks are written as TASKs (command line, list), where NAME=COMMAND is the
/// way to run a command; in mtask.toml or a Procfile it is not.
void decide_hints(const CommandLine& cli, const Surroundings& around, bool interval_used,
                  bool in_grammar, Config& config) {
  if (config.log_level > spdlog::level::warn) return;  // -q: nobody would see them
  if (cli.interval && interval_used) {
    if (std::string hint = bare_interval_option_hint(*cli.interval); !hint.empty()) {
      config.hints.push_back(std::move(hint));
    }
  }
  for (const std::string& task : cli.tasks) {
    if (std::string hint = bare_interval_hint(task); !hint.empty()) {
      config.hints.push_back(std::move(hint));
    }
  }
  // `--junit sing:1 dance:1`: valid (a report named "sing:1"), but sing never runs.
  const std::pair<const char*, const std::optional<std::string>&> files[] = {
      {"--junit", cli.junit},
      {"--joblog", cli.joblog},
      {"--timeline-svg", cli.timeline_svg},
      {"--trace", cli.trace}};
  for (const auto& [option, value] : files) {
    if (!value || std::ranges::find(cli.with_equals, option) != cli.with_equals.end()) continue;
    if (std::string hint = taken_as_value(option, "FILE", *value); !hint.empty()) {
      config.hints.push_back(std::move(hint));
    }
  }
  for (std::string& hint : unserviced_probe_hints(config.tasks)) {
    config.hints.push_back(std::move(hint));
  }
  if (around.is_command && in_grammar) {
    for (std::string& hint : command_name_hints(config.tasks, around.is_command)) {
      config.hints.push_back(std::move(hint));
    }
  }
}

/// What the [run] table of a task file gives; the command line's options are decided after it
/// and win (docs/tasks.md, "mtask.toml").
void apply_file_run(const mtask::FileRunOptions& run, mtask::TaskDefaults& defaults,
                    Config& config) {
  defaults.count = run.count;
  defaults.interval = run.interval;
  if (run.jobs) config.run.jobs = *run.jobs;
  if (run.timeout) config.run.timeout = *run.timeout;
  if (run.kill_after) config.run.kill_after = *run.kill_after;
  config.run.fail_fast = run.fail_fast.value_or(false);
  if (run.retries) config.run.retries = *run.retries;
  if (run.retry_delay) config.run.retry_delay = *run.retry_delay;
  if (run.ready_timeout) config.run.ready_timeout = *run.ready_timeout;
}

/// Tasks, their defaults, and how they run.
void decide_run(const CommandLine& cli, const Surroundings& around, Config& config) {
  const std::optional<PlanFile> plan = read_plan_file(cli, around);
  mtask::TaskDefaults defaults;
  if (plan) apply_file_run(plan->file.run, defaults, config);
  if (cli.count) defaults.count = parse_option("--count", "N", *cli.count, mtask::parse_count);
  if (cli.interval) {
    defaults.interval =
        parse_option("--interval", "DURATION", *cli.interval, mtask::parse_duration);
  }
  if (cli.jobs) config.run.jobs = parse_jobs(*cli.jobs);
  if (cli.timeout) {
    config.run.timeout = parse_option("--timeout", "DURATION", *cli.timeout, mtask::parse_duration);
  }
  if (cli.kill_after) {
    config.run.kill_after =
        parse_option("--kill-after", "DURATION", *cli.kill_after, mtask::parse_duration);
  }
  config.run.fail_fast = config.run.fail_fast || cli.fail_fast;
  if (cli.retries) {
    config.run.retries = parse_option("--retries", "N", *cli.retries, mtask::parse_count);
  }
  if (cli.retry_delay) {
    config.run.retry_delay =
        parse_option("--retry-delay", "DURATION", *cli.retry_delay, mtask::parse_duration);
  }
  if (cli.ready_timeout) {
    config.run.ready_timeout =
        parse_option("--ready-timeout", "DURATION", *cli.ready_timeout, mtask::parse_duration);
  }
  config.json = cli.output == OutputFormat::kJson;
  bool interval_used = false;
  if (plan) {
    config.tasks = file_tasks(*plan, cli, defaults, around);
    interval_used = std::ranges::any_of(
        plan->file.tasks, [](const mtask::FileTask& task) { return !task.spec.interval; });
  }
  for (std::size_t i = 0; !plan && i < cli.tasks.size(); ++i) {
    const mtask::TaskSpec spec = mtask::parse_task(cli.tasks[i]);
    interval_used = interval_used || !spec.interval;
    config.tasks.push_back(mtask::resolve(spec, defaults, i));
  }
  // A task file's tasks have them applied before TASKs select among them (file_tasks()).
  if (!plan) apply_service_options(cli, config.tasks);
  decide_hints(cli, around, interval_used,
               !plan || plan->file.format == mtask::TaskFileFormat::kList, config);
  config.run.hold_partial_lines = !config.json;
  config.run.watched_outputs = {STDOUT_FILENO};
}

/// Reports, colour, timestamps, progress.
void decide_reports(const CommandLine& cli, const Surroundings& around, Config& config) {
  const auto any_name = [](const std::string& s) { return s; };
  if (cli.junit) {
    config.junit = report_file("--junit", parse_option("--junit", "FILE", *cli.junit, any_name),
                               mtask::ReportWriting::kWhole, around);
  }
  if (cli.joblog) {
    config.joblog = report_file("--joblog", parse_option("--joblog", "FILE", *cli.joblog, any_name),
                                mtask::ReportWriting::kStreamed, around);
  }
  config.group = cli.group;
  config.timestamps = cli.timestamps;
  config.out_terminal = mtask::decide_terminal(around.out, cli.colour, around.env);
  config.err_terminal = mtask::decide_terminal(around.err, cli.colour, around.env);
  config.progress = !config.json && config.err_terminal.can_redraw() && !cli.no_progress;
  config.progress_always = cli.progress;
}

/// What makes the lesson visible: busy tasks, cores, pictures, narration.
void decide_lesson(const CommandLine& cli, const Surroundings& around, Config& config) {
  config.run.busy = cli.busy;
  if (cli.cores) {
    config.run.cpus =
        parse_option("--cores", "N|LIST", *cli.cores, [&around](const std::string& text) {
          return mtask::parse_cpus(text, around.allowed_cpus());
        });
  }
  if (cli.timeline && config.json) {
    throw mtask::UsageError(
        "--timeline draws on the text output, not with --output json (use --timeline-svg FILE "
        "or --trace FILE)");
  }
  config.timeline = cli.timeline;
  config.timeline_style.width = config.out_terminal.width;
  config.timeline_style.unicode = !cli.ascii && config.out_terminal.utf8;
  config.timeline_style.color = config.out_terminal.colour;
  if (cli.timeline_svg) {
    config.timeline_svg = output_file("--timeline-svg", *cli.timeline_svg, around);
  }
  if (cli.trace) config.trace = output_file("--trace", *cli.trace, around);
  if (cli.timeline_scale) {
    const mtask::Duration scale =
        parse_option("--timeline-scale", "DURATION", *cli.timeline_scale, mtask::parse_duration);
    if (scale.count() <= 0) {
      throw mtask::UsageError(fmt::format("--timeline-scale {}: must be more than 0",
                                          mtask::quote_arg(*cli.timeline_scale)));
    }
    if (!cli.timeline && !cli.timeline_svg) {
      throw mtask::UsageError(
          "--timeline-scale sets the time axis of a picture: give --timeline or --timeline-svg "
          "FILE too");
    }
    config.timeline_style.scale = scale;
    config.svg_style.scale = scale;
  }
  // The pictures draw who ran where: the runner samples the tasks' CPU states only for them.
  if (cli.timeline || cli.timeline_svg || cli.trace) {
    config.run.sample_every = std::chrono::milliseconds(5);
  }
  config.explain = cli.explain;
}

}  // namespace

Config make_config(const CommandLine& cli, const Surroundings& around) {
  Config config;
  config.list = cli.list;
  config.log_level = log_level(cli, around.log_level);
  check_own_files(cli, around);
  decide_run(cli, around, config);
  narrow_tasks(cli, around, config);
  decide_reports(cli, around, config);
  decide_lesson(cli, around, config);
  return config;
}

spdlog::level::level_enum log_level(const CommandLine& cli, const char* env) {
  // -q and -v win over MTASK_LOG_LEVEL: a bad value then changes nothing, so it is no error.
  if (cli.quiet) return spdlog::level::err;
  if (cli.verbose == 1) return spdlog::level::info;
  if (cli.verbose == 2) return spdlog::level::debug;
  if (cli.verbose >= 3) return spdlog::level::trace;
  if (env == nullptr || *env == '\0') return spdlog::level::warn;
  std::string name = env;
  std::ranges::transform(name, name.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  const spdlog::level::level_enum level = spdlog::level::from_str(name);
  // from_str answers "off" for a name it does not know.
  if (level == spdlog::level::off && name != "off") {
    throw mtask::UsageError(
        fmt::format("MTASK_LOG_LEVEL={}: unknown log level (use trace, debug, info, warn, "
                    "error, off; any case)",
                    mtask::quote_arg(env)));
  }
  return level;
}

}  // namespace app
