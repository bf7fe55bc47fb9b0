// The event loop: fork tasks, read their pipes, reap them, and report what happens.
#include "mtask/run/runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <deque>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <spdlog/spdlog.h>

#include "mtask/error.hpp"
#include "mtask/run/line_splitter.hpp"
#include "posix/process_info.hpp"
#include "posix/signals.hpp"
#include "posix/unique_fd.hpp"
#include "run/child.hpp"
#include "run/guardian.hpp"

namespace mtask {
namespace {

using Clock = std::chrono::steady_clock;
using detail::Hello;

constexpr Clock::time_point kNever = Clock::time_point::max();
/// How long a task may stall in the middle of a long line before it gives up its turn.
constexpr auto kTurnLimit = std::chrono::seconds(1);
/// Reads of one pipe per round, so that one busy task cannot starve the others.
constexpr int kReadsPerRound = 4;
constexpr std::size_t kReadSize = 64 * 1024;

Duration to_duration(const timeval& tv) {
  return std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
}

bool is_limit(std::error_code error) {
  const int e = error.value();
  return e == EAGAIN || e == ENOMEM || e == EMFILE || e == ENFILE;
}

/// One end of a task's output: its pipe and the line being assembled from it.
struct Pipe {
  posix::UniqueFd fd;
  LineSplitter lines;
  Clock::time_point last_read{};

  bool open() const { return fd.valid(); }
  void close_fd() { fd.reset(); }
};

/// How far mtask has gone in stopping a task's process group (SPEC 4.4).
enum class Stopping { kNo, kTermSent, kKillSent };

/// A task that has been forked and not yet reported as ended.
struct Slot {
  std::size_t task = 0;
  pid_t pid = -1;
  std::array<Pipe, 2> pipes;  // indexed by Stream
  Hello hello{};
  std::size_t hello_read = 0;
  bool started = false;
  bool reaped = false;
  bool timed_out = false;
  int wait_status = 0;
  rusage usage{};
  Clock::time_point forked_at{};
  Clock::time_point reaped_at{};
  Clock::time_point timeout_at = kNever;
  Clock::time_point drain_until = kNever;  // reaped, but something still holds a pipe open
  bool outlived = false;                   // something the task started held its pipes
  Stopping stopping = Stopping::kNo;
  Clock::time_point next_stop_step = kNever;

  Pipe& pipe(Stream s) { return pipes[static_cast<std::size_t>(s)]; }
  const Pipe& pipe(Stream s) const { return pipes[static_cast<std::size_t>(s)]; }
  bool pipes_closed() const { return !pipes[0].open() && !pipes[1].open(); }
};

/// An event of mtask's own that must wait until no task is in the middle of a line on stdout.
struct Deferred {
  bool is_exit;
  std::size_t task;
  int pid;
  int ppid;
  Duration t;
};

class Run {
 public:
  Run(const std::vector<Task>& tasks, const RunOptions& options, EventSink& sink)
      : tasks_(tasks), options_(options), sink_(sink), results_(tasks.size()) {}

  int execute();

 private:
  Duration since_start() const { return Clock::now() - start_; }
  void start_pending();
  void start_one();
  void wait_once();
  Clock::time_point next_deadline() const;
  void read_pipe(Slot& slot, Stream stream);
  void split_lines(Slot& slot, Stream stream, std::string_view bytes, bool at_end);
  bool read_hello(Slot& slot);
  void emit_line(Slot& slot, Stream stream, std::string_view text, bool partial);
  void reap_children();
  void reap(Slot& slot);
  void finish_ready();
  void finish(Slot& slot);
  void check_deadlines();
  void stop_all(int status);
  void step_stop(Slot& slot, Clock::time_point now);
  void kill_group(const Slot& slot, int sig);
  void update_turns(Clock::time_point now);
  void deliver(const Deferred& event);
  void flush_deferred();
  bool holds_turn(const Slot& slot, Stream stream) const;
  Slot* find(pid_t pid);
  int exit_status() const;

  const std::vector<Task>& tasks_;
  const RunOptions& options_;
  EventSink& sink_;
  std::vector<TaskResult> results_;
  detail::SignalGuard signals_;
  detail::Guardian guardian_;
  Clock::time_point start_{};
  pid_t parent_pid_ = getpid();
  posix::UniqueFd dev_null_;
  rlim_t fd_soft_limit_ = RLIM_INFINITY;
  std::vector<std::unique_ptr<Slot>> running_;
  std::size_t next_task_ = 0;
  bool waiting_for_room_ = false;  // a spawn hit a system limit: wait for a task to end
  bool warned_limit_ = false;
  bool system_failed_ = false;
  bool stopping_ = false;  // every task is being stopped (a signal, --fail-fast, no reader)
  int stop_status_ = 0;    // 128 + N once a signal or a closed stdout stopped the run
  int stop_signals_seen_ = 0;
  std::vector<bool> watching_;                   // per watched output: still worth watching
  std::array<Slot*, 2> turn_{nullptr, nullptr};  // who holds each destination mid-line
  // Pipes in the middle of a line, per destination: while there are none, nobody can take a
  // turn, and update_turns need not look at every running task after every read.
  std::array<std::size_t, 2> mid_line_pipes_{0, 0};
  // When the bytes being split arrived: every line of one read gets the same time, so the
  // clock is read once per read rather than once per line.
  Clock::time_point line_time_{};
  std::deque<Deferred> deferred_;
  std::vector<char> buffer_ = std::vector<char>(kReadSize);
};

int Run::execute() {
  if (detail::thread_count() > 1) {
    throw std::logic_error("mtask: tasks can only be forked from a single-threaded process");
  }
  fd_soft_limit_ = detail::raise_fd_limit();
  dev_null_.reset(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!dev_null_) {
    throw SystemError(fmt::format("mtask: open /dev/null: {}", std::strerror(errno)));
  }
  watching_.assign(options_.watched_outputs.size(), true);
  // Built-in tasks start no processes of their own and die with mtask (PR_SET_PDEATHSIG);
  // what a command starts needs the guardian.
  if (std::any_of(tasks_.begin(), tasks_.end(), [](const Task& t) { return t.is_command(); })) {
    if (const std::error_code error = guardian_.start(signals_.child_mask())) {
      spdlog::warn(
          "no guardian process ({}): if mtask is killed with SIGKILL, processes that "
          "commands started may outlive it",
          error.message());
    }
  }
  start_ = Clock::now();
  sink_.on_begin(BeginEvent{parent_pid_, tasks_, start_, std::chrono::system_clock::now()});

  start_pending();
  while (!running_.empty()) {
    wait_once();
    if (!sink_.flush() && stop_status_ == 0) stop_all(128 + SIGPIPE);
    start_pending();
  }
  dev_null_.reset();
  guardian_.stop();
  flush_deferred();

  const Duration wall = since_start();
  Duration task_wall_sum{0};
  std::size_t failed = 0;
  for (const TaskResult& r : results_) {
    task_wall_sum += r.wall;
    if (r.failed()) ++failed;
  }
  const double speedup = wall.count() > 0 ? to_seconds(task_wall_sum) / to_seconds(wall) : 0.0;
  const int status = exit_status();
  sink_.on_summary(SummaryEvent{parent_pid_, tasks_, results_, failed, wall, task_wall_sum, speedup,
                                status, wall});
  sink_.flush();
  return status;
}

int Run::exit_status() const {
  if (stop_status_ != 0) return stop_status_;
  if (system_failed_) return 3;
  const bool any_failed =
      std::any_of(results_.begin(), results_.end(), [](const TaskResult& r) { return r.failed(); });
  return any_failed ? 1 : 0;
}

void Run::start_pending() {
  while (!stopping_ && !system_failed_ && !waiting_for_room_ && next_task_ < tasks_.size() &&
         (options_.jobs == 0 || running_.size() < options_.jobs)) {
    start_one();
  }
}

void Run::start_one() {
  const Task& task = tasks_[next_task_];
  detail::SpawnedChild child;
  const detail::SpawnContext context{parent_pid_,    dev_null_.get(), &signals_.child_mask(),
                                     guardian_.fd(), fd_soft_limit_,  options_.busy,
                                     &options_.cpus};
  const Clock::time_point forked_at = Clock::now();
  if (const std::error_code error = detail::spawn_child(task, context, child)) {
    if (is_limit(error) && !running_.empty()) {
      // SPEC 4.8: wait for a running task to end, then try again.
      if (!warned_limit_) {
        spdlog::warn("cannot start task '{}' yet: {}: {}; waiting for running tasks to end",
                     task.name, error.message(), detail::describe_limit(error.value()));
        warned_limit_ = true;
      }
      waiting_for_room_ = true;
      return;
    }
    spdlog::error("cannot start task '{}': {}: {}", task.name, error.message(),
                  detail::describe_limit(error.value()));
    system_failed_ = true;
    return;
  }
  auto slot = std::make_unique<Slot>();
  slot->task = next_task_;
  slot->pid = child.pid;
  slot->pipe(Stream::kStdout).fd = std::move(child.out);
  slot->pipe(Stream::kStderr).fd = std::move(child.err);
  slot->forked_at = forked_at;
  if (options_.timeout.count() > 0) slot->timeout_at = forked_at + options_.timeout;
  results_[next_task_].started = forked_at - start_;
  spdlog::debug("forked task '{}' (index {}) as pid {}", task.name, next_task_, child.pid);
  running_.push_back(std::move(slot));
  ++next_task_;
}

Clock::time_point Run::next_deadline() const {
  Clock::time_point next = kNever;
  if (options_.wake_every.count() > 0) next = Clock::now() + options_.wake_every;
  for (const auto& slot : running_) {
    next = std::min({next, slot->timeout_at, slot->drain_until, slot->next_stop_step});
  }
  for (Stream stream : {Stream::kStdout, Stream::kStderr}) {
    // Only the pipe a holder holds the turn for can end that turn by stalling.
    const Slot* holder = turn_[static_cast<std::size_t>(stream)];
    if (holder == nullptr) continue;
    const Pipe& pipe = holder->pipe(stream);
    if (pipe.open() && pipe.lines.mid_line()) next = std::min(next, pipe.last_read + kTurnLimit);
  }
  return next;
}

bool Run::holds_turn(const Slot& slot, Stream stream) const {
  const Slot* holder = turn_[static_cast<std::size_t>(stream)];
  return holder == nullptr || holder == &slot;
}

void Run::wait_once() {
  std::vector<pollfd> fds;
  std::vector<std::pair<Slot*, Stream>> owners;
  fds.reserve(running_.size() * 2 + watching_.size());
  for (const auto& slot : running_) {
    for (Stream stream : {Stream::kStdout, Stream::kStderr}) {
      const Pipe& pipe = slot->pipe(stream);
      if (!pipe.open() || !holds_turn(*slot, stream)) continue;
      fds.push_back(pollfd{pipe.fd.get(), POLLIN, 0});
      owners.emplace_back(slot.get(), stream);
    }
  }
  const std::size_t first_watched = fds.size();
  for (std::size_t i = 0; i < watching_.size(); ++i) {
    // No events asked for: poll reports POLLERR/POLLHUP on a pipe whose reader is gone.
    fds.push_back(pollfd{watching_[i] ? options_.watched_outputs[i] : -1, 0, 0});
  }

  const Clock::time_point deadline = next_deadline();
  timespec timeout{};
  timespec* timeout_ptr = nullptr;
  if (deadline != kNever) {
    const auto left = std::max(deadline - Clock::now(), Clock::duration::zero());
    const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    timeout.tv_sec = static_cast<time_t>(nanos / 1'000'000'000);
    timeout.tv_nsec = static_cast<long>(nanos % 1'000'000'000);
    timeout_ptr = &timeout;
  }

  const int ready = ppoll(fds.data(), fds.size(), timeout_ptr, &signals_.wait_mask());
  if (ready < 0 && errno != EINTR) {
    throw SystemError(fmt::format("mtask: ppoll: {}", std::strerror(errno)));
  }

  if (signals_.stop_count() > stop_signals_seen_) {
    const bool again = stop_signals_seen_ > 0 || signals_.stop_count() > 1;
    stop_signals_seen_ = signals_.stop_count();
    stop_all(128 + signals_.stop_signal());
    if (again) {
      // A second signal while stopping: no more grace.
      for (const auto& slot : running_) kill_group(*slot, SIGKILL);
    }
  }
  if (ready > 0) {
    for (std::size_t i = 0; i < owners.size(); ++i) {
      // A read earlier in this round may have given a task the turn: ask again.
      const auto [slot, stream] = owners[i];
      if (fds[i].revents != 0 && holds_turn(*slot, stream)) read_pipe(*slot, stream);
    }
    for (std::size_t i = 0; i < watching_.size(); ++i) {
      const short revents = fds[first_watched + i].revents;
      if (revents == 0) continue;
      watching_[i] = false;  // report once; a hung-up pipe stays ready forever
      if ((revents & (POLLERR | POLLHUP)) != 0 && stop_status_ == 0) stop_all(128 + SIGPIPE);
    }
  }
  if (signals_.take_child_exited()) reap_children();
  check_deadlines();
  finish_ready();
}

void Run::read_pipe(Slot& slot, Stream stream) {
  if (!slot.started && !read_hello(slot) && stream == Stream::kStdout) return;
  Pipe& pipe = slot.pipe(stream);
  for (int round = 0; round < kReadsPerRound && pipe.open(); ++round) {
    const ssize_t n = read(pipe.fd.get(), buffer_.data(), buffer_.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      spdlog::warn("read from task '{}': {}", tasks_[slot.task].name, std::strerror(errno));
    }
    if (n <= 0) {
      split_lines(slot, stream, {}, true);
      pipe.close_fd();
      break;
    }
    pipe.last_read = Clock::now();
    split_lines(slot, stream, std::string_view(buffer_.data(), static_cast<std::size_t>(n)), false);
    if (static_cast<std::size_t>(n) < buffer_.size()) break;  // drained for now
  }
  update_turns(Clock::now());
}

void Run::split_lines(Slot& slot, Stream stream, std::string_view bytes, bool at_end) {
  LineSplitter& lines = slot.pipe(stream).lines;
  const bool was_mid_line = lines.mid_line();
  line_time_ = at_end ? Clock::now() : slot.pipe(stream).last_read;
  const auto sink = [&](std::string_view text, bool partial) {
    emit_line(slot, stream, text, partial);
  };
  if (at_end) {
    lines.finish(sink);
  } else {
    lines.feed(bytes, sink);
  }
  if (lines.mid_line() != was_mid_line) {
    std::size_t& count = mid_line_pipes_[static_cast<std::size_t>(stream)];
    count = was_mid_line ? count - 1 : count + 1;
  }
}

bool Run::read_hello(Slot& slot) {
  // The hello is read on its own, so that taking it never reads task output out of turn.
  Pipe& pipe = slot.pipe(Stream::kStdout);
  char* into = reinterpret_cast<char*>(&slot.hello) + slot.hello_read;
  const ssize_t n = pipe.open() ? read(pipe.fd.get(), into, sizeof(Hello) - slot.hello_read) : 0;
  if (n < 0) return false;  // EAGAIN: not there yet
  if (n == 0) {
    // The child ended before it could say hello: report it from what the parent knows.
    pipe.close_fd();
    slot.started = true;
    deliver(Deferred{false, slot.task, slot.pid, parent_pid_, since_start()});
    return true;
  }
  slot.hello_read += static_cast<std::size_t>(n);
  if (slot.hello_read < sizeof(Hello)) return false;
  slot.started = true;
  deliver(Deferred{false, slot.task, slot.hello.pid, slot.hello.ppid, since_start()});
  return true;
}

void Run::emit_line(Slot& slot, Stream stream, std::string_view text, bool partial) {
  sink_.on_line(LineEvent{tasks_[slot.task], slot.pid, stream, text, partial, line_time_ - start_});
}

void Run::update_turns(Clock::time_point now) {
  if (!options_.hold_partial_lines) return;
  for (Stream stream : {Stream::kStdout, Stream::kStderr}) {
    Slot*& holder = turn_[static_cast<std::size_t>(stream)];
    if (holder != nullptr) {
      const Pipe& pipe = holder->pipe(stream);
      // The turn ends with the line, with the pipe, or when the task stalls mid-line.
      if (!pipe.open() || !pipe.lines.mid_line() || now - pipe.last_read >= kTurnLimit) {
        holder = nullptr;
      }
    }
    if (holder == nullptr && mid_line_pipes_[static_cast<std::size_t>(stream)] > 0) {
      for (const auto& slot : running_) {
        const Pipe& pipe = slot->pipe(stream);
        if (pipe.open() && pipe.lines.mid_line() && now - pipe.last_read < kTurnLimit) {
          holder = slot.get();
          break;
        }
      }
    }
  }
  flush_deferred();
}

void Run::deliver(const Deferred& event) {
  // In order, and only while no task is in the middle of a line on stdout (without
  // hold_partial_lines nobody ever is, and the event goes out at once).
  deferred_.push_back(event);
  flush_deferred();
}

void Run::flush_deferred() {
  while (!deferred_.empty() && turn_[0] == nullptr) {
    const Deferred event = deferred_.front();
    deferred_.pop_front();
    const Task& task = tasks_[event.task];
    if (event.is_exit) {
      sink_.on_exit(ExitEvent{task, results_[event.task], event.t});
    } else {
      sink_.on_start(StartEvent{task, event.pid, event.ppid, event.t});
    }
  }
}

Slot* Run::find(pid_t pid) {
  for (const auto& slot : running_) {
    if (slot->pid == pid && !slot->reaped) return slot.get();
  }
  return nullptr;
}

void Run::reap_children() {
  for (;;) {
    siginfo_t info{};
    // Look without reaping: while the child is a zombie its pid, and so its process group,
    // cannot be reused, so leftovers in the group can still be killed safely.
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) return;
    Slot* slot = find(info.si_pid);
    if (slot == nullptr) break;  // not one of ours: look for ours one by one
    reap(*slot);
    if (!slot->reaped) break;
  }
  for (const auto& slot : running_) {
    if (!slot->reaped) reap(*slot);
  }
}

void Run::reap(Slot& slot) {
  const bool pipes_closed = slot.pipes_closed();
  if (pipes_closed) {
    siginfo_t info{};
    if (waitid(P_PID, static_cast<id_t>(slot.pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 ||
        info.si_pid == 0) {
      return;  // still running
    }
    // Whatever the task left behind in its group without our pipes must not outlive it.
    kill(-slot.pid, SIGKILL);
  }
  const pid_t pid = wait4(slot.pid, &slot.wait_status, WNOHANG, &slot.usage);
  if (pid != slot.pid) return;
  slot.reaped = true;
  slot.reaped_at = Clock::now();
  spdlog::debug("reaped pid {} (task '{}'), wait status {:#x}{}", slot.pid, tasks_[slot.task].name,
                slot.wait_status, pipes_closed ? "" : ", its pipes still open");
  slot.timeout_at = kNever;
  if (!pipes_closed) {
    // Something the task started still holds its output open: read on for a while (SPEC 4.3).
    slot.outlived = true;
    if (slot.stopping == Stopping::kNo) slot.drain_until = slot.reaped_at + options_.kill_after;
  }
}

void Run::finish_ready() {
  for (std::size_t i = 0; i < running_.size();) {
    Slot& slot = *running_[i];
    if (slot.reaped && slot.pipes_closed()) {
      finish(slot);
      running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(i));
      waiting_for_room_ = false;
    } else {
      ++i;
    }
  }
  update_turns(Clock::now());
}

void Run::finish(Slot& slot) {
  for (Slot*& holder : turn_) {
    if (holder == &slot) holder = nullptr;
  }
  if (!slot.started) read_hello(slot);
  if (slot.outlived) kill(-slot.pid, SIGKILL);  // leftovers of a group read after its task
  guardian_.forget(slot.pid);
  TaskResult& result = results_[slot.task];
  const bool said_hello = slot.hello_read == sizeof(Hello);
  result.pid = said_hello ? slot.hello.pid : slot.pid;
  result.ppid = said_hello ? slot.hello.ppid : parent_pid_;
  result.wall = slot.reaped_at - slot.forked_at;
  result.user_cpu = to_duration(slot.usage.ru_utime);
  result.sys_cpu = to_duration(slot.usage.ru_stime);
  result.max_rss_kb = slot.usage.ru_maxrss;
  if (WIFSIGNALED(slot.wait_status)) {
    result.outcome = Outcome::kSignaled;
    result.signal = WTERMSIG(slot.wait_status);
  } else {
    result.outcome = Outcome::kExited;
    result.code = WEXITSTATUS(slot.wait_status);
  }
  if (slot.timed_out) result.outcome = Outcome::kTimedOut;
  deliver(Deferred{true, slot.task, result.pid, result.ppid, since_start()});
  if (options_.fail_fast && result.failed() && !stopping_) stop_all(0);
}

void Run::check_deadlines() {
  const Clock::time_point now = Clock::now();
  for (const auto& slot_ptr : running_) {
    Slot& slot = *slot_ptr;
    if (now >= slot.timeout_at) {
      slot.timeout_at = kNever;
      slot.timed_out = true;
      if (slot.stopping == Stopping::kNo) step_stop(slot, now);
    }
    if (now >= slot.drain_until) {
      slot.drain_until = kNever;
      if (slot.stopping == Stopping::kNo) step_stop(slot, now);
    }
    if (now >= slot.next_stop_step) step_stop(slot, now);
  }
}

void Run::stop_all(int status) {
  spdlog::info("stopping every task{}", status == 0 ? " (--fail-fast)" : "");
  stopping_ = true;
  if (stop_status_ == 0) stop_status_ = status;  // the first signal (or 141) is the status
  const Clock::time_point now = Clock::now();
  for (const auto& slot : running_) {
    if (slot->stopping == Stopping::kNo) step_stop(*slot, now);
  }
}

void Run::step_stop(Slot& slot, Clock::time_point now) {
  spdlog::debug("stopping task '{}' (pid {}): step {}", tasks_[slot.task].name, slot.pid,
                static_cast<int>(slot.stopping) + 1);
  switch (slot.stopping) {
    case Stopping::kNo:
      kill_group(slot, SIGTERM);
      slot.stopping = Stopping::kTermSent;
      slot.next_stop_step = now + options_.kill_after;
      break;
    case Stopping::kTermSent:
      kill_group(slot, SIGKILL);
      slot.stopping = Stopping::kKillSent;
      slot.next_stop_step = now + options_.kill_after;
      break;
    case Stopping::kKillSent:
      // Killed, yet a pipe is still held open (by something outside the group): stop reading.
      // What is in the pipe already is read first, turn or not: nothing read may be lost.
      for (Stream stream : {Stream::kStdout, Stream::kStderr}) {
        Pipe& pipe = slot.pipe(stream);
        while (pipe.open()) {
          const ssize_t n = read(pipe.fd.get(), buffer_.data(), buffer_.size());
          if (n < 0 && errno == EINTR) continue;
          if (n <= 0) break;  // EAGAIN: all there is; 0: EOF
          pipe.last_read = Clock::now();
          split_lines(slot, stream, std::string_view(buffer_.data(), static_cast<std::size_t>(n)),
                      false);
        }
        if (!pipe.open()) continue;
        split_lines(slot, stream, {}, true);
        pipe.close_fd();
      }
      slot.next_stop_step = kNever;
      break;
  }
}

void Run::kill_group(const Slot& slot, int sig) {
  if (kill(-slot.pid, sig) != 0 && errno == ESRCH && !slot.reaped) kill(slot.pid, sig);
}

}  // namespace

int run_tasks(const std::vector<Task>& tasks, const RunOptions& options, EventSink& sink) {
  Run run(tasks, options, sink);
  return run.execute();
}

}  // namespace mtask
