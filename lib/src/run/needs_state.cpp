// Which task of a run waits for which, and what a failed need takes with it (docs/design.md,
// "Needs and services").
#include "run/needs_state.hpp"

#include <algorithm>
#include <map>
#include <string_view>

#include "mtask/plan/needs.hpp"

namespace mtask::detail {

std::vector<std::vector<std::size_t>> resolve_needs(const std::vector<Task>& tasks) {
  std::vector<std::vector<std::size_t>> needs(tasks.size());
  if (std::ranges::all_of(tasks, [](const Task& t) { return t.needs.empty(); })) return needs;
  // Names that are no task and cycles, in the words every caller of the library gets.
  check_needs(tasks);
  std::multimap<std::string_view, std::size_t> by_name;
  for (std::size_t i = 0; i < tasks.size(); ++i) by_name.emplace(tasks[i].name, i);
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    for (const std::string& name : tasks[i].needs) {
      const auto [first, last] = by_name.equal_range(name);
      for (auto it = first; it != last; ++it) {
        if (std::ranges::find(needs[i], it->second) == needs[i].end()) {
          needs[i].push_back(it->second);
        }
      }
    }
  }
  return needs;
}

NeedsState::NeedsState(const std::vector<Task>& tasks)
    : tasks_(tasks),
      needs_(resolve_needs(tasks)),
      needed_by_(tasks.size()),
      state_(tasks.size(), State::kWaiting),
      ready_(tasks.size(), false) {
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    for (const std::size_t need : needs_[i]) needed_by_[need].push_back(i);
    if (tasks[i].service) {
      ++services_waiting_;
    } else {
      ++tasks_left_;
    }
  }
  has_tasks_ = tasks_left_ > 0;
}

bool NeedsState::startable(std::size_t index) const {
  return std::ranges::all_of(needs_[index], [this](std::size_t need) { return ready_[need]; });
}

void NeedsState::started(std::size_t index) {
  if (state_[index] != State::kWaiting) return;
  state_[index] = State::kStarted;
  if (tasks_[index].service) --services_waiting_;
  advance();
}

void NeedsState::ended(std::size_t index) {
  if (state_[index] == State::kEnded) return;
  if (tasks_[index].service) {
    if (state_[index] == State::kWaiting) --services_waiting_;
  } else {
    --tasks_left_;
  }
  state_[index] = State::kEnded;
  advance();
}

void NeedsState::advance() {
  while (first_waiting_ < state_.size() && state_[first_waiting_] != State::kWaiting) {
    ++first_waiting_;
  }
}

std::vector<std::pair<std::size_t, std::size_t>> NeedsState::fail(std::size_t index) {
  std::vector<std::pair<std::size_t, std::size_t>> given_up;
  // Breadth first: each task is given up after the need that failed it.
  std::vector<std::size_t> failed{index};
  for (std::size_t next = 0; next < failed.size(); ++next) {
    const std::size_t need = failed[next];
    for (const std::size_t waiter : needed_by_[need]) {
      if (!waiting(waiter)) continue;
      ended(waiter);
      given_up.emplace_back(waiter, need);
      failed.push_back(waiter);
    }
  }
  return given_up;
}

}  // namespace mtask::detail
