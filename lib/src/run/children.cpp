#include "run/children.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <string>

#include <fmt/format.h>

#include "mtask/text/human.hpp"
#include "mtask/text/status.hpp"
#include "posix/proc_scan.hpp"
#include "posix/process_info.hpp"
#include "posix/schedstat.hpp"
#include "run/log.hpp"
#include "run/wait_status.hpp"

namespace mtask::detail {
namespace {

bool is_limit(std::error_code error) {
  const int e = error.value();
  return e == EAGAIN || e == ENOMEM || e == EMFILE || e == ENFILE;
}

/// Tells this run's processes from every other's: mtask's pid and the moment it started.
std::string make_run_id() {
  return fmt::format("{}-{}", getpid(), Clock::now().time_since_epoch().count());
}

/// Whether nothing holds the write end of any pipe of `slot` that is still open: each shows
/// POLLHUP (what is left in it can still be read).
bool writers_gone(const Slot& slot) {
  pollfd fds[2];
  nfds_t count = 0;
  for (const TaskPipe& pipe : slot.pipes) {
    if (pipe.open()) fds[count++] = pollfd{pipe.fd.get(), POLLIN, 0};
  }
  if (poll(fds, count, 0) < 0) return false;  // as if held: the grace still bounds it
  for (nfds_t i = 0; i < count; ++i) {
    if ((fds[i].revents & POLLHUP) == 0) return false;
  }
  return true;
}

}  // namespace

std::size_t Slot::signal(int sig) const {
  // Once reaped, the task's pid no longer pins its group id, which may then belong to another
  // process: a group is signalled only while its task's process, even a zombie, is unreaped.
  if (!reaped && kill(-pid, sig) != 0 && errno == ESRCH) kill(pid, sig);
  return adopted != nullptr ? adopted->signal_task(index, sig) : 0;
}

void Slot::stop_step(int sig) const {
  // Why this task is stopped, when it is its own reason; a stop of the whole run says why
  // once, before (Run::stop_all).
  if (sig == SIGTERM && stop.timed_out()) {
    log().info("task '{}' (pid {}) timed out", task.name, pid);
  } else if (sig == SIGTERM && outlived) {
    log().info(
        "task '{}' (pid {}) has exited, but what it started still holds its output after "
        "the grace",
        task.name, pid);
  }
  const std::string step = sig == SIGTERM ? "" : " (still there after the grace)";
  if (sig != SIGCONT && !reaped) {
    log().info("sending {} to task '{}' (process group {}){}", signal_name(sig), task.name, pid,
               step);
  }
  const std::size_t adoptees = signal(sig);
  // Once reaped, only what the task left behind is signalled: said only when there was some.
  if (sig != SIGCONT && reaped && adoptees > 0) {
    log().info("sent {} to {} that task '{}' (pid {}) left behind{}", signal_name(sig),
               count_of(adoptees, "process", "processes"), task.name, pid, step);
  }
}

Children::Children(const SignalGuard& signals, const RunOptions& options, bool commands)
    : signals_(signals),
      options_(options),
      parent_pid_(getpid()),
      run_id_(make_run_id()),
      // Built-in tasks start no processes: there is nothing of theirs to adopt.
      adopted_(run_id_, options.adopt_orphans && commands) {
  fd_soft_limit_ = raise_fd_limit();
  dev_null_.reset(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!dev_null_) throw fmt::system_error(errno, "open /dev/null");
  // Without it, each read at a task's exit goes by the path: the same figures.
  proc_dir_.reset(open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

Children::~Children() {
  // Like ninja's SubprocessSet::Clear(): first every group is killed, then each task reaped
  // (a task is reaped only after its group was killed, so a reaped one needs nothing), then
  // what mtask adopted.
  for (const auto& slot : running_) {
    if (!slot->reaped) kill(-slot->pid, SIGKILL);
  }
  for (const auto& slot : running_) {
    if (!slot->reaped) {
      while (waitpid(slot->pid, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
    // Reaped, its group id may be reused: the guardian must not kill that group any more.
    guardian_.forget(slot->pid);
  }
  try {
    adopted_.finish();
  } catch (const std::exception& error) {
    // Out of memory while unwinding: the guardian still finds them by their environment.
    log().error("cannot stop what tasks left behind: {}", error.what());
  }
}

void Children::start_guardian(std::size_t tasks) {
  // Room for each task's group and for the group of a probe command that watches it.
  if (const std::error_code error = guardian_.start(signals_.child_mask(), 2 * tasks, run_id_)) {
    log().warn(
        "no guardian process ({}): if mtask is killed with SIGKILL, processes that "
        "commands started may outlive it",
        error.message());
  }
  if (guardian_.pid() > 0) adopted_.exclude(guardian_.pid());
}

SpawnContext Children::context_of(std::size_t index) const {
  return SpawnContext{parent_pid_,    dev_null_.get(), &signals_.child_mask(),
                      guardian_.fd(), fd_soft_limit_,  options_.busy,
                      &options_.cpus, &run_id_,        index};
}

Children::Spawn Children::spawn(const std::vector<Task>& tasks,
                                std::span<const std::size_t> indices, std::size_t& started) {
  const std::size_t count = std::min(indices.size(), kMaxInRow);
  running_.reserve(running_.size() + count);
  started = 0;
  while (started < count) {
    Cut cut;
    started += fork_row(tasks, indices.subspan(started, count - started), cut);
    if (!cut.error) continue;
    // The pipes of the tasks before it were open while it was prepared; their write ends are
    // closed now, so it heads a row of its own rather than count as a limit hit alone.
    if (cut.preparing && cut.after > 0) continue;
    return spawn_failed(tasks[indices[started]], cut.error);
  }
  return Spawn::kStarted;
}

std::size_t Children::fork_row(const std::vector<Task>& tasks, std::span<const std::size_t> indices,
                               Cut& cut) {
  // A fork write-protects every page of the parent, and each page the parent writes afterwards
  // costs it a fault. So first everything the parent keeps of the children is made, so that a
  // child once forked always has an owner; then the forks follow one another with nothing
  // written between them but what each gives; then each child is recorded (docs/design.md,
  // "Forks in a row").
  struct InRow {
    std::unique_ptr<Slot> slot;
    ChildPrep prep;
    SpawnedChild child;
    TimePoint forked_at{};
  };
  std::array<InRow, kMaxInRow> row;
  std::size_t prepared = 0;
  for (; prepared < indices.size(); ++prepared) {
    const std::size_t index = indices[prepared];
    row[prepared].slot = std::make_unique<Slot>(tasks[index], index, -1, options_.kill_after);
    if ((cut.error = prepare_child(tasks[index], context_of(index), row[prepared].prep))) {
      cut.preparing = true;
      break;
    }
  }
  std::size_t forked = 0;
  for (; forked < prepared; ++forked) {
    InRow& next = row[forked];
    next.forked_at = Clock::now();
    if (const std::error_code error =
            fork_child(next.slot->task, context_of(next.slot->index), next.prep, next.child)) {
      cut = Cut{error, false, forked};
      break;
    }
  }
  cut.after = forked;
  // Each forked child gets its owner before anything that could throw: running_ has room.
  for (std::size_t k = 0; k < forked; ++k) {
    Slot& slot = *row[k].slot;
    slot.pid = row[k].child.pid;
    slot.pipe(Stream::kStdout).fd = std::move(row[k].child.out);
    slot.pipe(Stream::kStderr).fd = std::move(row[k].child.err);
    slot.forked_at = row[k].forked_at;
    slot.adopted = &adopted_;
    running_.push_back(std::move(row[k].slot));
  }
  for (std::size_t k = 0; k < forked; ++k) record(*running_[running_.size() - forked + k]);
  return forked;
}

void Children::record(Slot& slot) {
  const Task& task = slot.task;
  adopted_.task_started(slot.pid, slot.index);
  // A task's own timeout (from a task file) wins over the run's; 0 is none for either. A
  // service runs until the run is over: only its own applies.
  const Duration run_timeout = task.service ? Duration{0} : options_.timeout;
  if (const Duration timeout = task.timeout.value_or(run_timeout); timeout.count() > 0) {
    slot.stop.set_timeout(slot.forked_at + timeout);
  }
  log().info("started task '{}' as pid {}", task.name, slot.pid);
  log().debug("task '{}' is number {} of the run; its pipes are fds {} and {}", task.name,
              slot.index + 1, slot.pipe(Stream::kStdout).fd.get(),
              slot.pipe(Stream::kStderr).fd.get());
}

Children::Spawn Children::spawn_failed(const Task& task, const std::error_code& error) {
  // Wait for a running task to end, then try again; a service does not end before the run
  // is over, so waiting for services alone would wait for ever.
  const bool one_ends =
      std::any_of(running_.begin(), running_.end(), [](const auto& s) { return !s->task.service; });
  if (is_limit(error) && one_ends) {
    if (!warned_limit_) {
      log().warn("cannot start task '{}' yet: {}: {}; waiting for running tasks to end", task.name,
                 error.message(), describe_limit(error.value()));
      warned_limit_ = true;
    }
    waiting_for_room_ = true;
    return Spawn::kNoRoomYet;
  }
  log().error("cannot start task '{}': {}: {}", task.name, error.message(),
              describe_limit(error.value()));
  return Spawn::kFailed;
}

std::error_code Children::spawn_probe(const Task& probe_task, std::size_t index,
                                      SpawnedChild& child) {
  // The context of the task it watches: what the probe leaves behind is that task's.
  if (const std::error_code error = spawn_child(probe_task, context_of(index), child)) {
    return error;
  }
  // Before anything looks at mtask's children again: the probe is no orphan to adopt.
  adopted_.exclude(child.pid);
  return {};
}

void Children::probe_reaped(pid_t pid) {
  guardian_.forget(pid);
  adopted_.readmit(pid);
}

Slot* Children::find_unreaped(pid_t pid) {
  for (const auto& slot : running_) {
    if (slot->pid == pid && !slot->reaped) return slot.get();
  }
  return nullptr;
}

void Children::notice_stopped() {
  for (;;) {
    siginfo_t info{};
    // WSTOPPED alone: this takes the news of a stop (each is given once) and never reaps, so
    // the exit path below sees every exit as before.
    if (waitid(P_ALL, 0, &info, WSTOPPED | WNOHANG) != 0 || info.si_pid == 0) return;
    Slot* slot = find_unreaped(info.si_pid);
    if (slot == nullptr || slot->noticed_stop) continue;
    slot->noticed_stop = true;
    log().warn("task '{}' (pid {}) was stopped by {}: it makes no progress until it gets SIGCONT",
               slot->task.name, slot->pid, signal_name(info.si_status));
  }
}

void Children::reap_exited() {
  notice_stopped();
  bool hidden = false;  // an exit the loop below cannot see past
  for (;;) {
    siginfo_t info{};
    // Look without reaping: while the child is a zombie its pid, and so its process group,
    // cannot be reused, so leftovers in the group can still be killed safely.
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) break;
    if (Slot* slot = find_unreaped(info.si_pid)) {
      reap(*slot);
      // A task kept a zombie while its pipes are held would come first again and again.
      if (!slot->reaped) {
        hidden = true;
        break;
      }
    } else if (!adopted_.reap_if_adopted(info.si_pid)) {
      hidden = true;
      break;  // not one of ours (a caller's child, the guardian): look for ours one by one
    }
  }
  if (!hidden) return;
  for (const auto& slot : running_) {
    if (!slot->reaped) reap(*slot);
  }
  // Adoptees whose exit the loop above did not get to. (Living ones are looked for when their
  // task ends and at every stop: see Adopted.)
  adopted_.scan();
}

void Children::reap_drained() {
  for (const auto& slot : running_) {
    if (slot->exited && !slot->reaped && slot->pipes_closed()) reap(*slot);
  }
}

bool Children::notice_exit(Slot& slot) {
  if (slot.exited) return true;
  siginfo_t info{};
  if (waitid(P_PID, static_cast<id_t>(slot.pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 ||
      info.si_pid == 0) {
    return false;  // still running
  }
  slot.exited = true;
  slot.reaped_at = Clock::now();
  read_exit_cpu(slot);
  return true;
}

void Children::read_exit_cpu(Slot& slot) const {
  // Its process is a zombie until reaped: the scheduler's accounting of it is complete and
  // still there. What it started and still lives is looked at once more.
  slot.cpu.own = posix::read_schedstat(proc_dir_.get(), slot.pid);
  posix::ProcStat stat;
  // Where it ran last is for the samples' last stretch only: one read less per task.
  if (options_.sample_every.count() > 0 && posix::read_stat(slot.pid, stat)) {
    slot.cpu.own_processor = stat.processor;
  }
  for (ProcessCpu& process : slot.cpu.descendants) {
    if (const auto now = posix::read_schedstat(proc_dir_.get(), process.pid);
        now && posix::read_stat(process.pid, stat) && stat.pgrp == slot.pid) {
      process.stat = *now;
    }
  }
}

void Children::reap(Slot& slot) {
  if (!notice_exit(slot)) return;
  // Bytes still in a pipe whose writers are all gone (the loop has not read them yet, or may
  // not while mtask's output is backed up) are no leftover: nothing of the task holds its
  // pipes, so it is reaped now and its pipes are read to their end after.
  if (!slot.pipes_closed() && !writers_gone(slot)) {
    if (slot.outlived) return;
    // Something the task started still holds its output: it is read on for a while, and the
    // task stays unreaped meanwhile, so that its group can still be stopped safely.
    log().debug("pid {} (task '{}') exited, its pipes still open", slot.pid, slot.task.name);
    slot.outlived = true;
    slot.stop.on_reaped(slot.reaped_at, true);
    return;
  }
  // Whatever the task left behind in its group must not outlive it.
  kill(-slot.pid, SIGKILL);
  const pid_t pid = wait4(slot.pid, &slot.wait_status, WNOHANG, &slot.usage);
  if (pid != slot.pid) return;
  slot.reaped = true;
  adopted_.task_reaped(slot.pid);
  const Ending ending = decode_wait_status(slot.wait_status);
  if (ending.outcome == Outcome::kSignaled) {
    log().info("task '{}' (pid {}) was killed by {}", slot.task.name, slot.pid,
               signal_name(ending.signal));
  } else {
    log().info("task '{}' (pid {}) exited with status {}", slot.task.name, slot.pid, ending.code);
  }
  log().debug("reaped pid {} (task '{}'), wait status {:#x}", slot.pid, slot.task.name,
              slot.wait_status);
  if (!slot.outlived) slot.stop.on_reaped(slot.reaped_at, false);
}

void Children::remove(const Slot& slot) {
  adopted_.task_ended(slot.index);
  guardian_.forget(slot.pid);
  std::erase_if(running_, [&](const auto& s) { return s.get() == &slot; });
  waiting_for_room_ = false;
}

void Children::close() {
  adopted_.finish();
  dev_null_.reset();
  guardian_.stop();
}

}  // namespace mtask::detail
