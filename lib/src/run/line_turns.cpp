#include "run/line_turns.hpp"

#include <algorithm>

namespace mtask::detail {

void LineTurns::add(const TaskPipe& pipe, Stream stream, std::size_t task) {
  pipes_[at(stream)].push_back(Entry{&pipe, task});
}

void LineTurns::remove(const TaskPipe& pipe, Stream stream) {
  const std::size_t dest = at(stream);
  if (holder_[dest] == &pipe) end_turn(dest);
  if (passed_from_[dest] == &pipe) passed_from_[dest] = nullptr;
  std::erase_if(pipes_[dest], [&](const Entry& e) { return e.pipe == &pipe; });
  std::erase(waiting_[dest], &pipe);
}

bool LineTurns::may_read(const TaskPipe& pipe, Stream stream) const {
  const TaskPipe* holder = holder_[at(stream)];
  return holder == nullptr || holder == &pipe;
}

void LineTurns::waits(const TaskPipe& pipe, Stream stream) {
  if (!is_waiting(pipe, stream)) waiting_[at(stream)].push_back(&pipe);
}

bool LineTurns::is_waiting(const TaskPipe& pipe, Stream stream) const {
  const auto& waiting = waiting_[at(stream)];
  return std::find(waiting.begin(), waiting.end(), &pipe) != waiting.end();
}

void LineTurns::took(const TaskPipe& pipe, Stream stream, std::size_t bytes) {
  const std::size_t dest = at(stream);
  if (holder_[dest] == &pipe) {
    taken_[dest] += bytes;
  } else if (passed_from_[dest] != nullptr && passed_from_[dest] != &pipe) {
    // Those the turn passed to still write: nobody takes it from them yet.
    free_until_[dest] = pipe.last_read + fairness_.free;
  }
}

void LineTurns::mid_line_changed(Stream stream, bool mid_line) {
  std::size_t& count = mid_line_[at(stream)];
  count = mid_line ? count + 1 : count - 1;
}

std::size_t LineTurns::task_of(std::size_t dest, const TaskPipe* pipe) const {
  for (const Entry& e : pipes_[dest]) {
    if (e.pipe == pipe) return e.task;
  }
  return kNoTask;
}

bool LineTurns::others_wait(std::size_t dest) const {
  // mtask's own start and end lines wait for stdout too.
  return !waiting_[dest].empty() || (dest == at(Stream::kStdout) && !deferred_.empty());
}

bool LineTurns::waits_elsewhere(std::size_t dest) const {
  // The holder's task also has data for the other destination, which another task holds:
  // it is most likely blocked writing there, and will not go on here until it may.
  const std::size_t task = task_of(dest, holder_[dest]);
  if (task == kNoTask) return false;
  const std::size_t other = 1 - dest;
  return std::any_of(waiting_[other].begin(), waiting_[other].end(),
                     [&](const TaskPipe* p) { return task_of(other, p) == task; });
}

void LineTurns::end_turn(std::size_t dest) {
  const TaskPipe* holder = holder_[dest];
  holder_[dest] = nullptr;
  // The tasks that waited get a round of reads before anyone takes the destination again.
  if (!waiting_[dest].empty()) {
    free_rounds_[dest] = 2;
    passed_from_[dest] = holder;
  }
  waiting_[dest].clear();
}

void LineTurns::give_turn(std::size_t dest, TimePoint now) {
  const auto& pipes = pipes_[dest];
  // Round-robin from after the last holder, so that two tasks mid-line take turns.
  for (std::size_t k = 1; k <= pipes.size(); ++k) {
    const std::size_t i = (last_holder_[dest] + k) % pipes.size();
    const TaskPipe* pipe = pipes[i].pipe;
    if (pipe->mid_line() && now - pipe->last_read < limit_) {
      holder_[dest] = pipe;
      turn_began_[dest] = now;
      taken_[dest] = 0;
      last_holder_[dest] = i;
      passed_from_[dest] = nullptr;
      waiting_[dest].clear();
      return;
    }
  }
}

bool LineTurns::turn_over(std::size_t dest, TimePoint now) const {
  const TaskPipe* holder = holder_[dest];
  if (holder == nullptr) return false;
  // The turn ends with the line, with the pipe, when the task stalls mid-line, and once
  // others wait: when it is used up (Fairness), or at once when the holder waits for its
  // other destination.
  if (!holder->mid_line() || now - holder->last_read >= limit_) return true;
  if (!others_wait(dest)) return false;
  return now - turn_began_[dest] >= fairness_.slice || now - holder->last_read >= fairness_.quiet ||
         taken_[dest] >= fairness_.budget || waits_elsewhere(dest);
}

void LineTurns::update(TimePoint now) {
  if (!hold_) return;
  // Both decided before either ends: two holders waiting for each other both pass.
  const std::array<bool, 2> over{turn_over(0, now), turn_over(1, now)};
  for (std::size_t dest = 0; dest < 2; ++dest) {
    if (over[dest]) end_turn(dest);
  }
  flush();  // mtask's own lines go out before anyone takes stdout again
  for (std::size_t dest = 0; dest < 2; ++dest) {
    if (holder_[dest] != nullptr || free_rounds_[dest] > 0 || mid_line_[dest] == 0 ||
        (passed_from_[dest] != nullptr && now < free_until_[dest])) {
      continue;
    }
    give_turn(dest, now);
  }
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

void LineTurns::watch(PollSet& set) {
  (void)set;
  for (int& rounds : free_rounds_) rounds = std::max(rounds - 1, 0);
}

TimePoint LineTurns::deadline() const {
  TimePoint next = kNever;
  for (std::size_t dest = 0; dest < 2; ++dest) {
    const TaskPipe* holder = holder_[dest];
    if (holder == nullptr || !holder->mid_line()) continue;
    // Only the pipe that holds a turn can end it by stalling, or by its time while others wait.
    next = std::min(next, holder->last_read + limit_);
    if (others_wait(dest)) {
      next = std::min(
          {next, turn_began_[dest] + fairness_.slice, holder->last_read + fairness_.quiet});
    }
  }
  return next;
}

}  // namespace mtask::detail
