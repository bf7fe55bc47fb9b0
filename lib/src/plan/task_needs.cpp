// The needs of a task list: no name that is no task, no task that needs itself, no cycle
// (docs/tasks.md, "Services and needs"). A task file's own check, with its places, is
// needs.cpp.
#include <string_view>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/plan/needs.hpp"

namespace mtask {
namespace {

/// The needs between the names of a task list: a NAME names every task of that name, so tasks
/// that need each other in a cycle are names that do, and the walk stays linear when many
/// tasks share a name.
struct NameGraph {
  std::vector<std::string_view> names;          ///< in the order they first appear
  std::vector<std::vector<std::size_t>> needs;  ///< per name, the names it needs
  std::unordered_map<std::string_view, std::size_t> ids;
};

NameGraph graph_of(const std::vector<Task>& tasks) {
  NameGraph graph;
  for (const Task& task : tasks) {
    if (graph.ids.emplace(task.name, graph.names.size()).second) graph.names.push_back(task.name);
  }
  graph.needs.resize(graph.names.size());
  for (const Task& task : tasks) {
    const std::size_t from = graph.ids.at(task.name);
    for (const std::string& need : task.needs) {
      const auto to = graph.ids.find(need);
      if (to == graph.ids.end()) {
        throw UsageError(fmt::format("task {} needs {}, which is no task", quote_arg(task.name),
                                     quote_arg(need)));
      }
      if (to->second == from) {
        throw UsageError(fmt::format("task {} needs itself", quote_arg(task.name)));
      }
      graph.needs[from].push_back(to->second);
    }
  }
  return graph;
}

/// The cycle from `start` (on `path`) back to it; a long one is cut in the middle, so that
/// the message stays a line.
[[noreturn]] void fail_cycle(const NameGraph& graph,
                             const std::vector<std::pair<std::size_t, std::size_t>>& path,
                             std::size_t start) {
  constexpr std::size_t kShown = 16;
  std::size_t at = path.size();
  while (path[at - 1].first != start) --at;
  const std::size_t length = path.size() - at + 1;
  std::string cycle;
  for (std::size_t i = 0; i < length; ++i) {
    if (length > kShown && i == kShown - 1) {
      cycle += fmt::format("... ({} more) -> ", length - i);
      break;
    }
    cycle += fmt::format("{} -> ", graph.names[path[at - 1 + i].first]);
  }
  throw UsageError(
      fmt::format("tasks need each other in a cycle: {}{}", cycle, graph.names[start]));
}

/// A depth-first walk without recursion (a generated list may chain thousands of needs), that
/// fails at the first cycle it meets.
void find_cycle(const NameGraph& graph) {
  enum class State { kNew, kOnPath, kDone };
  std::vector<State> state(graph.names.size(), State::kNew);
  // The path: each name with the next of its needs to follow.
  std::vector<std::pair<std::size_t, std::size_t>> path;
  for (std::size_t root = 0; root < graph.names.size(); ++root) {
    if (state[root] != State::kNew) continue;
    state[root] = State::kOnPath;
    path.emplace_back(root, 0);
    while (!path.empty()) {
      auto& [name, next] = path.back();
      if (next == graph.needs[name].size()) {
        state[name] = State::kDone;
        path.pop_back();
        continue;
      }
      const std::size_t need = graph.needs[name][next++];
      if (state[need] == State::kOnPath) {
        fail_cycle(graph, path, need);
      }
      if (state[need] == State::kNew) {
        state[need] = State::kOnPath;
        path.emplace_back(need, 0);
      }
    }
  }
}

}  // namespace

void check_needs(const std::vector<Task>& tasks) {
  bool any = false;
  for (const Task& task : tasks) any = any || !task.needs.empty();
  if (!any) return;  // the common list: nothing to build
  find_cycle(graph_of(tasks));
}

}  // namespace mtask
