// No report of a run overwrites a file the run reads: compared by device and inode, since
// `jobs.tsv`, `./jobs.tsv`, its absolute path and a link to it are one file.
#include "own_files.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "plan_file.hpp"

namespace app {
namespace {

/// The task file a run reads when it names one (not standard input), as plan_file.cpp does.
std::optional<std::string> task_file(const CommandLine& cli) {
  if (cli.file) return *cli.file == "-" ? std::nullopt : cli.file;
  if (cli.tasks.empty()) return "mtask.toml";
  return std::nullopt;
}

}  // namespace

void check_own_files(const CommandLine& cli, const Surroundings& around) {
  const auto same = [&around](const std::string& a, const std::string& b) {
    return !a.empty() && !b.empty() && (a == b || (around.same_file && around.same_file(a, b)));
  };
  const std::pair<const char*, const std::optional<std::string>&> reports[] = {
      {"--joblog", cli.joblog},
      {"--junit", cli.junit},
      {"--timeline-svg", cli.timeline_svg},
      {"--trace", cli.trace}};
  std::optional<std::string> tasks = task_file(cli);
  // Bare NAMEs read ./mtask.toml only when it is there: then it is the same file as the report.
  const bool only_if_there = !tasks && !cli.file && all_bare_names(cli.tasks);
  if (only_if_there) tasks = "mtask.toml";
  for (const auto& [option, report] : reports) {
    if (!report) continue;
    if (tasks && (only_if_there ? around.same_file && around.same_file(*report, *tasks)
                                : same(*report, *tasks))) {
      throw mtask::UsageError(fmt::format(
          "{} {}: is the task file of this run ({}), which the report would overwrite (write "
          "it to another file)",
          option, mtask::quote_arg(*report),
          cli.file ? "-f " + mtask::quote_arg(*cli.file) : "./" + *tasks));
    }
    if (!cli.resume_failed || !same(*report, *cli.resume_failed)) continue;
    const std::string& read = *cli.resume_failed;
    // The new job log would replace the one read, and with it the rows of the tasks that passed.
    if (std::string_view(option) == "--joblog") {
      throw mtask::UsageError(fmt::format(
          "--resume-failed {}: is also the --joblog of this run{}, which would replace it with "
          "the rows of the resumed tasks alone (write this run's job log to another file)",
          mtask::quote_arg(read), *report == read ? "" : " (" + mtask::quote_arg(*report) + ")"));
    }
    throw mtask::UsageError(
        fmt::format("{} {}: is the job log read by --resume-failed {}, which the report would "
                    "overwrite (write it to another file)",
                    option, mtask::quote_arg(*report), mtask::quote_arg(read)));
  }
}

}  // namespace app
