// mtask: parse the command line (cli.cpp), check it into a Config (options.cpp), run it
// (reporters.cpp). Usage errors exit 2, system errors 3 (docs/usage.md, "Exit status").
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli.hpp"
#include "log_sink.hpp"
#include "mtask/error.hpp"
#include "options.hpp"
#include "reporters.hpp"

namespace {

constexpr int kUsageStatus = 2;
constexpr int kSystemStatus = 3;

int usage_error(std::string_view message) {
  fmt::print(stderr, "{}", app::usage_message(message));
  return kUsageStatus;
}

}  // namespace

int main(int argc, char** argv) {
  app::log_to_stderr(spdlog::level::warn);
  app::Cli cli;
  app::Config config;
  try {
    cli.parse(std::vector<std::string>(argv + 1, argv + argc));
    config = app::make_config(cli.values(), app::read_surroundings());
  } catch (const CLI::Success& e) {  // --help, --version
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  } catch (const mtask::UsageError& e) {
    return usage_error(e.what());
  }
  spdlog::set_level(config.log_level);
  try {
    return app::run(config);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return kSystemStatus;
  }
}
