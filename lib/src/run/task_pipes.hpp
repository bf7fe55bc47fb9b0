#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "mtask/events.hpp"
#include "run/children.hpp"
#include "run/line_turns.hpp"
#include "run/loop.hpp"

namespace mtask::detail {

/// What the reading of task pipes finds, for the run to report.
class PipeEvents {
 public:
  virtual ~PipeEvents() = default;
  /// The task said hello (slot.said_hello()), or ended before it could.
  virtual void on_hello(Slot& slot) = 0;
  /// Lines (or pieces of lines) read at `at`, in order: those of one read together.
  virtual void on_lines(Slot& slot, Stream stream, std::span<const LinePiece> lines,
                        TimePoint at) = 0;
};

/// The source of the tasks' output: their pipes, each read when it may be (LineTurns), the
/// hello first, at most kReadsPerRound reads per pipe per round so that one busy task cannot
/// starve the others, and bytes split into lines.
class TaskPipes final : public Source {
 public:
  TaskPipes(const Children& children, LineTurns& turns, PipeEvents& events)
      : children_(children), turns_(turns), events_(events) {}

  /// While `paused()` is true no pipe is read (mtask's own output is backed up: the tasks wait,
  /// and memory stays bounded).
  void pause_while(std::function<bool()> paused) { paused_ = std::move(paused); }

  void watch(PollSet& set) override;
  void ready(std::size_t token, short revents) override;

  /// Reads the hello if it is not read yet and can be; true once it has been handled.
  bool read_hello(Slot& slot);
  /// Stops reading the task's pipes: reads what is in them already, turn or not (nothing read
  /// may be lost), ends any open line and closes them.
  void give_up(Slot& slot);

 private:
  void read(Slot& slot, Stream stream);
  bool paused() const { return paused_ && paused_(); }
  void split(Slot& slot, Stream stream, std::string_view bytes, bool at_end);

  const Children& children_;
  LineTurns& turns_;
  PipeEvents& events_;
  std::vector<std::pair<Slot*, Stream>> owners_;  // this round's token -> pipe
  std::vector<char> buffer_;
  std::vector<LinePiece> batch_;  ///< the lines of one read, reused from read to read
  std::function<bool()> paused_;
};

}  // namespace mtask::detail
