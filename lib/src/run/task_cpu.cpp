#include "run/task_cpu.hpp"

#include <algorithm>
#include <chrono>

namespace mtask::detail {

void TaskCpu::seen(pid_t pid, const posix::SchedStat& stat) {
  // Called for every process of the task at every look: no search through the list.
  const auto [it, added] = where_.try_emplace(pid, descendants.size());
  if (added) {
    descendants.push_back(ProcessCpu{pid, stat, -1});
    seen_at_.push_back(look_);
  } else {
    descendants[it->second].stat = stat;
    seen_at_[it->second] = look_;
  }
}

void TaskCpu::look_done() {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < descendants.size(); ++i) {
    if (seen_at_[i] != look_) {
      // Gone, or left the group: its last figures count, and it is never read again.
      finished.on_cpu += descendants[i].stat.on_cpu;
      finished.waiting += descendants[i].stat.waiting;
      finished.slices += descendants[i].stat.slices;
      continue;
    }
    descendants[kept] = descendants[i];
    seen_at_[kept] = seen_at_[i];
    ++kept;
  }
  if (kept == descendants.size()) return;
  descendants.resize(kept);
  seen_at_.resize(kept);
  where_.clear();
  for (std::size_t i = 0; i < kept; ++i) where_.emplace(descendants[i].pid, i);
}

Duration TaskCpu::on_cpu() const {
  Duration seen = finished.on_cpu + (own ? own->on_cpu : Duration{0});
  for (const ProcessCpu& process : descendants) seen += process.stat.on_cpu;
  return seen;
}

CpuWait measure_wait(const TaskCpu& cpu, Duration used) {
  if (!cpu.own) return {};
  const Duration seen = cpu.on_cpu();
  Duration wait = cpu.own->waiting + cpu.finished.waiting;
  for (const ProcessCpu& process : cpu.descendants) wait += process.stat.waiting;
  // Processes that lived between two looks at the group (or left it) were not seen: their
  // CPU time is in wait4's rusage, their wait nowhere.
  const Duration margin = std::max<Duration>(std::chrono::milliseconds(10), used / 10);
  return CpuWait{wait, used - seen > margin};
}

}  // namespace mtask::detail
