// The engine's log: spdlog's logger named "mtask" when the program made one, else the library's
// own, which writes only warnings and errors to stderr (docs/design.md, "Logging").
#pragma once

#include <memory>

#include <spdlog/logger.h>

namespace mtask::detail {

/// The logger the engine writes to: the one a LogScope holds, else looked up at the call.
spdlog::logger& log();

/// For the length of a run: the logger looked up once, so that a line on the read path costs
/// a level check and not a lookup in spdlog's registry (lock, hash, copy).
class LogScope {
 public:
  LogScope();
  ~LogScope();
  LogScope(const LogScope&) = delete;
  LogScope& operator=(const LogScope&) = delete;

 private:
  std::shared_ptr<spdlog::logger> logger_;
  spdlog::logger* outer_;
};

}  // namespace mtask::detail
