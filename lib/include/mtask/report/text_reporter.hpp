#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mtask/events.hpp"
#include "mtask/grammar/probe.hpp"
#include "mtask/report/output.hpp"
#include "mtask/report/progress.hpp"
#include "mtask/report/run_context.hpp"
#include "mtask/report/spill_buffer.hpp"

namespace mtask {

/// `--timestamps`: what each text line starts with.
enum class Timestamps {
  kNone,
  kElapsed,  ///< seconds since the run started, `[  1.502]`
  kWall,     ///< the local clock time, `[12:03:04.123]`
};

/// How the text output looks; the defaults give plain text.
struct TextOptions {
  bool colour_out = false;  ///< escape sequences on stdout
  bool colour_err = false;  ///< escape sequences on stderr
  Timestamps timestamps = Timestamps::kNone;
  /// `--group`: each task's output is held until it ends, then written as one block.
  bool group = false;
  /// Characters beyond ASCII can be drawn (a check mark on ready lines; else '+').
  bool unicode = true;
  /// The live status line, or nullptr; it must outlive the reporter.
  Progress* progress = nullptr;
  /// The run's ready_timeout: how long a probe that watches a task waits when the task gives
  /// none (said when the task starts).
  Duration ready_timeout = kDefaultReadyTimeout;
};

/// The text output (docs/output.md): start lines, prefixed task lines, end lines and a summary
/// table. Task stdout lines and mtask's own lines go to `out`; task stderr lines go to `err`.
/// The summary names the shard of `context`, if any.
class TextReporter final : public EventSink {
 public:
  TextReporter(const std::vector<Task>& tasks, Output& out, Output& err,
               const TextOptions& options = {}, RunContext context = {});

  /// Takes the wall-clock time of the run's time 0 (for Timestamps::kWall); says of each task
  /// with needs what it waits for (`smoke      · waits for web`).
  void on_begin(const BeginEvent& e) override;
  /// A start line; for a task whose probe watches it, a line of what is awaited and for how
  /// long (`web   4242 … waiting for tcp:8000 (up to 30.00 s)`).
  void on_start(const StartEvent& e) override;
  void on_line(const LineEvent& e) override;
  /// The lines of a batch, each as on_line() would write it.
  void on_lines(const LineBatch& batch) override;
  void on_exit(const ExitEvent& e) override;
  /// A line `NAME PID ✓ ready after 0.84 s (tcp:8000)`.
  void on_ready(const ReadyEvent& e) override;
  /// Tells the progress line the task is over; nothing is written.
  void on_retry_cancelled(const ExitEvent& e) override;
  void on_summary(const SummaryEvent& e) override;
  bool flush() override;

 private:
  /// What is kept of one task, by its index.
  struct TaskState {
    int pid = 0;
    std::string prefix;               ///< "NAME<pad> PID", built when the pid is first seen
    std::array<bool, 2> in_line{};    ///< per stream: pieces of a line written, its end not yet
    std::array<SpillBuffer, 2> held;  ///< per stream, under --group: output not yet written
  };
  static constexpr std::size_t kNobody = static_cast<std::size_t>(-1);
  static std::size_t stream_slot(Stream stream) { return stream == Stream::kStdout ? 0 : 1; }

  TaskState& state(const Task& task, int pid);
  Output& destination(Stream stream) { return stream == Stream::kStdout ? out_ : err_; }
  bool colour(Stream stream) const {
    return stream == Stream::kStdout ? options_.colour_out : options_.colour_err;
  }
  /// Called before anything is written: takes the status line off the terminal.
  void before_output();
  /// Ends with a newline a line that was left open on `stream`'s destination.
  void close_open_line(Stream stream);
  /// The start of a line on `stream`: timestamp, prefix (coloured when asked) and marker.
  void append_line_start(std::string& out, const Task& task, const TaskState& st, Stream stream,
                         std::string_view marker, Duration t) const;
  /// One line of mtask's own about `task`; `pid` 0 (a task that never started) leaves the
  /// pid column blank.
  void write_own_line(const Task& task, int pid, std::string_view marker, std::string_view text,
                      Duration t, bool failed = false);
  /// Under --group: holds the lines of `batch` (stream `slot`) until the task ends;
  /// line_start_ is the start of each.
  void hold_lines(TaskState& st, std::size_t slot, const LineBatch& batch);
  /// Under --group: writes what a task's output held and forgets it.
  void release_held(TaskState& st);

  Output& out_;
  Output& err_;
  TextOptions options_;
  RunContext context_;
  std::chrono::system_clock::time_point wall_start_{};
  std::size_t name_width_ = 0;
  std::vector<TaskState> states_;
  /// Per destination (stdout, stderr): the task whose line is unfinished on it, or kNobody.
  std::array<std::size_t, 2> open_{kNobody, kNobody};
  std::string scratch_;
  std::string line_start_;  ///< the start of each line of the batch being written
};

/// The last line of the summary: tasks, CPU time, wall time, cores busy and what that means,
/// e.g. `2 tasks, 4.00 s CPU in 2.00 s: 2.0 cores busy (parallel)`; `...: nothing ran` when
/// no task time was spent (no task started).
std::string conclusion_line(std::size_t tasks, Duration cpu, Duration wall, Duration task_wall_sum);

/// The summary's line on the speedup: the wall time, how long the tasks would have taken one
/// after another, their ratio and what it means (docs/output.md, "Speedup"), e.g.
/// `took 4.01 s; one after another 4.00 s: 1.00x, took turns on 1 CPU: nothing saved`. Empty
/// when there is no speedup (no task ran, a wall time of 0).
std::string speedup_line(const SummaryEvent& e);

}  // namespace mtask
