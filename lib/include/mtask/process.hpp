#pragma once

#include <sys/types.h>

#include <concepts>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace mtask {

/// One child process that runs a function of the program: start() forks, the child runs the
/// target and exits with what it returned, join() waits for it and gives its exit code. The
/// multitasking lesson's `Process(target=sing, args=("sing", 3))`, `start()`, `join()`
/// (docs/library.md, "One process: mtask::Process").
///
/// The child is a copy of the parent at the moment of start(): its own memory, its own copy of
/// every global. Not for use from several threads; start() refuses to fork a process that has
/// more than one thread.
class Process {
 public:
  /// A process that will run `target(args...)`. The arguments are copied (or moved) into the
  /// Process now, like Python's `args=(...)`. A target that returns void exits with 0, one that
  /// returns a number exits with it (as exit() takes it: its low 8 bits).
  template <class F, class... Args>
  requires std::invocable < std::decay_t<F>
  &, std::decay_t<Args>&... > explicit Process(F&& target, Args&&... args)
      : Process(std::string{}, bind(std::forward<F>(target), std::forward<Args>(args)...)) {}

  /// The same, with a name (shown when the target throws); else it is "Process-N", N counting
  /// from 1 in this program.
  template <class F, class... Args>
  requires std::invocable < std::decay_t<F>
  &, std::decay_t<Args>&... > Process(std::string name, F&& target, Args&&... args)
      : Process(std::move(name), bind(std::forward<F>(target), std::forward<Args>(args)...)) {}

  /// The general form the two above come to: `name` (empty: "Process-N") and the body.
  Process(std::string name, std::function<int()> target);

  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  /// The moved-from Process is as if never started.
  Process(Process&& other) noexcept;
  /// Kills and reaps this one's child first if it was started and not joined.
  Process& operator=(Process&& other) noexcept;

  /// A started child that was not joined is killed (SIGKILL) and reaped: nothing is left
  /// running or as a zombie. What the target itself started is its own to end.
  ~Process();

  /// Forks the child, which runs the target and _exits with its exit code: an exception out of
  /// the target is written on stderr and the exit code is 1. Stdio buffers are flushed before
  /// the fork, so nothing buffered is written twice, and in the child before it exits.
  /// Throws std::logic_error when started before or when the process has more than one thread
  /// (a child of a multithreaded process may only call async-signal-safe functions, and the
  /// target is any code), std::system_error naming "fork" and its errno when fork fails.
  void start();

  /// Waits for the child to end and returns exitcode(). Joining again returns the same code
  /// at once. Throws std::logic_error when not started, std::system_error naming "waitpid" and
  /// its errno when the wait fails (e.g. ECHILD when SIGCHLD is ignored).
  int join();

  /// Empty until joined; then the child's exit status, or -N when signal N ended it (as
  /// Python's Process.exitcode).
  [[nodiscard]] std::optional<int> exitcode() const noexcept { return exitcode_; }
  /// The child's PID once started (what getpid() returns in the child); 0 before.
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  /// Started, and not ended yet (it may have ended without being joined: a zombie is not alive).
  [[nodiscard]] bool is_alive() const;
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

 private:
  template <class F, class... Args>
  static std::function<int()> bind(F&& target, Args&&... args) {
    return [f = std::forward<F>(target), ... a = std::forward<Args>(args)]() mutable -> int {
      if constexpr (std::is_void_v<std::invoke_result_t<decltype(f)&, decltype(a)&...>>) {
        std::invoke(f, a...);
        return 0;
      } else {
        return static_cast<int>(std::invoke(f, a...));
      }
    };
  }

  /// In the child: runs the target, flushes, _exits. Never returns.
  [[noreturn]] void run_child() noexcept;
  /// Kills and reaps a started, unjoined child; nothing otherwise.
  void kill_and_reap() noexcept;

  std::string name_;
  std::function<int()> target_;
  pid_t pid_ = 0;
  std::optional<int> exitcode_;
};

}  // namespace mtask
