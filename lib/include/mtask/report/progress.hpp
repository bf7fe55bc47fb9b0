#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mtask/grammar/duration.hpp"
#include "mtask/report/output.hpp"

namespace mtask {

/// What the status line knows of a run at one moment, for its estimate of the time left.
struct RunPace {
  std::size_t tasks = 0;          ///< in the whole run
  std::size_t jobs = 0;           ///< at most this many run at once (-j); 0: all of them
  std::size_t done = 0;           ///< tasks that have ended
  Duration done_wall{0};          ///< the wall times of the tasks that have ended, summed
  std::vector<Duration> running;  ///< how long each running task has run so far
};

/// The time the run still needs if every task left takes as long as the tasks done took on
/// average, and the tasks waiting start as slots free up, at most `jobs` at once (with -j 1
/// they run one after the other; without -j they all run at once). nullopt when there is
/// nothing to go on: no task done yet, none left, or every task left is running and already
/// ran longer than that average.
std::optional<Duration> estimate_left(const RunPace& pace);

/// The live status line on a terminal's stderr: tasks done, running and failed, the time
/// elapsed and, once tasks have finished, an estimate of the time left. It is drawn on one
/// line and redrawn in place; whoever writes other output calls erase() first and
/// draw_if_due() after its flush, so the line never mixes with task output.
class Progress {
 public:
  /// The time since the run started.
  using Clock = std::function<Duration()>;
  /// The least time between two draws: at most 10 a second.
  static constexpr Duration kMinRedraw = std::chrono::milliseconds(100);
  /// A run with no more tasks than jobs shows the line only once it has lasted this long.
  static constexpr Duration kShowAfter = std::chrono::seconds(1);

  /// `terminal` is written to and flushed directly (a descriptor of its own on stderr).
  /// `always` shows the line from the start, however short the run (`--progress`).
  Progress(Output& terminal, std::size_t tasks, std::size_t jobs, bool always, Clock now);

  /// Cuts the line to fit a terminal this wide (0: no limit), so that it never wraps and can
  /// always be erased.
  void set_width(std::size_t columns) { width_ = columns; }

  /// The task with this index (Task::index) started or ended now; the line keeps the times
  /// for its estimate.
  void task_started(std::size_t index);
  void task_ended(std::size_t index, bool failed);
  /// An attempt of the task failed and it runs again (--retries): it is not done, and its
  /// time does not count towards the estimate.
  void attempt_failed(std::size_t index);
  /// A stop came while the task waited to run again: it is done, and failed with the attempt
  /// attempt_failed() was told of.
  void retry_cancelled(std::size_t index);
  /// The task will never start (its needs failed): it is done, without having run or failed.
  void task_not_started(std::size_t index);
  /// The task waits for its needs before it can start: counted as waiting until it starts or
  /// is given up.
  void task_waiting(std::size_t index);

  /// Removes the line if it is shown (carriage return, erase to end of line) and flushes.
  void erase();
  /// Draws the line if it should be shown and was not drawn in the last kMinRedraw.
  void draw_if_due();
  /// Draws the line again now, whenever it was last drawn, if it was shown before (the run goes
  /// on after a job-control stop, which took it off).
  void redraw();
  /// Erases the line for good: the run is over.
  void finish();
  bool shown() const { return shown_; }

  /// The text of the line (without escapes) at `elapsed`.
  std::string text(Duration elapsed) const;

 private:
  void draw(Duration elapsed);
  void no_longer_waiting(std::size_t index);

  Output& terminal_;
  std::size_t tasks_;
  std::size_t jobs_;
  bool show_early_;
  Clock now_;
  std::size_t width_ = 0;
  std::size_t running_ = 0;
  std::size_t done_ = 0;
  Duration done_wall_{0};
  std::vector<std::optional<Duration>> started_at_;  ///< by task index, while it runs
  std::vector<bool> waiting_;                        ///< by task index: waits for its needs
  std::size_t waiting_count_ = 0;
  std::size_t failed_ = 0;
  bool shown_ = false;
  bool finished_ = false;
  bool drawn_once_ = false;
  Duration last_draw_{0};
};

}  // namespace mtask
