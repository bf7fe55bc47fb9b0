// `--explain`: the system calls of a run, told as they happen, in the words of the lesson.
#include "mtask/report/explain.hpp"

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/grammar/cpu_set.hpp"
#include "mtask/text/human.hpp"
#include "mtask/text/speedup.hpp"
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

// "web and db", "a, b and c".
std::string names_of(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

// The need named by a needs_failed ("needs web: not ready after 30 s ..."): "web".
std::string_view need_of(std::string_view needs_failed) {
  constexpr std::string_view kNeeds = "needs ";
  if (needs_failed.starts_with(kNeeds)) needs_failed.remove_prefix(kNeeds.size());
  return needs_failed.substr(0, needs_failed.find(": "));
}

// Why a task did not start, from its needs_failed ("needs web: not ready after 30 s ..."): "web
// was never ready (not ready after 30 s ...)".
std::string need_that_failed(std::string_view needs_failed) {
  constexpr std::string_view kNeeds = "needs ";
  if (needs_failed.starts_with(kNeeds)) needs_failed.remove_prefix(kNeeds.size());
  const std::size_t colon = needs_failed.find(": ");
  if (colon == std::string_view::npos) return std::string(needs_failed);
  const std::string_view need = needs_failed.substr(0, colon);
  const std::string_view why = needs_failed.substr(colon + 2);
  std::string_view what = "failed";
  if (why.starts_with("not started")) {
    what = "did not start";
  } else if (why.starts_with("not ready") || why.starts_with("ended before it was ready")) {
    what = "was never ready";
  }
  return fmt::format("{} {} ({})", need, what, why);
}

// A task used enough CPU for its slices to say something: a sleeping task's few microseconds
// between two preemptions would not.
constexpr Duration kCpuWorthSlicing = std::chrono::milliseconds(10);

// How the task took turns on the CPU, from its context switches (rusage) and its CPU wait
// (docs/output.md, "Speedup"): "a (pid 4242) was preempted 648 times: slices of about 3.1 ms",
// "a (pid 4242) waited 2.00 s for a CPU while it was ready to run". The pid ties the line to
// the task's others.
std::vector<std::string> taking_turns(const Task& task, const TaskResult& r) {
  std::vector<std::string> lines;
  const Duration cpu = r.user_cpu + r.sys_cpu;
  if (r.ivcsw > 0 && cpu >= kCpuWorthSlicing) {
    // The CPU time it got, cut by each preemption: the length of its turns on a CPU.
    const Duration slice = cpu / (r.ivcsw + 1);
    lines.push_back(
        fmt::format("{} (pid {}) was preempted {}: slices of about {} of CPU", task.name, r.pid,
                    count_of(static_cast<std::size_t>(r.ivcsw), "time"), human_duration(slice)));
  } else if (r.vcsw > 0) {
    lines.push_back(fmt::format("{} (pid {}) gave up the CPU {} to sleep or wait, preempted {}",
                                task.name, r.pid,
                                count_of(static_cast<std::size_t>(r.vcsw), "time"),
                                count_of(static_cast<std::size_t>(r.ivcsw), "time")));
  }
  // A wait of a tenth of its time or more is worth telling: less hardly changed how long it took.
  if (r.cpu_wait && r.cpu_wait->count() > 0 && *r.cpu_wait * 10 >= r.wall) {
    lines.push_back(fmt::format("{} (pid {}) waited {}{} for a CPU while it was ready to run",
                                task.name, r.pid, r.cpu_wait_partial ? "at least " : "",
                                human_duration(*r.cpu_wait)));
  }
  return lines;
}

// The speedup in words, with the numbers it comes from: "one after another the tasks would
// take 4.00 s (8.00 s of wall time, 4.00 s of it waiting for a CPU); together they took
// 4.01 s: 1.00x, took turns on 1 CPU: nothing saved".
std::string speedup_in_words(const SummaryEvent& e) {
  const std::string figure = speedup_figure(e);
  if (figure.empty()) return {};
  const Duration wall_sum = e.task_wall_sum;
  return fmt::format(
      "one after another the tasks would take {}{} ({} of wall time, {} of it waiting for a "
      "CPU{}); together they took {}: {}, {}",
      e.sequential_upper_bound ? "at most " : "", human_duration(e.sequential),
      human_duration(wall_sum), human_duration(e.cpu_wait_sum),
      e.sequential_upper_bound ? ", more not measured" : "", human_duration(e.wall), figure,
      speedup_verdict(e));
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

void ExplainReporter::release_after(const std::string& name) {
  const auto [first, last] = after_end_.equal_range(name);
  for (auto it = first; it != last; ++it) say(std::move(it->second));
  after_end_.erase(first, last);
}

void ExplainReporter::on_start(const StartEvent& e) {
  const int parent = options_.parent_pid;
  ++running_[e.task.name];
  if (e.attempt == 1 && !e.task.needs.empty()) {
    say(fmt::format("parent {}: {} waited {:.2f} s for {}", parent, e.task.name, to_seconds(e.t),
                    names_of(e.task.needs)));
  }
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

void ExplainReporter::on_ready(const ReadyEvent& e) {
  const TaskResult& r = e.result;
  const std::string tries = r.probe_tries == 0
                                ? std::string()
                                : fmt::format(", {}", count_of(r.probe_tries, "try", "tries"));
  say(fmt::format("parent {}: {} (pid {}) is ready: probe {} said so after {:.2f} s{}",
                  options_.parent_pid, e.task.name, r.pid, e.probe, to_seconds(e.t - r.started),
                  tries));
}

void ExplainReporter::on_exit(const ExitEvent& e) {
  const TaskResult& r = e.result;
  if (r.outcome == Outcome::kNotStarted) {
    // Never forked: counted in the summary, and said here when its needs failed.
    if (r.stopped == StopReason::kNeeds) {
      std::string line = fmt::format("parent {}: {}, so {} did not start", options_.parent_pid,
                                     need_that_failed(r.needs_failed), e.task.name);
      // A need never ready is given up before mtask has stopped it: told after its end.
      const std::string need(need_of(r.needs_failed));
      const auto running = running_.find(need);
      if (running != running_.end() && running->second > 0) {
        after_end_.emplace(need, std::move(line));
      } else {
        say(std::move(line));
      }
    }
    return;
  }
  if (!r.not_ready.empty()) {
    const std::string tries =
        r.probe_tries == 0 ? std::string()
                           : fmt::format(" after {}", count_of(r.probe_tries, "try", "tries"));
    say(fmt::format("parent {}: {}'s probe gave up{}: {}", options_.parent_pid, e.task.name, tries,
                    r.not_ready));
  }
  const std::string stopped =
      r.was_stopped()        ? fmt::format(" (mtask stopped it: {})", stop_reason_name(r.stopped))
      : stopped_not_ready(r) ? std::string(" (mtask stopped it: never ready)")
                             : std::string();
  say(fmt::format("parent {}: wait4({}) -> {}{} after {}, {} CPU", options_.parent_pid, r.pid,
                  how_it_ended(r), stopped, human_duration(r.wall),
                  human_duration(r.user_cpu + r.sys_cpu)));
  for (std::string& line : taking_turns(e.task, r)) {
    say(fmt::format("parent {}: {}", options_.parent_pid, line));
  }
  if (e.retrying) {
    say(fmt::format("parent {}: {} failed on attempt {} of {}: it will be forked again",
                    options_.parent_pid, e.task.name, r.attempt, r.max_attempts));
  }
  auto running = running_.find(e.task.name);
  if (running != running_.end() && running->second > 0 && --running->second == 0) {
    release_after(e.task.name);
  }
}

void ExplainReporter::on_summary(const SummaryEvent& e) {
  // The run is over: whatever line was open has been ended by now.
  open_lines_ = 0;
  write_held();
  for (auto& [need, line] : after_end_) say(std::move(line));
  after_end_.clear();
  std::size_t never = 0;
  for (const TaskResult& r : e.results) never += r.outcome == Outcome::kNotStarted ? 1 : 0;
  if (const std::string words = speedup_in_words(e); !words.empty()) {
    say(fmt::format("parent {}: {}", e.parent_pid, words));
  }
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
