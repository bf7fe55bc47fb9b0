#include "run/job_control.hpp"

#include <csignal>
#include <vector>

#include "mtask/text/status.hpp"
#include "posix/job_stop.hpp"
#include "run/log.hpp"

namespace mtask::detail {

void JobControl::stop_and_resume(int sig) {
  log().info("{}: stopping every task, then mtask", signal_name(sig));
  sink_.on_pause();
  const TimePoint paused_at = Clock::now();
  timers_.pause(paused_at);
  retries_.pause(paused_at);
  readiness_.pause(paused_at);
  // Only a group whose leader is not reaped: its pid, still held, pins the group id. The
  // list is kept, so that exactly the groups stopped here are continued.
  std::vector<const Slot*> stopped;
  stopped.reserve(children_.running().size());
  for (const auto& slot : children_.running()) {
    if (slot->reaped) continue;
    slot->signal(SIGSTOP);
    stopped.push_back(slot.get());
  }
  if (const std::error_code error = stop_this_process(sig)) {
    log().warn("mtask cannot stop itself ({}): its tasks go on at once", error.message());
  }
  // Continued: the tasks first, so that none stays stopped whatever comes next. Nothing was
  // reaped in between (SIGCHLD waits, blocked), so every pid here still pins its group. A stop
  // followed at once by SIGCONT is not reported by waitid(WSTOPPED), so mtask does not warn
  // about the stops it made itself.
  for (const Slot* slot : stopped) slot->signal(SIGCONT);
  const TimePoint resumed_at = Clock::now();
  timers_.resume(resumed_at);
  retries_.resume(resumed_at);
  readiness_.resume(resumed_at);
  queues_.resume(std::chrono::duration_cast<Duration>(resumed_at - paused_at));
  log().info("continued after {:.1f} s: every task goes on",
             std::chrono::duration<double>(resumed_at - paused_at).count());
  sink_.on_resume(std::chrono::duration_cast<Duration>(resumed_at - paused_at));
}

}  // namespace mtask::detail
