// mtask: parse the command line (cli.cpp), check it into a Config (options.cpp), run it
// (reporters.cpp) or list it (list.cpp). Usage errors exit 2, system errors 3 (docs/usage.md, "Exit
// status").
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli.hpp"
#include "cli_messages.hpp"
#include "completion.hpp"
#include "list.hpp"
#include "log_sink.hpp"
#include "mtask/error.hpp"
#include "options.hpp"
#include "reporters.hpp"

namespace {

constexpr int kUsageStatus = 2;
constexpr int kSystemStatus = 3;

/// Started with `<&- >&- 2>&-`, the next descriptors mtask opens would take the places of 0, 1
/// and 2 and be mistaken for them (a pipe of the guardian's overwritten, output written into
/// it): each closed one gets /dev/null first, as a shell would see it (docs/reliability.md).
void fill_closed_standard_descriptors() {
  for (int fd = 0; fd < 3; ++fd) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    // open() returns the lowest free number: `fd` itself, since those below it are open.
    const int null = open("/dev/null", O_RDWR);
    if (null >= 0 && null != fd) close(null);
  }
}

/// `status` when what mtask printed on standard output before a run (usage, --help,
/// --version, a completion script) reached it, else a system error (docs/usage.md, "Exit
/// status").
int flushed(int status) {
  if (std::fflush(stdout) == 0 && std::ferror(stdout) == 0) return status;
  fmt::print(stderr, "mtask: cannot write to standard output: {}\n",
             errno != 0 ? std::strerror(errno) : "write failed");
  return kSystemStatus;
}

int usage_error(std::string_view message, const app::Cli& cli) {
  fmt::print(stderr, "{}", app::usage_message(message, cli.command()));
  return kUsageStatus;
}

}  // namespace

int main(int argc, char** argv) {
  fill_closed_standard_descriptors();
  app::log_to_stderr(spdlog::level::warn);
  // `mtask` alone asks what to do, as `cargo` alone does: the answer, and no error
  // (docs/usage.md, "Getting help").
  if (argc <= 1) {
    std::fputs(app::short_usage().c_str(), stdout);
    return flushed(0);
  }
  app::Cli cli;
  app::Config config;
  try {
    cli.parse(std::vector<std::string>(argv + 1, argv + argc));
    if (const auto& shell = cli.values().completion) {
      app::print_completion(cli.app(), *shell);
      return flushed(0);
    }
    config = app::make_config(cli.values(), app::read_surroundings());
  } catch (const CLI::Success& e) {  // --help, --version
    return flushed(cli.exit(e));
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what(), cli);
  } catch (const mtask::UsageError& e) {
    return usage_error(e.what(), cli);
  }
  spdlog::set_level(config.log_level);
  for (const std::string& hint : config.hints) spdlog::warn("{}", hint);
  for (const std::string& note : config.notes) spdlog::warn("{}", note);
  // `mtask list`: the plan, and nothing forked.
  if (config.list) {
    std::fputs(app::list(config).c_str(), stdout);
    return flushed(0);
  }
  try {
    return app::run(config);
  } catch (const mtask::UsageError& e) {
    // Only before anything is forked: a tcp:HOST:PORT whose HOST does not resolve, found by
    // the run's one look-up (docs/smoke.md).
    return usage_error(e.what(), cli);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return kSystemStatus;
  }
}
