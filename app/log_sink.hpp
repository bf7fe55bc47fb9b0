#pragma once
// mtask's own log (spdlog): on stderr from the start, and during a run through the Output the
// reporters write stderr with, so that a message never lands inside the live status line.

#include <memory>

#include <spdlog/common.h>
#include <spdlog/details/null_mutex.h>
#include <spdlog/formatter.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>

#include "mtask/report/output.hpp"
#include "mtask/report/progress.hpp"

namespace app {

/// How every message of mtask's own log looks: "mtask: message" for an error, as a usage
/// error looks, and "mtask: warning: message", "mtask: info: message", ... for the other
/// levels (docs/usage.md, "Messages").
std::unique_ptr<spdlog::formatter> log_formatter();

/// An spdlog sink that writes each message to `err` (in order with what the reporters wrote
/// there) and flushes it at once; when there is a live status line, it is erased first and the
/// reporters draw it again at their next flush. Single-threaded, as mtask is.
class OutputLogSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 public:
  /// `err` and `progress` (nullptr: none) must outlive the sink's use (see LogThrough).
  explicit OutputLogSink(mtask::Output& err, mtask::Progress* progress = nullptr)
      : err_(err), progress_(progress) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override { err_.flush(); }

 private:
  mtask::Output& err_;
  mtask::Progress* progress_;
};

/// Makes mtask's logger write to stderr directly, at `level`, as before a run and after it.
void log_to_stderr(spdlog::level::level_enum level);

/// While it lives, mtask's log goes through `sink` (same level, same pattern); then back to
/// what it was. Destroy it before what the sink writes to.
class LogThrough {
 public:
  explicit LogThrough(std::shared_ptr<spdlog::sinks::sink> sink);
  ~LogThrough();
  LogThrough(const LogThrough&) = delete;
  LogThrough& operator=(const LogThrough&) = delete;

 private:
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace app
