#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "mtask/events.hpp"
#include "mtask/report/output.hpp"
#include "mtask/report/run_context.hpp"

namespace mtask {

/// The job log (`--joblog FILE`), in the spirit of GNU parallel's: a header row, then one
/// tab-separated row per attempt of a task as it ends (one per task without --retries). Tasks
/// that never started have no row (as they have no exit event). Columns: index, task, pid,
/// ppid, start (Unix seconds), wall, user, sys (seconds), max_rss_kb, exit (code or -), signal
/// (name or -), timed_out (0 or 1), stopped (a reason or -), attempt (from 1), cpu_wait
/// (seconds, - when unknown, a trailing + when partial), vcsw, ivcsw (context switches),
/// command.
class JoblogReporter final : public EventSink {
 public:
  /// The header row, without its newline.
  static constexpr std::string_view kHeader =
      "index\ttask\tpid\tppid\tstart\twall\tuser\tsys\tmax_rss_kb\texit\tsignal\ttimed_out\t"
      "stopped\tattempt\tcpu_wait\tvcsw\tivcsw\tcommand";

  /// Writes the header to `out`, then a row per task. A shard of `context` comes first, as a
  /// comment line `# shard K/N` (readers skip lines starting with '#').
  explicit JoblogReporter(Output& out, const RunContext& context = {});
  /// Opens FILE as it is (created or truncated; a symlink, device or FIFO written through, a
  /// FIFO waiting for its reader), writes the header; throws SystemError when FILE cannot be
  /// opened. Check it first with cannot_write_report() (report_file.hpp).
  static std::unique_ptr<JoblogReporter> open(const std::string& path,
                                              const RunContext& context = {});

  /// Takes the wall-clock time of the run's time 0: a row's start is that plus the task's
  /// start offset.
  void on_begin(const BeginEvent& e) override;
  void on_exit(const ExitEvent& e) override;
  bool flush() override;

  /// Empty while every write worked; else what went wrong.
  const std::string& error() const { return error_; }

 private:
  std::unique_ptr<Output> owned_;  ///< the file, when open() made it
  Output& out_;
  std::chrono::system_clock::time_point run_start_{};
  std::string path_;
  std::string error_;
};

/// The command column: the task's command with backslash, tab, newline and carriage return
/// written as `\\`, `\t`, `\n`, `\r` so that a row stays one line; a built-in task has
/// `(builtin NAME:COUNT@INTERVAL)`.
std::string joblog_command(const Task& task);

}  // namespace mtask
