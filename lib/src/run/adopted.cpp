#include "run/adopted.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <string_view>

#include "posix/proc_scan.hpp"
#include "run/log.hpp"

namespace mtask::detail {
namespace {

/// Rounds of kill-and-reap at the end of a run before mtask gives up on adoptees that keep
/// coming (each round takes every child there is, so a process tree is done in its depth).
constexpr int kFinishRounds = 1000;

struct ChildrenScan {
  pid_t parent;
  std::vector<pid_t>* found;
};

}  // namespace

Adopted::Adopted(std::string run_id, bool enabled)
    : prefix_("MTASK_RUN=" + run_id + ":"), enabled_(enabled), self_(getpid()) {
  const std::vector<pid_t> before = children();
  excluded_.insert(before.begin(), before.end());
  if (!enabled_) return;
  if (prctl(PR_GET_CHILD_SUBREAPER, &previous_, 0, 0, 0) != 0 ||
      prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
    log().warn("cannot adopt what tasks leave behind (prctl PR_SET_CHILD_SUBREAPER: {})",
               std::strerror(errno));
    enabled_ = false;
  }
}

Adopted::~Adopted() {
  if (enabled_ && previous_ == 0 && prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0) != 0) {
    log().debug("prctl PR_SET_CHILD_SUBREAPER 0: {}", std::strerror(errno));
  }
}

std::vector<pid_t> Adopted::children() const {
  std::vector<pid_t> pids;
  // One thread only (run_tasks checks): its children are all the process's children.
  std::ifstream file("/proc/self/task/" + std::to_string(self_) + "/children");
  if (file) {
    for (long pid = 0; file >> pid;) pids.push_back(static_cast<pid_t>(pid));
    return pids;
  }
  // A kernel without CONFIG_PROC_CHILDREN: every process's parent is looked at.
  char buffer[8192];
  ChildrenScan scan{self_, &pids};
  posix::for_each_process(
      buffer,
      [](pid_t pid, void* context) {
        auto* s = static_cast<ChildrenScan*>(context);
        posix::ProcStat stat;
        if (posix::read_stat(pid, stat) && stat.ppid == s->parent) s->found->push_back(pid);
      },
      &scan);
  return pids;
}

std::size_t Adopted::task_of(pid_t pid) const {
  char buffer[4096];
  char value[64];
  const std::ptrdiff_t size = posix::find_in_environ(pid, prefix_, buffer, value);
  if (size <= 0) return kNoTask;
  const long index = posix::parse_decimal({value, static_cast<std::size_t>(size)});
  return index < 0 ? kNoTask : static_cast<std::size_t>(index);
}

void Adopted::task_started(pid_t pid, std::size_t index) {
  task_pids_.emplace(pid, index);
  running_tasks_.insert(index);
}

void Adopted::task_ended(std::size_t index) {
  running_tasks_.erase(index);
  if (enabled_) ended_.push_back(index);
}

void Adopted::stop_ended() {
  if (ended_.empty()) return;
  // One look for all the tasks that ended this round: it also kills what they left that was
  // not adopted yet.
  scan();
  for (auto& [pid, adoptee] : adoptees_) {
    if (adoptee.killed || adoptee.task == kNoTask) continue;
    if (std::find(ended_.begin(), ended_.end(), adoptee.task) != ended_.end()) {
      kill_adoptee(pid, adoptee, SIGKILL);
    }
  }
  ended_.clear();
}

void Adopted::kill_adoptee(pid_t pid, Adoptee& adoptee, int sig) {
  // Unreaped, the adoptee pins its pid, and its group id if it leads its group.
  if (getpgid(pid) == pid) kill(-pid, sig);
  kill(pid, sig);
  if (sig == SIGKILL) adoptee.killed = true;
}

std::size_t Adopted::signal_task(std::size_t index, int sig) {
  if (!enabled_) return 0;
  scan();
  std::size_t signalled = 0;
  for (auto& [pid, adoptee] : adoptees_) {
    if (adoptee.task == index && !adoptee.killed) {
      log().debug("signal {} to pid {}, adopted from task {}", sig, pid, index);
      kill_adoptee(pid, adoptee, sig);
      ++signalled;
    }
  }
  return signalled;
}

bool Adopted::reap(pid_t pid, bool block) {
  for (;;) {
    const pid_t got = waitpid(pid, nullptr, block ? 0 : WNOHANG);
    if (got < 0 && errno == EINTR) continue;
    if (got == 0) return false;
    // Reaped, or not a child any more (ECHILD): either way it is gone from the list.
    adoptees_.erase(pid);
    return true;
  }
}

bool Adopted::reap_if_adopted(pid_t pid) {
  if (!enabled_ || task_pids_.contains(pid) || excluded_.contains(pid)) return false;
  return reap(pid, false);
}

void Adopted::scan() {
  if (!enabled_) return;
  for (const pid_t pid : children()) {
    if (task_pids_.contains(pid) || excluded_.contains(pid) || adoptees_.contains(pid)) continue;
    const std::size_t task = task_of(pid);
    auto& adoptee = adoptees_.emplace(pid, Adoptee{task}).first->second;
    log().debug("adopted pid {} (task {})", pid, task == kNoTask ? -1L : static_cast<long>(task));
    if (task != kNoTask && !running_tasks_.contains(task)) kill_adoptee(pid, adoptee, SIGKILL);
  }
  std::vector<pid_t> known;
  known.reserve(adoptees_.size());
  for (const auto& entry : adoptees_) known.push_back(entry.first);
  for (const pid_t pid : known) reap(pid, false);
}

void Adopted::finish() {
  if (!enabled_) return;
  int empty_scans = 0;
  for (int round = 0; round < kFinishRounds; ++round) {
    scan();
    // The kernel's list of children can miss one that changes while it is read: only two
    // empty looks in a row say that nothing is left.
    if (adoptees_.empty()) {
      if (++empty_scans == 2) return;
      continue;
    }
    empty_scans = 0;
    for (auto& [pid, adoptee] : adoptees_) {
      if (!adoptee.killed) kill_adoptee(pid, adoptee, SIGKILL);
    }
    // A killed process has handed its own children to mtask by the time it can be reaped.
    while (!adoptees_.empty()) reap(adoptees_.begin()->first, true);
  }
  log().warn("processes that tasks left behind keep coming; mtask gives up on them");
}

}  // namespace mtask::detail
