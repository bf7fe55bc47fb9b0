#include "run/cpu_sampler.hpp"

#include <algorithm>

#include "posix/proc_scan.hpp"
#include "posix/schedstat.hpp"

namespace mtask::detail {
namespace {

/// What `pid` had at the last sample; zeros for a process not sampled before (a new process
/// starts from zero).
ProcessCpu before(const TaskCpu& cpu, pid_t pid) {
  const auto it = std::find_if(cpu.sampled.begin(), cpu.sampled.end(),
                               [&](const ProcessCpu& p) { return p.pid == pid; });
  return it != cpu.sampled.end() ? *it : ProcessCpu{pid, {}, -1};
}

/// A sample is given once the task's start event is out, and only while its process runs.
bool sampled(const Slot& slot) { return slot.started && !slot.exited; }

}  // namespace

TimePoint CpuSampler::deadline() const {
  if (every_.count() <= 0) return kNever;
  const auto& running = children_.running();
  if (std::none_of(running.begin(), running.end(), [](const auto& s) { return sampled(*s); })) {
    return kNever;
  }
  return next_ == kNever ? Clock::now() + every_ : next_;
}

void CpuSampler::expire(TimePoint now) {
  if (every_.count() <= 0) return;
  if (next_ != kNever && now < next_) return;
  // On the period's own beat, unless the loop was held up past a whole period.
  next_ = next_ == kNever || next_ + every_ <= now ? now + every_ : next_ + every_;
  for (const auto& slot : children_.running()) {
    if (sampled(*slot)) sample(*slot, now);
  }
}

void CpuSampler::sample(Slot& slot, TimePoint now) {
  TaskCpu& cpu = slot.cpu;
  std::vector<ProcessCpu> current;
  Duration running{0};
  Duration waiting{0};
  Duration most{-1};
  int processor = -1;
  auto add = [&](pid_t pid) {
    const auto stat = posix::read_schedstat(pid);
    if (!stat) return;  // gone since the group scan
    const ProcessCpu last = before(cpu, pid);
    const Duration ran = std::max(stat->on_cpu - last.stat.on_cpu, Duration{0});
    ProcessCpu seen{pid, *stat, last.processor};
    // Where it ran is read only when it ran: a sleeper costs one read per tick. Then too a
    // descendant's pid is checked to be still in the task's group.
    if (ran.count() > 0 || last.processor < 0) {
      posix::ProcStat proc;
      if (!posix::read_stat(pid, proc)) return;
      if (pid != slot.pid && proc.pgrp != slot.pid) return;
      seen.processor = proc.processor;
    }
    running += ran;
    waiting += std::max(stat->waiting - last.stat.waiting, Duration{0});
    if (ran > most) {
      most = ran;
      processor = seen.processor;
    }
    current.push_back(seen);
  };
  add(slot.pid);
  for (const ProcessCpu& process : cpu.descendants) add(process.pid);
  // The group scan's latest, refreshed: the task's wait at its end is then closer to exact.
  for (const ProcessCpu& process : current) {
    if (process.pid != slot.pid) cpu.seen(process.pid, process.stat);
  }
  cpu.sampled = std::move(current);
  give(slot, now, running, waiting, processor);
}

void CpuSampler::last(Slot& slot) {
  if (every_.count() <= 0 || !slot.started || !slot.cpu.own) return;
  const posix::SchedStat last = before(slot.cpu, slot.pid).stat;
  const Duration running = std::max(slot.cpu.own->on_cpu - last.on_cpu, Duration{0});
  const Duration waiting = std::max(slot.cpu.own->waiting - last.waiting, Duration{0});
  give(slot, slot.reaped_at, running, waiting, slot.cpu.own_processor);
}

void CpuSampler::give(Slot& slot, TimePoint to, Duration running, Duration waiting, int cpu) {
  const TimePoint from = slot.cpu.sampled_at == TimePoint{} ? slot.forked_at : slot.cpu.sampled_at;
  slot.cpu.sampled_at = to;
  if (to <= from) return;
  sink_.on_cpu_sample(CpuSampleEvent{slot.task, slot.index, slot.pid, from - start_, to - start_,
                                     running, waiting, cpu});
}

}  // namespace mtask::detail
