#include "run/log.hpp"

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

spdlog::logger* in_scope = nullptr;  // the run is single-threaded

spdlog::logger& look_up() {
  // The registry keeps the named logger alive while it is registered.
  if (const std::shared_ptr<spdlog::logger> named = spdlog::get("mtask")) return *named;
  return quiet_logger();
}

}  // namespace

spdlog::logger& log() { return in_scope != nullptr ? *in_scope : look_up(); }

LogScope::LogScope() : logger_(spdlog::get("mtask")), outer_(in_scope) {
  in_scope = logger_ != nullptr ? logger_.get() : &quiet_logger();
}

LogScope::~LogScope() { in_scope = outer_; }

}  // namespace mtask::detail
