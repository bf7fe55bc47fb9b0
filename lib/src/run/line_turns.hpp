#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <vector>

#include "mtask/events.hpp"
#include "run/loop.hpp"
#include "run/task_slot.hpp"

namespace mtask::detail {

/// How long a turn lasts once another task waits for the destination: the turn passes at
/// the first of these.
struct TurnFairness {
  Duration slice = std::chrono::milliseconds(250);  ///< the turn is this old
  Duration quiet = std::chrono::milliseconds(100);  ///< the holder wrote nothing for this long
  std::size_t budget = 256 * 1024;                  ///< the holder wrote this much in its turn
  /// After a turn passed, the destination stays free until the others have written nothing
  /// for this long.
  Duration free = std::chrono::milliseconds(50);
};

/// Who may write to each destination (stdout, stderr) in text mode: while a task is in the
/// middle of a long line on a destination it holds the turn there, and the other tasks' pipes
/// for it are not read, until the line ends, the pipe closes, or the task stalls mid-line for
/// `limit`. The turn is fair (docs/design.md, "Fair turns"): once another task waits for the
/// destination (its pipe has data but may not be read), the holder keeps it only while it
/// goes on writing, for a bounded time and number of bytes (Fairness), and not at all while
/// it waits itself for its other destination, held by another task; then the turn passes, the
/// destination stays free for a round of reads, and the next turn goes round-robin. mtask's own
/// start and end events wait in order until nobody holds stdout. Without hold_partial_lines nobody
/// ever holds a turn and events go out at once.
class LineTurns final : public Source {
 public:
  /// A start, ready or exit event of mtask's own, held while a task is mid-line on stdout.
  struct Deferred {
    /// An exit with outcome kNotStarted is a task that will never start (a need failed).
    enum class Kind { kStart, kExit, kReady };
    Kind kind;
    std::size_t task;
    int pid;
    int ppid;
    Duration t;
    /// For an exit (or a ready event): the attempt's result as it ended (is now). A copy, since a
    /// retry of the task may start before the event is released (docs/tasks.md, "Retries").
    TaskResult result{};
    std::uint32_t attempt = 1;  ///< for a start: which attempt of the task
    bool retrying = false;      ///< for an exit: the task runs again
    /// For an exit: not a new one, the task's retry was cancelled (EventSink::on_retry_cancelled).
    bool retry_cancelled = false;
  };
  using Release = std::function<void(const Deferred&)>;
  using Fairness = TurnFairness;

  /// No task given: a pipe that is its task's only one.
  static constexpr std::size_t kNoTask = std::numeric_limits<std::size_t>::max();

  LineTurns(bool hold_partial_lines, Duration limit, Release release, Fairness fairness = {})
      : hold_(hold_partial_lines),
        limit_(limit),
        fairness_(fairness),
        release_(std::move(release)) {}

  /// A task's pipe to take part, in the order tasks start; `task` tells which pipes belong to
  /// one task (to see a holder that waits for its other destination).
  void add(const TaskPipe& pipe, Stream stream, std::size_t task = kNoTask);
  /// The pipe's task has ended: it gives up its turn and takes part no more.
  void remove(const TaskPipe& pipe, Stream stream);
  /// Whether `pipe` may be read now: nobody holds its destination, or it does.
  bool may_read(const TaskPipe& pipe, Stream stream) const;
  /// `pipe` may not be read and has data (or hung up): its task waits for the destination.
  void waits(const TaskPipe& pipe, Stream stream);
  /// Whether waits() was told about `pipe` since its destination's turn last changed.
  bool is_waiting(const TaskPipe& pipe, Stream stream) const;
  /// `bytes` were read from `pipe` (they count against its turn when it holds one).
  void took(const TaskPipe& pipe, Stream stream, std::size_t bytes);
  /// A pipe entered or left the middle of a line.
  void mid_line_changed(Stream stream, bool mid_line);
  /// Ends turns that are over at `now`, hands a free turn on, then releases deferred events.
  void update(TimePoint now);
  /// Gives the event out now if nobody holds stdout, else when the turn ends.
  void deliver(const Deferred& event);
  /// Gives out the deferred events, in order, while nobody holds stdout.
  void flush();

  /// Counts the loop's rounds: a destination whose turn passed stays free for one.
  void watch(PollSet& set) override;
  /// The time the holder of a turn would have stalled too long, or its slice ends.
  TimePoint deadline() const override;
  /// Ends the turns that are over.
  void expire(TimePoint now) override { update(now); }

 private:
  struct Entry {
    const TaskPipe* pipe;
    std::size_t task;
  };
  static std::size_t at(Stream s) { return static_cast<std::size_t>(s); }
  bool turn_over(std::size_t dest, TimePoint now) const;
  void end_turn(std::size_t dest);
  void give_turn(std::size_t dest, TimePoint now);
  std::size_t task_of(std::size_t dest, const TaskPipe* pipe) const;
  bool others_wait(std::size_t dest) const;
  bool waits_elsewhere(std::size_t dest) const;

  bool hold_;
  Duration limit_;
  Fairness fairness_;
  Release release_;
  std::array<std::vector<Entry>, 2> pipes_;
  std::array<const TaskPipe*, 2> holder_{nullptr, nullptr};
  std::array<TimePoint, 2> turn_began_{};
  std::array<std::size_t, 2> taken_{0, 0};  // bytes the holder wrote in its turn
  // Where the round-robin goes on from: the index in pipes_ of the last holder.
  std::array<std::size_t, 2> last_holder_{0, 0};
  // Pipes known to wait for the destination (has data, may not be read).
  std::array<std::vector<const TaskPipe*>, 2> waiting_;
  // Rounds the destination stays free after its turn passed, so that the waiting pipes are read.
  std::array<int, 2> free_rounds_{0, 0};
  // After a turn passed: the pipe that held it, and until when nobody takes a turn (the
  // others go on writing).
  std::array<const TaskPipe*, 2> passed_from_{nullptr, nullptr};
  std::array<TimePoint, 2> free_until_{};
  // Pipes mid-line, per destination: while there are none, nobody can take a turn, and
  // update() need not look at every pipe after every read.
  std::array<std::size_t, 2> mid_line_{0, 0};
  std::deque<Deferred> deferred_;
};

}  // namespace mtask::detail
