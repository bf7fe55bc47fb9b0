#include "run/log.hpp"

#include <memory>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace mtask::detail {
namespace {

/// For a program that did not ask for the engine's log: its decisions (each start, exit and
/// stop, at info) would be noise in someone else's output, its warnings are not.
spdlog::logger& quiet_logger() {
  static spdlog::logger logger = [] {
    spdlog::logger made("mtask-library", std::make_shared<spdlog::sinks::stderr_sink_st>());
    made.set_pattern("mtask: %l: %v");
    made.set_level(spdlog::level::warn);
    return made;
  }();
  return logger;
}

}  // namespace

spdlog::logger& log() {
  // The registry keeps the named logger alive; the run is single-threaded.
  if (const std::shared_ptr<spdlog::logger> named = spdlog::get("mtask")) return *named;
  return quiet_logger();
}

}  // namespace mtask::detail
