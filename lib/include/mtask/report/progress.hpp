#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "mtask/grammar/duration.hpp"
#include "mtask/report/output.hpp"

namespace mtask {

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

  void task_started() { ++running_; }
  void task_ended(bool failed);

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

  Output& terminal_;
  std::size_t tasks_;
  bool show_early_;
  Clock now_;
  std::size_t width_ = 0;
  std::size_t running_ = 0;
  std::size_t done_ = 0;
  std::size_t failed_ = 0;
  bool shown_ = false;
  bool finished_ = false;
  bool drawn_once_ = false;
  Duration last_draw_{0};
};

}  // namespace mtask
