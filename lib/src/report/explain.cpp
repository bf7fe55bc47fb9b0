// `--explain`: the system calls of a run, told as they happen, in the words of the lesson.
#include "mtask/report/explain.hpp"

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/grammar/cpu_set.hpp"
#include "mtask/text/human.hpp"
#include "mtask/text/status.hpp"

namespace mtask {
namespace {

std::string how_it_ended(const TaskResult& r) {
  switch (r.outcome) {
    case Outcome::kExited:
      return fmt::format("exited {}", r.code);
    case Outcome::kSignaled:
      return fmt::format("killed by {}", signal_name(r.signal));
    case Outcome::kTimedOut:
      return r.signal == 0
                 ? std::string("stopped by mtask after --timeout")
                 : fmt::format("stopped by mtask after --timeout ({})", signal_name(r.signal));
    case Outcome::kNotStarted:
      break;
  }
  return "never started";
}

std::string what_it_runs(const Task& task, bool busy) {
  if (task.is_command()) {
    return fmt::format("runs /bin/sh -c {}{}", quote_arg(task.command),
                       task.count == 1 ? "" : fmt::format(", {} times", task.count));
  }
  const std::string interval = human_duration(task.interval);
  const std::string_view each = task.count == 1 ? "it" : "each";
  const std::string after_each =
      task.interval.count() == 0 ? std::string("with no pause")
      : busy ? fmt::format("computing for {} of CPU time after {}", interval, each)
             : fmt::format("sleeping {} after {}", interval, each);
  return fmt::format("prints '{}... (i/{})' {}, {}", task.name, task.count,
                     count_of(task.count, "time"), after_each);
}

}  // namespace

ExplainReporter::ExplainReporter(Output& err, ExplainOptions options)
    : err_(err), options_(std::move(options)) {}

void ExplainReporter::say(std::string line) {
  line += '\n';
  if (open_lines_ > 0) {
    held_.push_back(std::move(line));
  } else {
    err_.write(line);
  }
}

void ExplainReporter::write_held() {
  while (open_lines_ == 0 && !held_.empty()) {
    err_.write(held_.front());
    held_.pop_front();
  }
}

void ExplainReporter::on_start(const StartEvent& e) {
  const int parent = options_.parent_pid;
  say(fmt::format("parent {}: fork() -> child {} ({})", parent, e.pid, e.task.name));
  say(fmt::format("child {}: getpid()={} getppid()={}{}", e.pid, e.pid, e.ppid,
                  e.ppid == parent ? "" : " (not mtask: its parent had gone)"));
  if (!options_.cpus.empty()) {
    say(fmt::format("child {}: sched_setaffinity() -> may run on CPU {} only", e.pid,
                    format_cpus(options_.cpus)));
  }
  say(fmt::format("child {}: {}", e.pid, what_it_runs(e.task, options_.busy)));
}

void ExplainReporter::on_line(const LineEvent& e) {
  if (e.stream != Stream::kStderr) return;
  if (e.task.index >= mid_line_.size()) mid_line_.resize(e.task.index + 1);
  // The text output writes the pieces of a long stderr line as they come: wait for its end.
  if (mid_line_[e.task.index] != e.partial) {
    mid_line_[e.task.index] = e.partial;
    open_lines_ = e.partial ? open_lines_ + 1 : open_lines_ - 1;
    write_held();
  }
}

void ExplainReporter::on_exit(const ExitEvent& e) {
  const TaskResult& r = e.result;
  if (r.outcome == Outcome::kNotStarted) return;  // never forked: counted in the summary
  const std::string stopped =
      r.was_stopped() ? fmt::format(" (mtask stopped it: {})", stop_reason_name(r.stopped)) : "";
  say(fmt::format("parent {}: wait4({}) -> {}{} after {}, {} CPU", options_.parent_pid, r.pid,
                  how_it_ended(r), stopped, human_duration(r.wall),
                  human_duration(r.user_cpu + r.sys_cpu)));
  if (e.retrying) {
    say(fmt::format("parent {}: {} failed on attempt {} of {}: it will be forked again",
                    options_.parent_pid, e.task.name, r.attempt, r.max_attempts));
  }
}

void ExplainReporter::on_summary(const SummaryEvent& e) {
  // The run is over: whatever line was open has been ended by now.
  open_lines_ = 0;
  write_held();
  std::size_t never = 0;
  for (const TaskResult& r : e.results) never += r.outcome == Outcome::kNotStarted ? 1 : 0;
  say(fmt::format("parent {}: every child reaped, no zombie left: {} in {}{}", e.parent_pid,
                  count_of(e.tasks.size(), "task"), human_duration(e.wall),
                  never == 0 ? std::string() : fmt::format(" ({} never forked)", never)));
}

bool ExplainReporter::flush() {
  // Standard error going away is no reason to stop the run (only stdout's reader matters).
  err_.flush();
  return true;
}

}  // namespace mtask
