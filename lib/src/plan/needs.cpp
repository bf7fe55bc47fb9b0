// needs: every name is a task of the file, and no task needs itself, directly or through
// others (docs/tasks.md, "Errors in a task file").
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/text/suggest.hpp"
#include "plan/file_text.hpp"

namespace mtask::detail {
namespace {

/// A depth-first walk of the needs that fails at the first cycle it meets.
class CycleFinder {
 public:
  CycleFinder(const TaskFile& file, const std::map<std::string_view, std::size_t>& index)
      : file_(file), index_(index), state_(file.tasks.size(), State::kNew) {}

  void visit(std::size_t task) {
    if (state_[task] == State::kDone) return;
    state_[task] = State::kOnPath;
    path_.push_back(task);
    const FileTask& from = file_.tasks[task];
    for (const std::string& need : from.extras.needs) {
      const std::size_t next = index_.at(need);
      if (state_[next] == State::kOnPath) fail_cycle(next);
      visit(next);
    }
    path_.pop_back();
    state_[task] = State::kDone;
  }

 private:
  enum class State { kNew, kOnPath, kDone };

  /// The cycle from `start` (on the path) back to it, told at the place where `start` names
  /// the next task of the cycle.
  [[noreturn]] void fail_cycle(std::size_t start) const {
    const auto first = std::ranges::find(path_, start);
    std::string cycle;
    for (auto it = first; it != path_.end(); ++it) {
      cycle += fmt::format("{} -> ", file_.tasks[*it].spec.name);
    }
    cycle += file_.tasks[start].spec.name;
    const FileTask& task = file_.tasks[start];
    const std::string& next =
        first + 1 == path_.end() ? task.spec.name : file_.tasks[*(first + 1)].spec.name;
    const auto need = std::ranges::find(task.extras.needs, next) - task.extras.needs.begin();
    fail_at(file_.name, task.needs_at[static_cast<std::size_t>(need)],
            fmt::format("tasks need each other in a cycle: {}", cycle));
  }

  const TaskFile& file_;
  const std::map<std::string_view, std::size_t>& index_;
  std::vector<State> state_;
  std::vector<std::size_t> path_;
};

}  // namespace

void check_needs(const TaskFile& file) {
  std::map<std::string_view, std::size_t> index;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < file.tasks.size(); ++i) {
    index[file.tasks[i].spec.name] = i;
    names.push_back(file.tasks[i].spec.name);
  }
  // Worded as the command line's --needs words them (app/services.cpp).
  for (const FileTask& task : file.tasks) {
    for (std::size_t n = 0; n < task.extras.needs.size(); ++n) {
      const std::string& need = task.extras.needs[n];
      if (need == task.spec.name) {
        fail_at(file.name, task.needs_at[n],
                fmt::format("task {} needs itself", quote_arg(task.spec.name)));
      }
      if (!index.contains(need)) {
        fail_at(file.name, task.needs_at[n],
                fmt::format("task {} needs {}, which is no task of this file{}",
                            quote_arg(task.spec.name), quote_arg(need), did_you_mean(need, names)));
      }
    }
  }
  CycleFinder finder(file, index);
  for (std::size_t i = 0; i < file.tasks.size(); ++i) finder.visit(i);
}

}  // namespace mtask::detail
