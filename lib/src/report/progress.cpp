#include "mtask/report/progress.hpp"

#include <cstdint>
#include <utility>

#include <fmt/format.h>

#include "mtask/text/width.hpp"

namespace mtask {
namespace {

constexpr std::string_view kEraseLine = "\r\x1b[K";

std::string short_duration(Duration d) {
  const double s = to_seconds(d);
  if (s < 60) return fmt::format("{:.1f} s", s);
  const auto whole = static_cast<long long>(s);
  return fmt::format("{}m{:02}s", whole / 60, whole % 60);
}

}  // namespace

Progress::Progress(Output& terminal, std::size_t tasks, std::size_t jobs, bool always, Clock now)
    : terminal_(terminal),
      tasks_(tasks),
      jobs_(jobs),
      show_early_(always || (jobs != 0 && tasks > jobs)),
      now_(std::move(now)),
      started_at_(tasks) {}

void Progress::task_waiting(std::size_t index) {
  if (index >= waiting_.size()) waiting_.resize(index + 1);
  if (waiting_[index]) return;
  waiting_[index] = true;
  ++waiting_count_;
}

void Progress::no_longer_waiting(std::size_t index) {
  if (index >= waiting_.size() || !waiting_[index]) return;
  waiting_[index] = false;
  --waiting_count_;
}

void Progress::task_started(std::size_t index) {
  no_longer_waiting(index);
  if (index >= started_at_.size()) started_at_.resize(index + 1);
  started_at_[index] = now_();
  ++running_;
}

void Progress::task_ended(std::size_t index, bool failed) {
  if (running_ > 0) --running_;
  ++done_;
  if (failed) ++failed_;
  if (index < started_at_.size() && started_at_[index]) {
    done_wall_ += now_() - *started_at_[index];
    started_at_[index].reset();
  }
}

void Progress::attempt_failed(std::size_t index) {
  if (running_ > 0) --running_;
  if (index < started_at_.size()) started_at_[index].reset();
}

void Progress::retry_cancelled(std::size_t index) {
  (void)index;  // attempt_failed() took it off the running ones already
  ++done_;
  ++failed_;
}

void Progress::task_not_started(std::size_t index) {
  no_longer_waiting(index);  // it was never running
  ++done_;
}

std::string Progress::text(Duration elapsed) const {
  std::string line = fmt::format("mtask: {}/{} done, {} running, ", done_, tasks_, running_);
  if (waiting_count_ > 0) line += fmt::format("{} waiting, ", waiting_count_);
  line += fmt::format("{} failed, {} elapsed", failed_, short_duration(elapsed));
  RunPace pace{
      .tasks = tasks_, .jobs = jobs_, .done = done_, .done_wall = done_wall_, .running = {}};
  for (const std::optional<Duration>& start : started_at_) {
    if (start) pace.running.push_back(elapsed - *start);
  }
  if (const std::optional<Duration> left = estimate_left(pace)) {
    line += fmt::format(", about {} left", short_duration(*left));
  }
  return line;
}

void Progress::erase() {
  if (!shown_) return;
  terminal_.write(kEraseLine);
  terminal_.flush();
  shown_ = false;
}

void Progress::draw_if_due() {
  if (finished_) return;
  const Duration elapsed = now_();
  if (!show_early_ && elapsed < kShowAfter) return;
  if (drawn_once_ && elapsed - last_draw_ < kMinRedraw) return;
  draw(elapsed);
}

void Progress::redraw() {
  if (finished_ || !drawn_once_) return;
  draw(now_());
}

void Progress::draw(Duration elapsed) {
  std::string status = text(elapsed);
  // One column short of the width: a line that fills the last column wraps on some terminals.
  if (width_ > 1) status.resize(width_cut(status, width_ - 1));
  std::string line(shown_ ? kEraseLine : "\r");
  line += status;
  terminal_.write(line);
  terminal_.flush();
  shown_ = true;
  drawn_once_ = true;
  last_draw_ = elapsed;
}

void Progress::finish() {
  erase();
  finished_ = true;
}

}  // namespace mtask
