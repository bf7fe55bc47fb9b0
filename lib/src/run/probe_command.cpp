#include "run/probe_command.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "run/children.hpp"
#include "run/log.hpp"

namespace mtask::detail {
namespace {

/// Reads of one pipe per call, so that a chatty probe command cannot hold up the loop.
constexpr int kReadsPerCall = 16;

/// The wait status of a process whose status could not be had: as if it had exited 127.
constexpr int kStatusUnknown = 127 << 8;

}  // namespace

std::error_code ProbeCommand::start(const Task& probe_task, std::size_t index) {
  kill_and_reap();
  SpawnedChild child;
  if (const std::error_code error = children_.spawn_probe(probe_task, index, child)) {
    return error;
  }
  pid_ = child.pid;
  out_ = std::move(child.out);
  err_ = std::move(child.err);
  name_ = probe_task.name;
  error_line_.clear();
  partial_.clear();
  return {};
}

void ProbeCommand::read(bool err) {
  posix::UniqueFd& pipe = err ? err_ : out_;
  char buffer[4096];
  for (int round = 0; round < kReadsPerCall && pipe; ++round) {
    const ssize_t n = ::read(pipe.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n < 0) {
      log().warn("read from the probe command of task '{}': {}", name_, std::strerror(errno));
    }
    if (n <= 0) {
      if (err && !partial_.empty()) error_line_ = std::move(partial_);
      partial_.clear();
      pipe.reset();
      return;
    }
    if (err) keep_last_line(std::string_view(buffer, static_cast<std::size_t>(n)));
  }
}

void ProbeCommand::keep_last_line(std::string_view bytes) {
  for (const char c : bytes) {
    if (c == '\n') {
      while (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
      if (!partial_.empty()) error_line_ = std::move(partial_);
      partial_.clear();
    } else if (partial_.size() < kProbeErrorLine) {
      partial_.push_back(c);
    }
  }
}

bool ProbeCommand::reap(int& status) {
  if (pid_ <= 0) return false;
  siginfo_t info{};
  // Seen without reaping first: while it is a zombie its group id cannot be reused, so what
  // it left in its group can still be killed safely.
  if (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    log().error("waitid of the probe command of task '{}' (pid {}): {}", name_, pid_,
                std::strerror(errno));
    status = kStatusUnknown;
    reaped();
    return true;
  }
  if (info.si_pid == 0) return false;  // still running
  // What is left in its group must not outlive it (ESRCH: nothing is).
  if (kill(-pid_, SIGKILL) != 0 && errno != ESRCH) {
    log().warn("kill of the group of the probe command of task '{}' (pid {}): {}", name_, pid_,
               std::strerror(errno));
  }
  status = kStatusUnknown;
  pid_t got = -1;
  while ((got = waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
  }
  if (got < 0) {
    log().error("waitpid of the probe command of task '{}' (pid {}): {}", name_, pid_,
                std::strerror(errno));
  }
  reaped();
  return true;
}

void ProbeCommand::kill_and_reap() {
  if (pid_ > 0) {
    // Before its setsid() the command has no group of its own yet: then it alone is killed.
    if (kill(-pid_, SIGKILL) != 0 && (errno != ESRCH || kill(pid_, SIGKILL) != 0)) {
      log().warn("kill of the probe command of task '{}' (pid {}): {}", name_, pid_,
                 std::strerror(errno));
    }
    pid_t got = -1;
    while ((got = waitpid(pid_, nullptr, 0)) < 0 && errno == EINTR) {
    }
    if (got < 0) {
      log().error("waitpid of the probe command of task '{}' (pid {}): {}", name_, pid_,
                  std::strerror(errno));
    }
    reaped();
  }
  out_.reset();
  err_.reset();
}

void ProbeCommand::reaped() {
  // What its pipes still hold is read now; a process that left its group and holds them is
  // not waited for (it is its task's, and ends with it).
  read(false);
  read(true);
  if (!partial_.empty()) error_line_ = std::move(partial_);
  partial_.clear();
  out_.reset();
  err_.reset();
  children_.probe_reaped(pid_);
  log().debug("reaped the probe command of task '{}' (pid {})", name_, pid_);
  pid_ = -1;
}

}  // namespace mtask::detail
