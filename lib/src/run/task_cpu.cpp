#include "run/task_cpu.hpp"

#include <algorithm>
#include <chrono>

namespace mtask::detail {

void TaskCpu::seen(pid_t pid, const posix::SchedStat& stat) {
  const auto it = std::find_if(descendants.begin(), descendants.end(),
                               [&](const ProcessCpu& p) { return p.pid == pid; });
  if (it != descendants.end()) {
    it->stat = stat;
  } else {
    descendants.push_back(ProcessCpu{pid, stat});
  }
}

CpuWait measure_wait(const TaskCpu& cpu, Duration used) {
  if (!cpu.own) return {};
  Duration seen = cpu.own->on_cpu;
  Duration wait = cpu.own->waiting;
  for (const ProcessCpu& process : cpu.descendants) {
    seen += process.stat.on_cpu;
    wait += process.stat.waiting;
  }
  // Processes that lived between two looks at the group (or left it) were not seen: their
  // CPU time is in wait4's rusage, their wait nowhere.
  const Duration margin = std::max<Duration>(std::chrono::milliseconds(10), used / 10);
  return CpuWait{wait, used - seen > margin};
}

}  // namespace mtask::detail
