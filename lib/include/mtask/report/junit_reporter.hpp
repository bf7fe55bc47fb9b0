#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mtask/events.hpp"
#include "mtask/report/output.hpp"
#include "mtask/report/run_context.hpp"
#include "mtask/report/spill_buffer.hpp"

namespace mtask {

/// Writes a JUnit XML report (`--junit FILE`) when the run is over: one testsuite for the run,
/// one testcase per task with its output, a failure for a task that failed and skipped for one
/// that never started; the failed attempts of a task run again (--retries) as `flakyFailure`
/// (it passed in the end) or `rerunFailure` elements, each with its own output. A regular FILE is
/// written to a temporary beside it and renamed over it, so a reader never sees half a report and
/// nothing is on disk before that; a symlink, device or FIFO is written through (docs/output.md,
/// "Report files"). Each stream of each attempt of a task keeps at most `keep_bytes` of output (a
/// note says how much more there was); what is kept waits in a SpillBuffer.
class JunitReporter final : public EventSink {
 public:
  /// Output kept per task and stream: 4 MiB.
  static constexpr std::size_t kDefaultKeepBytes = 4 * 1024 * 1024;

  /// Touches no file until the summary: check `path` first with cannot_write_report()
  /// (report_file.hpp). The report's timestamp is the wall-clock time on_begin() gives. A shard
  /// of `context` names the suite `mtask (shard K/N)` and is its `shard` property.
  explicit JunitReporter(const std::vector<Task>& tasks, std::string path,
                         std::size_t keep_bytes = kDefaultKeepBytes, RunContext context = {});
  JunitReporter(const JunitReporter&) = delete;
  JunitReporter& operator=(const JunitReporter&) = delete;
  ~JunitReporter() override;

  void on_begin(const BeginEvent& e) override;
  /// Keeps each failed attempt of a task that runs again, with its output (--retries).
  void on_exit(const ExitEvent& e) override;
  void on_line(const LineEvent& e) override;
  void on_summary(const SummaryEvent& e) override;

  /// Empty when the report was written; else what went wrong.
  const std::string& error() const { return error_; }

 private:
  struct Captured {
    SpillBuffer escaped{64 * 1024};  ///< the output kept, already escaped for XML
    std::size_t kept = 0;            ///< raw bytes kept
    std::size_t left_out = 0;        ///< raw bytes over the limit
  };
  struct TaskOutput {
    Captured out;
    Captured err;
  };
  /// An attempt that failed before the task ran again, with what it wrote.
  struct FailedAttempt {
    TaskResult result;
    TaskOutput output;
  };

  /// The file's permissions (before the umask).
  static constexpr unsigned kMode = 0644;

  void write_report(const SummaryEvent& e, Output& file) const;
  static void write_output(const TaskOutput& output, Output& file, std::string_view indent);
  /// A `flakyFailure` or `rerunFailure` element for a failed attempt, with its output.
  static void write_attempt(std::string_view element, const FailedAttempt& attempt, Output& file);
  std::string testcase_name(const Task& task) const;

  const std::vector<Task>& tasks_;
  std::string path_;
  RunContext context_;
  bool written_ = false;
  std::chrono::system_clock::time_point run_start_;
  std::size_t keep_bytes_;
  std::vector<TaskOutput> outputs_;                  ///< per task: its current attempt's
  std::vector<std::vector<FailedAttempt>> earlier_;  ///< per task: its failed attempts before
  std::string error_;
  std::string scratch_;
};

}  // namespace mtask
