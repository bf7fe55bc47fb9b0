#include "mtask/process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <system_error>

#include "posix/process_info.hpp"

namespace mtask {
namespace {

std::string default_name() {
  static std::atomic<int> count{0};
  return "Process-" + std::to_string(++count);
}

/// What is buffered in stdio and the standard streams, written out: before fork, so that the
/// child does not write the parent's buffered text a second time, and in the child before
/// _exit, which would drop it.
void flush_all() noexcept {
  try {
    std::cout.flush();
    std::clog.flush();
  } catch (...) {  // a stream set to throw: nothing to be done about it here
  }
  std::fflush(nullptr);
}

/// The exit code as Python gives it: the status, or -N for signal N.
int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;  // waitpid without WUNTRACED reports neither stops nor continues
}

}  // namespace

Process::Process(std::string name, std::function<int()> target)
    : name_(name.empty() ? default_name() : std::move(name)), target_(std::move(target)) {}

Process::Process(Process&& other) noexcept
    : name_(std::move(other.name_)),
      target_(std::move(other.target_)),
      pid_(std::exchange(other.pid_, 0)),
      exitcode_(std::exchange(other.exitcode_, std::nullopt)) {}

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    kill_and_reap();
    name_ = std::move(other.name_);
    target_ = std::move(other.target_);
    pid_ = std::exchange(other.pid_, 0);
    exitcode_ = std::exchange(other.exitcode_, std::nullopt);
  }
  return *this;
}

Process::~Process() { kill_and_reap(); }

void Process::start() {
  if (pid_ != 0) throw std::logic_error("mtask::Process " + name_ + ": started twice");
  if (!target_) throw std::logic_error("mtask::Process " + name_ + ": no target to run");
  if (detail::thread_count() > 1) {
    throw std::logic_error("mtask::Process " + name_ +
                           ": a process can only be forked from a single-threaded process");
  }
  flush_all();
  const pid_t pid = fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid == 0) run_child();
  pid_ = pid;
}

void Process::run_child() noexcept {
  int code = 1;
  try {
    code = target_();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mtask::Process %s (pid %d): uncaught exception: %s\n", name_.c_str(),
                 static_cast<int>(getpid()), e.what());
  } catch (...) {
    std::fprintf(stderr, "mtask::Process %s (pid %d): uncaught exception\n", name_.c_str(),
                 static_cast<int>(getpid()));
  }
  flush_all();
  // _exit, not exit: the parent's atexit handlers and static destructors are the parent's.
  _exit(code);
}

int Process::join() {
  if (pid_ == 0) throw std::logic_error("mtask::Process " + name_ + ": joined before start()");
  if (exitcode_) return *exitcode_;
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0) {
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "waitpid");
  }
  exitcode_ = exit_code_of(status);
  return *exitcode_;
}

bool Process::is_alive() const {
  if (pid_ == 0 || exitcode_) return false;
  siginfo_t info{};
  // WNOWAIT: only look; join() still gets the status.
  if (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) < 0) {
    throw std::system_error(errno, std::generic_category(), "waitid");
  }
  return info.si_pid == 0;
}

void Process::kill_and_reap() noexcept {
  if (pid_ == 0 || exitcode_) return;
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exitcode_ = exit_code_of(status);
}

}  // namespace mtask
