#pragma once

#include <array>
#include <cstddef>
#include <deque>
#include <functional>
#include <vector>

#include "mtask/events.hpp"
#include "run/loop.hpp"
#include "run/task_slot.hpp"

namespace mtask::detail {

/// Who may write to each destination (stdout, stderr) in text mode: while a task is in the
/// middle of a long line on a destination it holds the turn there, and the other tasks' pipes
/// for it are not read, until the line ends, the pipe closes, or the task stalls mid-line for
/// `limit`. mtask's own start and end events wait in order until nobody holds stdout. Without
/// hold_partial_lines nobody ever holds a turn and events go out at once.
class LineTurns final : public Source {
 public:
  /// A start or exit event of mtask's own, held while a task is mid-line on stdout.
  struct Deferred {
    bool is_exit;
    std::size_t task;
    int pid;
    int ppid;
    Duration t;
  };
  using Release = std::function<void(const Deferred&)>;

  LineTurns(bool hold_partial_lines, Duration limit, Release release)
      : hold_(hold_partial_lines), limit_(limit), release_(std::move(release)) {}

  /// A task's pipe to take part, in the order tasks start (the first one mid-line gets the turn).
  void add(const TaskPipe& pipe, Stream stream);
  /// The pipe's task has ended: it gives up its turn and takes part no more.
  void remove(const TaskPipe& pipe, Stream stream);
  /// Whether `pipe` may be read now: nobody holds its destination, or it does.
  bool may_read(const TaskPipe& pipe, Stream stream) const;
  /// A pipe entered or left the middle of a line.
  void mid_line_changed(Stream stream, bool mid_line);
  /// Ends turns that are over at `now`, hands a free turn on, then releases deferred events.
  void update(TimePoint now);
  /// Gives the event out now if nobody holds stdout, else when the turn ends.
  void deliver(const Deferred& event);
  /// Gives out the deferred events, in order, while nobody holds stdout.
  void flush();

  /// The time the holder of a turn would have stalled too long.
  TimePoint deadline() const override;

 private:
  static std::size_t at(Stream s) { return static_cast<std::size_t>(s); }

  bool hold_;
  Duration limit_;
  Release release_;
  std::array<std::vector<const TaskPipe*>, 2> pipes_;
  std::array<const TaskPipe*, 2> holder_{nullptr, nullptr};
  // Pipes mid-line, per destination: while there are none, nobody can take a turn, and
  // update() need not look at every pipe after every read.
  std::array<std::size_t, 2> mid_line_{0, 0};
  std::deque<Deferred> deferred_;
};

}  // namespace mtask::detail
