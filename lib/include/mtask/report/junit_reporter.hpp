#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
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
/// "Report files"). Each stream of a task's last attempt keeps at most `keep_bytes` of output (a
/// note says how much more there was), waiting in a SpillBuffer. Memory stays bounded however
/// often a task runs again: of its failed attempts before the last only the last
/// kEarlierAttemptsKept are kept, each with the first kEarlierKeepBytes of each stream, in memory.
class JunitReporter final : public EventSink {
 public:
  /// Output kept per task and stream: 4 MiB.
  static constexpr std::size_t kDefaultKeepBytes = 4 * 1024 * 1024;
  /// Failed attempts before the last kept per task: the latest ones.
  static constexpr std::size_t kEarlierAttemptsKept = 10;
  /// Output kept per stream of such an attempt (escaped for XML): 64 KiB.
  static constexpr std::size_t kEarlierKeepBytes = 64 * 1024;

  /// Touches no file until the summary: check `path` first with cannot_write_report()
  /// (report_file.hpp). The report's timestamp is the wall-clock time on_begin() gives. A shard
  /// of `context` names the suite `mtask (shard K/N)` and is its `shard` property.
  explicit JunitReporter(const std::vector<Task>& tasks, std::string path,
                         std::size_t keep_bytes = kDefaultKeepBytes, RunContext context = {});
  JunitReporter(const JunitReporter&) = delete;
  JunitReporter& operator=(const JunitReporter&) = delete;
  ~JunitReporter() override;

  void on_begin(const BeginEvent& e) override;
  /// A failed attempt of a task that runs again (--retries) becomes an earlier attempt, with
  /// its output, once the next attempt starts; until then (a stop may cancel the retry) it is
  /// the task's last.
  void on_start(const StartEvent& e) override;
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
  /// A stream of an earlier attempt: its first bytes, escaped, and how many more it wrote.
  struct KeptStream {
    std::string escaped;
    std::size_t not_kept = 0;
  };
  /// An attempt that failed before the task ran again, with what it wrote.
  struct FailedAttempt {
    TaskResult result;
    KeptStream out;
    KeptStream err;
  };
  /// Per task: its failed attempts before the last, the latest kEarlierAttemptsKept of them.
  struct Earlier {
    std::deque<FailedAttempt> kept;
    std::size_t not_shown = 0;  ///< attempts before those kept
  };

  /// The file's permissions (before the umask).
  static constexpr unsigned kMode = 0644;

  void write_report(const SummaryEvent& e, Output& file) const;
  static void write_output(const TaskOutput& output, Output& file, std::string_view indent);
  /// A `flakyFailure` or `rerunFailure` element for a failed attempt, with its output;
  /// `not_shown`: how many attempts before it are left out.
  static void write_attempt(std::string_view element, const FailedAttempt& attempt,
                            std::size_t not_shown, Output& file);
  /// The failed attempt that waited for the next one of task `index` is over: its output goes
  /// with it into the earlier attempts.
  void move_to_earlier(std::size_t index);
  static KeptStream keep_first(const Captured& c);
  std::string testcase_name(const Task& task) const;

  const std::vector<Task>& tasks_;
  std::string path_;
  RunContext context_;
  bool written_ = false;
  std::chrono::system_clock::time_point run_start_;
  std::size_t keep_bytes_;
  std::vector<TaskOutput> outputs_;  ///< per task: its current attempt's
  /// Per task: its attempt that failed and waits to run again, if any (the one of outputs_).
  std::vector<std::optional<TaskResult>> failing_;
  std::vector<Earlier> earlier_;  ///< per task: its failed attempts before
  std::string error_;
  std::string scratch_;
};

}  // namespace mtask
