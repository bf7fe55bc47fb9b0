#include "run/cpu_sampler.hpp"

#include <algorithm>

#include "posix/cpu_clock.hpp"
#include "posix/proc_scan.hpp"
#include "posix/schedstat.hpp"

namespace mtask::detail {
namespace {

/// What `pid` had at the last sample; zeros for a process not sampled before (a new process
/// starts from zero).
ProcessCpu before(const TaskCpu& cpu, pid_t pid) {
  const auto it = std::find_if(cpu.sampled.begin(), cpu.sampled.end(),
                               [&](const ProcessCpu& p) { return p.pid == pid; });
  return it != cpu.sampled.end() ? *it : ProcessCpu{pid, {}, -1, Duration{0}};
}

/// What one process did in a stretch of `span`.
struct Stretch {
  Duration running{0};
  Duration waiting{0};
};

/// Its CPU clock tells exactly what it ran, its state whether the rest was spent waiting for a
/// CPU: the scheduler's figures lag (time on a CPU is added at ticks and switches, time waiting
/// only once the CPU is given), so a process ready in a run queue shows neither yet. Ready at
/// the tick ('R'): the rest was waiting; otherwise asleep, but for the wait counted meanwhile.
Stretch stretch_of(const ProcessCpu& last, const ProcessCpu& now, char state, Duration span) {
  const Duration counted_wait = std::max(now.stat.waiting - last.stat.waiting, Duration{0});
  if (!now.clock || !last.clock) {  // no clock (gone, a zombie): the scheduler's figures
    return {std::max(now.stat.on_cpu - last.stat.on_cpu, Duration{0}), counted_wait};
  }
  const Duration ran = std::max(*now.clock - *last.clock, Duration{0});
  const Duration rest = std::max(span - ran, Duration{0});
  return {ran, state == 'R' ? rest : std::min(counted_wait, rest)};
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
  const Duration span = now - (cpu.sampled_at == TimePoint{} ? slot.forked_at : cpu.sampled_at);
  // Filled while `cpu.sampled` still holds the last sample, then swapped in: the two vectors
  // keep their storage from tick to tick.
  std::vector<ProcessCpu>& current = scratch_;
  current.clear();
  Stretch task;
  Duration most{-1};
  int processor = -1;
  auto add = [&](pid_t pid) {
    const auto stat = posix::read_schedstat(pid);
    if (!stat) return;  // gone since the group scan
    const ProcessCpu last = before(cpu, pid);
    ProcessCpu seen{pid, *stat, last.processor, posix::read_cpu_clock(pid)};
    // Its state and where it ran; a descendant's pid is checked to be still in the task's group.
    posix::ProcStat proc;
    if (!posix::read_stat(pid, proc)) return;
    if (pid != slot.pid && proc.pgrp != slot.pid) return;
    seen.processor = proc.processor;
    const Stretch part = stretch_of(last, seen, proc.state, span);
    task.running += part.running;
    task.waiting += part.waiting;
    if (part.running > most) {
      most = part.running;
      processor = seen.processor;
    }
    current.push_back(seen);
  };
  add(slot.pid);
  for (const ProcessCpu& process : cpu.descendants) add(process.pid);
  // The group scan's latest, refreshed with the scheduler's figures (never the clock's): the
  // task's wait at its end is then closer to exact.
  for (const ProcessCpu& process : current) {
    if (process.pid != slot.pid) cpu.seen(process.pid, process.stat);
  }
  cpu.sampled.swap(current);
  give(slot, now, task.running, task.waiting, processor);
}

void CpuSampler::last(Slot& slot) {
  if (every_.count() <= 0 || !slot.started || !slot.cpu.own) return;
  const ProcessCpu before_exit = before(slot.cpu, slot.pid);
  const posix::SchedStat& last = before_exit.stat;
  // At the exit the scheduler's time on a CPU is complete: from the clock's last reading, so
  // that the slice the clock already counted is not counted twice.
  const Duration ran_before = before_exit.clock ? *before_exit.clock : last.on_cpu;
  const Duration running = std::max(slot.cpu.own->on_cpu - ran_before, Duration{0});
  // Wait the samples already counted while it was ready may only now be added: at most the rest.
  const TimePoint from = slot.cpu.sampled_at == TimePoint{} ? slot.forked_at : slot.cpu.sampled_at;
  const Duration rest = std::max(slot.reaped_at - from - running, Duration{0});
  const Duration waiting =
      std::min(std::max(slot.cpu.own->waiting - last.waiting, Duration{0}), rest);
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
