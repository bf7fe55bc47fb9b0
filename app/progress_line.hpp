#pragma once
// The live status line as one of a run's event sinks: the line itself and the clock it reads.

#include <chrono>
#include <cstddef>
#include <optional>

#include "mtask/events.hpp"
#include "mtask/report/output.hpp"
#include "mtask/report/progress.hpp"

namespace app {

/// Holds the live status line; the text reporter draws and erases it. Its clock counts from
/// the runner's own time 0 (on_begin), so that "elapsed" on the line is the run's. Added to
/// the run before the text reporter, it knows the start before the line is first drawn.
class ProgressLine final : public mtask::EventSink {
 public:
  /// `terminal` is written to and flushed at once: a descriptor of its own on stderr.
  ProgressLine(mtask::Output& terminal, std::size_t tasks, std::size_t jobs, bool always)
      : progress_(terminal, tasks, jobs, always, [this] { return elapsed(); }) {}
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void on_begin(const mtask::BeginEvent& e) override { start_ = e.start; }
  /// Job control: the line leaves the terminal while the run is stopped, its clock leaves the
  /// time stopped out, and it comes back at once when the run goes on.
  void on_pause() override { progress_.erase(); }
  void on_resume(mtask::Duration stopped_for) override {
    if (start_)
      *start_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(stopped_for);
    progress_.redraw();
  }

  /// The time since the run began; 0 before it did.
  mtask::Duration elapsed() const {
    if (!start_) return mtask::Duration{0};
    return std::chrono::duration_cast<mtask::Duration>(std::chrono::steady_clock::now() - *start_);
  }

  mtask::Progress& progress() { return progress_; }

 private:
  std::optional<std::chrono::steady_clock::time_point> start_;
  mtask::Progress progress_;
};

}  // namespace app
