// The run: wires the seams together (Children, the Loop and its sources, LineTurns,
// StopPolicy) and turns what happens into events and results.
#include "mtask/run/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "mtask/text/human.hpp"
#include "mtask/text/status.hpp"
#include "posix/process_info.hpp"
#include "posix/signals.hpp"
#include "run/children.hpp"
#include "run/cpu_sampler.hpp"
#include "run/group_scan.hpp"
#include "run/job_control.hpp"
#include "run/line_turns.hpp"
#include "run/log.hpp"
#include "run/loop.hpp"
#include "run/output_queues.hpp"
#include "run/readiness.hpp"
#include "run/results.hpp"
#include "run/retry_queue.hpp"
#include "run/run_cpu.hpp"
#include "run/task_pipes.hpp"
#include "run/task_timers.hpp"
#include "run/watched_outputs.hpp"

namespace mtask {
namespace {

using detail::Clock;
using detail::Slot;
using Deferred = detail::LineTurns::Deferred;
using detail::TimePoint;

/// How long a task may stall in the middle of a long line before it gives up its turn.
constexpr auto kTurnLimit = std::chrono::seconds(1);
/// While forking many tasks, how many forks go by between looks for tasks that ended.
constexpr std::size_t kForksPerLook = 8;

/// Whether `task` runs a shell command: its own, or its cmd: probe's. Only those can start
/// processes that outlive them (docs/design.md, "Nothing escapes").
bool runs_commands(const Task& task) { return task.is_command() || task.ready.starts_with("cmd:"); }

/// One run of a list of tasks: it wires the seams it owns and turns what they see into
/// events and results.
class Run final : public detail::PipeEvents {
 public:
  Run(const std::vector<Task>& tasks, const RunOptions& options, EventSink& sink);
  int execute();

  void on_hello(Slot& slot) override;
  void on_lines(Slot& slot, Stream stream, std::span<const LinePiece> lines, TimePoint at) override;

 private:
  Duration since_start() const { return Clock::now() - start_; }
  void round();
  void take_signals();
  void start_pending();
  bool may_start() const;
  bool room_for(std::size_t busy) const { return options_.jobs == 0 || busy < options_.jobs; }
  std::size_t tasks_running() const;
  void check_run_over();
  /// Forks the tasks at `indices` (a retry each when `retry`): false when not all of them
  /// could be, and no more should be tried now.
  bool spawn(std::span<const std::size_t> indices, bool retry);
  void cancel_retries(StopReason reason);
  void catch_up();
  void give_up_pending(StopReason reason);
  void finish_ready();
  void finish(Slot& slot);
  void release(const Deferred& event);
  void stop_all(int status);
  void report_summary(int status);
  void notice_stops();
  int drain_queues(int status);
  int exit_status() const;

  const std::vector<Task>& tasks_;
  const RunOptions& options_;
  EventSink& sink_;
  detail::Results results_;
  const pid_t parent_pid_ = getpid();
  // Before the seams, so destroyed after them: children are killed and reaped with SIGCHLD
  // still blocked, and the caller's signal handling comes back last.
  detail::SignalGuard signals_;
  detail::Children children_;
  detail::LineTurns turns_;
  detail::Readiness readiness_;
  detail::TaskPipes pipes_;
  detail::WatchedOutputs watched_;
  detail::TaskTimers timers_;
  detail::RetryQueue retries_;
  detail::JobControl job_control_;
  detail::Ticker ticker_;
  detail::Hurry hurry_;
  detail::OutputQueues queues_;
  detail::GroupScan group_scan_;
  detail::CpuSampler sampler_;
  detail::RunCpu run_cpu_;
  detail::Loop loop_;
  TimePoint start_{};
  std::size_t told_waiting_ = 0;  // tasks before this one were told to wait for -j (debug log)
  std::size_t forks_since_round_ = 0;
  bool system_failed_ = false;
  bool stopping_ = false;  // every task is being stopped (a signal, --fail-fast, no reader)
  bool run_over_ = false;  // every task that is no service has ended: services are stopped
  int stop_status_ = 0;    // 128 + N once a signal or a closed stdout stopped the run
  int stop_signals_seen_ = 0;
};

Run::Run(const std::vector<Task>& tasks, const RunOptions& options, EventSink& sink)
    : tasks_(tasks),
      options_(options),
      sink_(sink),
      results_(tasks, getpid(), options.retries),
      signals_(static_cast<bool>(options.on_resize)),
      children_(signals_, options, std::any_of(tasks.begin(), tasks.end(), runs_commands)),
      turns_(options.hold_partial_lines, kTurnLimit, [this](const auto& e) { release(e); }),
      readiness_(tasks, options, children_, results_, turns_),
      pipes_(children_, turns_, *this),
      watched_(options.watched_outputs,
               [this] {
                 if (stop_status_ == 0) stop_all(128 + SIGPIPE);
               }),
      timers_(children_, pipes_),
      retries_(options.retry_delay),
      job_control_(children_, timers_, retries_, readiness_, queues_, sink_),
      ticker_(options.wake_every),
      queues_(options.queued_outputs, options.kill_after),
      group_scan_(children_),
      sampler_(children_, sink, options.sample_every),
      run_cpu_(options.cpus) {
  // In this order the loop reads pipes before it looks at the outputs it watches.
  for (detail::Source* source : std::initializer_list<detail::Source*>{
           &pipes_, &watched_, &timers_, &retries_, &readiness_.probes(), &readiness_.deadlines(),
           &turns_, &ticker_, &hurry_, &queues_, &group_scan_, &sampler_}) {
    loop_.add(*source);
  }
  pipes_.pause_while([this] { return queues_.backed_up(); });
}

int Run::execute() {
  readiness_.probes().resolve_hosts();  // the one blocking look-up, before any fork
  // Built-in tasks start no processes of their own and die with mtask (PR_SET_PDEATHSIG);
  // what a command starts needs the guardian.
  if (std::any_of(tasks_.begin(), tasks_.end(), runs_commands)) {
    children_.start_guardian(tasks_.size());
  }
  run_cpu_.begin();
  start_ = Clock::now();
  readiness_.set_start(start_);
  sampler_.set_start(start_);
  sink_.on_begin(BeginEvent{parent_pid_, tasks_, start_, std::chrono::system_clock::now()});

  start_pending();
  // A task waiting to run again keeps the run going while nothing else runs.
  while (!children_.empty() || !retries_.empty()) {
    round();
    if (!sink_.flush() && stop_status_ == 0) stop_all(128 + SIGPIPE);
    notice_stops();
    check_run_over();
    start_pending();
  }
  check_run_over();  // services that still wait for their needs
  children_.close();
  turns_.flush();
  const int status = exit_status();
  give_up_pending(StopReason::kNone);  // after a system error, what was never forked
  report_summary(status);
  return drain_queues(status);
}

void Run::notice_stops() {
  // Only while a reader lags: then a task's own --timeout makes the queues impatient, so that
  // the stop ends even if the reader never reads again (docs/design.md, "When nobody reads").
  // The grace of a task's leftovers is no such stop: a slow reader loses nothing by it.
  if (queues_.empty() || !queues_.patient()) return;
  const auto& running = children_.running();
  if (std::any_of(running.begin(), running.end(),
                  [](const auto& s) { return s->stop.timed_out(); })) {
    queues_.lose_patience(Clock::now());
  }
}

int Run::drain_queues(int status) {
  // What the reader has not taken yet is written before the run returns; a stop signal still
  // works meanwhile, and then a reader that takes nothing for --kill-after loses the rest.
  while (!queues_.empty()) {
    loop_.wait(signals_.wait_mask());
    if (const int sig = signals_.take_job_stop()) job_control_.stop_and_resume(sig);
    take_signals();
    loop_.dispatch_ready();
    loop_.dispatch_deadlines(Clock::now());
  }
  // A signal now finds the run complete: it only cuts the wait short (docs/reliability.md).
  return status;
}

void Run::round() {
  forks_since_round_ = 0;
  loop_.wait(signals_.wait_mask());
  // Ctrl-Z: the whole run stops here and goes on where it was (docs/design.md, "Job control").
  if (const int sig = signals_.take_job_stop()) job_control_.stop_and_resume(sig);
  take_signals();
  if (signals_.take_resized()) options_.on_resize();
  loop_.dispatch_ready();
  if (signals_.take_child_exited()) {
    children_.reap_exited();
    readiness_.probes().reap();
  }
  loop_.dispatch_deadlines(Clock::now());
  children_.reap_drained();
  finish_ready();
}

void Run::take_signals() {
  if (signals_.stop_count() <= stop_signals_seen_) return;
  const bool again = stop_signals_seen_ > 0 || signals_.stop_count() > 1;
  stop_signals_seen_ = signals_.stop_count();
  stop_all(128 + signals_.stop_signal());
  if (again) {
    // A second signal while stopping: no more grace.
    detail::log().info("a second stop signal: sending SIGKILL to every task now");
    for (const auto& slot : children_.running()) slot->signal(SIGKILL);
  }
}

bool Run::may_start() const { return !stopping_ && !system_failed_ && children_.has_room(); }

std::size_t Run::tasks_running() const {
  // -j bounds the tasks that are no services: a service holds its place for the whole run, so
  // counting it would keep `-j 1` from ever running the tasks that need it.
  const auto& running = children_.running();
  return static_cast<std::size_t>(std::count_if(running.begin(), running.end(),
                                                [](const auto& s) { return !s->task.service; }));
}

void Run::start_pending() {
  // A task due to run again goes first: it has begun, and its result is what the run waits
  // for (docs/tasks.md, "Retries").
  std::size_t busy = tasks_running();
  while (may_start() && room_for(busy)) {
    const std::optional<std::size_t> retry = retries_.due(Clock::now());
    if (!retry) break;
    if (!spawn(std::span(&*retry, 1), true)) return;
    ++busy;
  }
  // Then, in list order, each task whose needs are all ready: one that waits holds back none
  // after it (docs/design.md, "Needs and services"). They are forked a few in a row.
  detail::NeedsState& needs = readiness_.needs();
  std::array<std::size_t, detail::Children::kMaxInRow> row{};
  std::size_t in_row = 0;
  for (std::size_t i = needs.first_waiting(); i < tasks_.size() && may_start(); ++i) {
    if (!needs.waiting(i) || !needs.startable(i)) continue;
    const bool service = tasks_[i].service;
    if (!service && !room_for(busy)) {
      if (needs.services_waiting() == 0) break;
      continue;
    }
    row[in_row++] = i;
    if (!service) ++busy;
    if (in_row == row.size()) {
      if (!spawn(std::span(row.data(), in_row), false)) return;
      in_row = 0;
    }
  }
  if (in_row > 0 && !spawn(std::span(row.data(), in_row), false)) return;
  const std::size_t next = needs.first_waiting();
  if (!stopping_ && next < tasks_.size() && next >= told_waiting_ && !room_for(busy)) {
    told_waiting_ = next + 1;
    detail::log().debug("task '{}' waits for a free slot (-j {})", tasks_[next].name,
                        options_.jobs);
  }
}

void Run::check_run_over() {
  const detail::NeedsState& needs = readiness_.needs();
  // A run of services alone is never over by itself: a signal ends it, or the services.
  if (run_over_ || stopping_ || !needs.has_tasks()) return;
  // Once mtask cannot fork, the tasks still waiting never start: with only services left
  // running, the run is over all the same.
  const bool stuck =
      system_failed_ && retries_.empty() && tasks_running() == 0 && !children_.empty();
  if (needs.tasks_left() > 0 && !stuck) return;
  run_over_ = true;
  if (stuck) give_up_pending(StopReason::kNone);
  readiness_.run_over(Clock::now());
  give_up_pending(StopReason::kRunOver);
}

bool Run::spawn(std::span<const std::size_t> indices, bool retry) {
  std::size_t started = 0;
  const detail::Children::Spawn spawned = children_.spawn(tasks_, indices, started);
  const auto& running = children_.running();
  for (std::size_t k = 0; k < started; ++k) {
    const Slot& slot = *running[running.size() - started + k];
    for (Stream stream : {Stream::kStdout, Stream::kStderr}) {
      turns_.add(slot.pipe(stream), stream, slot.index);
    }
    if (retry) {
      retries_.pop();
      results_.next_attempt(slot.index);
    } else {
      readiness_.needs().started(slot.index);
    }
    results_[slot.index].started = slot.forked_at - start_;
  }
  switch (spawned) {
    case detail::Children::Spawn::kStarted:
      // Forking many tasks takes a while: tasks that ended meanwhile are reaped every few
      // forks, not after the last one, so that their wall time is theirs. (A fork or two
      // between rounds, as when -j keeps a few slots turning, needs no extra round.)
      forks_since_round_ += started;
      if (forks_since_round_ >= kForksPerLook && detail::SignalGuard::child_exit_pending()) {
        catch_up();
      }
      return true;
    case detail::Children::Spawn::kNoRoomYet:
      return false;
    case detail::Children::Spawn::kFailed:
      system_failed_ = true;
      // What waits to run again ends with its failed attempt.
      cancel_retries(StopReason::kNone);
      return false;
  }
  return false;
}

void Run::catch_up() {
  hurry_.on = true;
  round();
  hurry_.on = false;
  if (!sink_.flush() && stop_status_ == 0) stop_all(128 + SIGPIPE);
}

void Run::on_hello(Slot& slot) {
  const bool said = slot.said_hello();
  Deferred start{Deferred::Kind::kStart, slot.index, said ? slot.hello.pid : slot.pid,
                 said ? slot.hello.ppid : parent_pid_, since_start()};
  start.attempt = results_[slot.index].attempt;
  turns_.deliver(start);
  readiness_.hello(slot);
}

void Run::on_lines(Slot& slot, Stream stream, std::span<const LinePiece> lines, TimePoint at) {
  if (!readiness_.hears_lines(slot.index)) {
    sink_.on_lines(LineBatch{slot.task, slot.pid, stream, at - start_, lines});
    return;
  }
  // A line: probe waits: each line is reported before the probe sees it, so that a ready
  // event comes right after the line that made it.
  for (std::size_t i = 0; i < lines.size(); ++i) {
    sink_.on_lines(LineBatch{slot.task, slot.pid, stream, at - start_, lines.subspan(i, 1)});
    readiness_.line(slot.index, lines[i].text);
  }
}

void Run::release(const Deferred& event) {
  using Kind = Deferred::Kind;
  const Task& task = tasks_[event.task];
  if (event.kind == Kind::kReady) {
    sink_.on_ready(ReadyEvent{task, event.result, readiness_.probe(event.task).text, event.t});
  } else if (event.kind == Kind::kExit && event.retry_cancelled) {
    sink_.on_retry_cancelled(ExitEvent{task, event.result, event.t});
  } else if (event.kind == Kind::kExit) {
    sink_.on_exit(ExitEvent{task, event.result, event.t, event.retrying});
  } else {
    sink_.on_start(StartEvent{task, event.pid, event.ppid, event.t, event.attempt,
                              results_[event.task].max_attempts});
  }
}

void Run::finish_ready() {
  const auto& running = children_.running();
  for (std::size_t i = 0; i < running.size();) {
    Slot& slot = *running[i];
    if (slot.reaped && slot.pipes_closed()) {
      finish(slot);
      children_.remove(slot);  // the next slot moves to i
    } else {
      ++i;
    }
  }
  children_.stop_left_behind();
  turns_.update(Clock::now());
}

void Run::finish(Slot& slot) {
  for (Stream stream : {Stream::kStdout, Stream::kStderr}) turns_.remove(slot.pipe(stream), stream);
  if (!slot.started) pipes_.read_hello(slot);
  sampler_.last(slot);
  results_.record_end(slot);
  readiness_.ended(slot);
  const TaskResult& result = results_[slot.index];
  // A stop under way runs nothing again: the task ends with this attempt.
  const bool retry = !stopping_ && !system_failed_ && results_.may_retry(slot.index);
  turns_.deliver({Deferred::Kind::kExit, slot.index, result.pid, result.ppid, since_start(), result,
                  1, retry});
  if (retry) {
    readiness_.retrying(slot.index);
    detail::log().info("task '{}' failed ({}) on attempt {} of {}: it runs again in {}",
                       slot.task.name, describe(result), result.attempt, result.max_attempts,
                       human_duration(options_.retry_delay));
    retries_.add(slot.index, Clock::now());
    return;
  }
  readiness_.ended_for_good(slot.index, since_start());
  // Only a task that failed for good (no attempt left) stops the run; once every task that is
  // no service has ended, the run is over instead (check_run_over).
  const detail::NeedsState& needs = readiness_.needs();
  const bool over = needs.has_tasks() && needs.tasks_left() == 0;
  if (options_.fail_fast && result.failed() && !stopping_ && !over) {
    detail::log().info("task '{}' failed ({}) and --fail-fast is on", slot.task.name,
                       describe(result));
    stop_all(0);
  }
}

void Run::stop_all(int status) {
  const StopReason reason = stop_reason_of_status(status);
  detail::log().info("stopping every task: {}", stop_reason_name(reason));
  stopping_ = true;
  if (stop_status_ == 0) stop_status_ = status;  // the first signal (or 141) is the status
  // A signal or a lost reader stops the run whatever is left; --fail-fast only when it stops
  // or holds back a task.
  bool stops_something = status != 0 || readiness_.needs().any_waiting() || !retries_.empty();
  const TimePoint now = Clock::now();
  queues_.lose_patience(now);
  for (const auto& slot : children_.running()) {
    // Its exit may not have been looked at yet this round: then it ended on its own.
    children_.notice_exit(*slot);
    if (results_.mark_victim(*slot, reason)) stops_something = true;
    slot->stop.stop(now);
  }
  if (stops_something) results_.stopped(reason, since_start());
  readiness_.cancel_all();
  cancel_retries(reason);
  give_up_pending(reason);
}

void Run::cancel_retries(StopReason reason) {
  // Each ends with its last attempt, which failed (docs/tasks.md, "Retries"): its exit event
  // went out already, and the summary counts it failed. The reporters are told after that
  // exit event, which may still wait for its turn.
  for (const std::size_t index : retries_.cancel()) {
    const TaskResult& result = results_[index];
    Deferred cancelled{Deferred::Kind::kExit, index,         result.pid,
                       result.ppid,           since_start(), result};
    cancelled.retry_cancelled = true;
    turns_.deliver(cancelled);
    readiness_.needs().ended(index);  // what waits on it is given up with the stop's reason
    detail::log().info(
        "task '{}' does not run again ({}): it failed on attempt {} of {}", tasks_[index].name,
        reason == StopReason::kNone ? "mtask cannot start tasks" : stop_reason_name(reason),
        results_[index].attempt, results_[index].max_attempts);
  }
}

void Run::give_up_pending(StopReason reason) {
  const Duration t = since_start();
  detail::NeedsState& needs = readiness_.needs();
  const std::size_t first = needs.first_waiting();
  std::size_t count = 0;
  for (std::size_t i = first; i < tasks_.size(); ++i) {
    if (!needs.waiting(i)) continue;
    ++count;
    needs.ended(i);
    results_[i].stopped = reason;
    sink_.on_exit(ExitEvent{tasks_[i], results_[i], t});
  }
  if (count > 0) {
    detail::log().info("tasks not started: {} (from '{}' on)", count, tasks_[first].name);
  }
}

void Run::report_summary(int status) {
  SummaryEvent summary = results_.summary(since_start(), status);
  run_cpu_.end(summary);
  sink_.on_summary(summary);
  sink_.flush();
}

int Run::exit_status() const {
  if (stop_status_ != 0) return stop_status_;
  if (system_failed_) return 3;
  return results_.any_failed() ? 1 : 0;
}

}  // namespace

int run_tasks(const std::vector<Task>& tasks, const RunOptions& options, EventSink& sink) {
  if (detail::thread_count() > 1) {
    throw std::logic_error("tasks can only be forked from a single-threaded process");
  }
  const detail::LogScope log_scope;  // the logger named "mtask" as it is now, for the run
  Run run(tasks, options, sink);
  return run.execute();
}

}  // namespace mtask
