#include "run/line_turns.hpp"

#include <algorithm>

namespace mtask::detail {

void LineTurns::add(const TaskPipe& pipe, Stream stream) { pipes_[at(stream)].push_back(&pipe); }

void LineTurns::remove(const TaskPipe& pipe, Stream stream) {
  if (holder_[at(stream)] == &pipe) holder_[at(stream)] = nullptr;
  std::erase(pipes_[at(stream)], &pipe);
}

bool LineTurns::may_read(const TaskPipe& pipe, Stream stream) const {
  const TaskPipe* holder = holder_[at(stream)];
  return holder == nullptr || holder == &pipe;
}

void LineTurns::mid_line_changed(Stream stream, bool mid_line) {
  std::size_t& count = mid_line_[at(stream)];
  count = mid_line ? count + 1 : count - 1;
}

void LineTurns::update(TimePoint now) {
  if (!hold_) return;
  for (Stream stream : {Stream::kStdout, Stream::kStderr}) {
    const TaskPipe*& holder = holder_[at(stream)];
    // The turn ends with the line, with the pipe, or when the task stalls mid-line.
    if (holder != nullptr && (!holder->mid_line() || now - holder->last_read >= limit_)) {
      holder = nullptr;
    }
    if (holder != nullptr || mid_line_[at(stream)] == 0) continue;
    for (const TaskPipe* pipe : pipes_[at(stream)]) {
      if (pipe->mid_line() && now - pipe->last_read < limit_) {
        holder = pipe;
        break;
      }
    }
  }
  flush();
}

void LineTurns::deliver(const Deferred& event) {
  deferred_.push_back(event);
  flush();
}

void LineTurns::flush() {
  while (!deferred_.empty() && holder_[at(Stream::kStdout)] == nullptr) {
    const Deferred event = deferred_.front();
    deferred_.pop_front();
    release_(event);
  }
}

TimePoint LineTurns::deadline() const {
  TimePoint next = kNever;
  for (const TaskPipe* holder : holder_) {
    // Only the pipe that holds a turn can end it by stalling.
    if (holder != nullptr && holder->mid_line()) next = std::min(next, holder->last_read + limit_);
  }
  return next;
}

}  // namespace mtask::detail
