#include "mtask/report/progress.hpp"

#include <cstdint>
#include <utility>

#include <fmt/format.h>

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
      show_early_(always || (jobs != 0 && tasks > jobs)),
      now_(std::move(now)) {}

void Progress::task_ended(bool failed) {
  if (running_ > 0) --running_;
  ++done_;
  if (failed) ++failed_;
}

std::string Progress::text(Duration elapsed) const {
  std::string line = fmt::format("mtask: {}/{} done, {} running, {} failed, {} elapsed", done_,
                                 tasks_, running_, failed_, short_duration(elapsed));
  if (done_ > 0 && done_ < tasks_) {
    // As many more tasks as done, at the pace so far.
    const auto left =
        elapsed * static_cast<std::int64_t>(tasks_ - done_) / static_cast<std::int64_t>(done_);
    line += fmt::format(", about {} left", short_duration(left));
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
  std::string status = text(elapsed);  // ASCII only: one byte per column
  if (width_ > 1 && status.size() >= width_) status.resize(width_ - 1);
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
