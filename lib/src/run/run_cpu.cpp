#include "run/run_cpu.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>

#include "mtask/grammar/cpu_set.hpp"
#include "posix/schedstat.hpp"

namespace mtask::detail {
namespace {

/// mtask's own user + system CPU time so far.
Duration own_cpu() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return Duration{0};
  auto of = [](const timeval& tv) {
    return Duration(std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec));
  };
  return of(usage.ru_utime) + of(usage.ru_stime);
}

}  // namespace

RunCpu::RunCpu(const std::vector<int>& cpus) : cpus_(cpus.empty() ? allowed_cpus() : cpus) {}

void RunCpu::begin() {
  busy_at_begin_ = posix::read_cpu_busy(cpus_);
  own_at_begin_ = own_cpu();
}

void RunCpu::end(SummaryEvent& summary) const {
  summary.cores = cpus_.size();
  if (!busy_at_begin_) return;
  const std::optional<Duration> busy = posix::read_cpu_busy(cpus_);
  if (!busy) return;
  summary.others_cpu =
      others_cpu(*busy - *busy_at_begin_, summary.cpu_sum, own_cpu() - own_at_begin_);
}

Duration others_cpu(Duration busy, Duration tasks, Duration own) {
  return std::max(busy - tasks - own, Duration{0});
}

}  // namespace mtask::detail
