#include "mtask/report/junit_reporter.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/report/output.hpp"
#include "mtask/text/human.hpp"
#include "mtask/text/status.hpp"
#include "mtask/text/xml.hpp"
#include "posix/atomic_file.hpp"

namespace mtask {
namespace {

// ISO 8601 in UTC without a zone suffix, as the common JUnit schema's xs:dateTime has it.
std::string iso_utc(std::chrono::system_clock::time_point t) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}", fmt::gmtime(std::chrono::system_clock::to_time_t(t)));
}

std::string attr(std::string_view text) {
  std::string out;
  append_xml_escaped(out, text, true);
  return out;
}

std::string hostname() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

// What kind of failure a failed attempt was: the type attribute of its element.
std::string_view failure_type(const TaskResult& r) {
  if (!r.not_ready.empty()) return "not-ready";
  if (r.ended_early) return "ended-early";
  if (r.outcome == Outcome::kSignaled) return "signal";
  if (r.outcome == Outcome::kTimedOut) return "timeout";
  return "exit";
}

// The failure element of a failed task: the type says what kind of failure, the message how.
std::string failure_element(const TaskResult& r) {
  return fmt::format("      <failure message=\"{0}\" type=\"{1}\">{0}</failure>\n",
                     attr(describe(r)), failure_type(r));
}

// What went wrong, in words that name the option, the call and the file.
std::string junit_error(const std::string& path, const posix::FileError& error) {
  return fmt::format("--junit {}: {}", quote_arg(path), error.message());
}

// How the task took turns on the CPU (docs/output.md, "JUnit XML"): its CPU wait (left out when
// unknown, a trailing "+" when it covers only some of its processes) and its context switches.
// Nothing for a task that never started.
std::string cpu_properties(const TaskResult& r) {
  if (r.outcome == Outcome::kNotStarted) return {};
  std::string out = "      <properties>\n";
  if (r.cpu_wait) {
    out += fmt::format("        <property name=\"cpu_wait_s\" value=\"{}{}\"/>\n",
                       seconds_3(*r.cpu_wait), r.cpu_wait_partial ? "+" : "");
  }
  out += fmt::format(
      "        <property name=\"vcsw\" value=\"{}\"/>\n"
      "        <property name=\"ivcsw\" value=\"{}\"/>\n      </properties>\n",
      r.vcsw, r.ivcsw);
  return out;
}

// A task in the slice only because another needs it is left out unless it failed: it is not
// one of the tests asked for (docs/output.md, "JUnit XML").
bool left_out(const Task& task, const TaskResult& r) { return task.needed_only && !r.failed(); }

// The skipped element of a task that did not finish on its own, or an empty string: a task
// never started (with the need that failed), or one mtask stopped. A service stopped because
// the run was over passed.
std::string skipped_element(const TaskResult& r) {
  if (r.outcome == Outcome::kNotStarted) {
    if (r.stopped == StopReason::kNeeds) {
      return fmt::format("      <skipped message=\"{}\"/>\n", attr(r.needs_failed));
    }
    return "      <skipped message=\"not started\"/>\n";
  }
  if (r.was_stopped() && r.stopped != StopReason::kRunOver) {
    // Not a failure of its own, and it did not finish: skipped (docs/output.md, "JUnit XML").
    return fmt::format("      <skipped message=\"{}\"/>\n", attr(describe(r)));
  }
  return {};
}

}  // namespace

JunitReporter::JunitReporter(const std::vector<Task>& tasks, std::string path,
                             std::size_t keep_bytes, RunContext context)
    : tasks_(tasks), path_(std::move(path)), context_(std::move(context)), keep_bytes_(keep_bytes) {
  // By the task's index, which under --shard is its place in the whole list, not in this one.
  std::size_t size = 0;
  for (const Task& task : tasks) size = std::max(size, task.index + 1);
  outputs_.resize(size);
  failing_.resize(size);
  earlier_.resize(size);
}

JunitReporter::~JunitReporter() = default;

void JunitReporter::on_begin(const BeginEvent& e) { run_start_ = e.wall_start; }

void JunitReporter::on_start(const StartEvent& e) {
  if (e.task.index < failing_.size() && failing_[e.task.index]) move_to_earlier(e.task.index);
}

void JunitReporter::on_exit(const ExitEvent& e) {
  if (!e.retrying || e.task.index >= outputs_.size()) return;
  // The task is to run again, unless a stop cancels that: then this attempt, with its output,
  // stays its last (docs/output.md, "JUnit XML").
  failing_[e.task.index] = e.result;
}

void JunitReporter::move_to_earlier(std::size_t index) {
  Earlier& earlier = earlier_[index];
  TaskOutput& output = outputs_[index];
  earlier.kept.push_back(
      FailedAttempt{*failing_[index], keep_first(output.out), keep_first(output.err)});
  failing_[index].reset();
  output = TaskOutput{};  // closes a spilled buffer's file
  if (earlier.kept.size() > kEarlierAttemptsKept) {
    earlier.kept.pop_front();
    ++earlier.not_shown;
  }
}

JunitReporter::KeptStream JunitReporter::keep_first(const Captured& c) {
  KeptStream kept{c.escaped.head(kEarlierKeepBytes + 1), 0};
  if (kept.escaped.size() > kEarlierKeepBytes) {
    // Cut where a character and an XML reference are whole: before a UTF-8 lead byte and not
    // inside `&...;`.
    std::size_t cut = kEarlierKeepBytes;
    while (cut > 0 && (static_cast<unsigned char>(kept.escaped[cut]) & 0xC0) == 0x80) --cut;
    const std::size_t amp = cut == 0 ? std::string::npos : kept.escaped.rfind('&', cut - 1);
    if (amp != std::string::npos && kept.escaped.find(';', amp) >= cut) cut = amp;
    kept.escaped.resize(cut);
  }
  kept.not_kept = c.escaped.size() - kept.escaped.size() + c.left_out + c.escaped.dropped();
  return kept;
}

void JunitReporter::on_line(const LineEvent& e) {
  if (e.task.index >= outputs_.size()) return;
  // A line of the next attempt may come before its start event: the failed one is over.
  if (failing_[e.task.index] && failing_[e.task.index]->pid != e.pid) move_to_earlier(e.task.index);
  TaskOutput& task = outputs_[e.task.index];
  Captured& c = e.stream == Stream::kStdout ? task.out : task.err;
  const std::size_t size = e.text.size() + (e.partial ? 0 : 1);
  if (c.kept + size > keep_bytes_) {
    c.left_out += size;
    return;
  }
  c.kept += size;
  scratch_.clear();
  append_xml_escaped(scratch_, e.text);
  if (!e.partial) scratch_ += '\n';
  c.escaped.append(scratch_);
}

std::string JunitReporter::testcase_name(const Task& task) const {
  std::size_t same = 0;
  for (const Task& t : tasks_) {
    if (t.name == task.name) ++same;
  }
  // Two tasks may share a name; CI tools merge test cases of the same name, so add the index.
  return same > 1 ? fmt::format("{} #{}", task.name, task.index) : task.name;
}

void JunitReporter::on_summary(const SummaryEvent& e) {
  if (written_) return;
  written_ = true;
  posix::AtomicFile file(path_, kMode);
  std::optional<posix::FileError> error = file.open();
  if (!error) {
    FdOutput out(file.fd());
    write_report(e, out);
    if (!out.flush()) {
      error = posix::FileError{"write", file.through() ? path_ : file.temporary(),
                               std::error_code(out.error(), std::generic_category())};
      file.discard();
    }
  }
  if (!error) error = file.commit();
  if (error) error_ = junit_error(path_, *error);
}

void JunitReporter::write_report(const SummaryEvent& e, Output& file) const {
  std::size_t tests = 0;
  std::size_t skipped = 0;
  for (std::size_t i = 0; i < e.tasks.size() && i < e.results.size(); ++i) {
    if (left_out(e.tasks[i], e.results[i])) continue;
    ++tests;
    if (!skipped_element(e.results[i]).empty()) ++skipped;
  }
  const std::string name =
      context_.shard.empty() ? "mtask" : fmt::format("mtask (shard {})", context_.shard);
  const std::string suite_attrs = fmt::format(
      "name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\"",
      attr(name), tests, e.failed, skipped, seconds_3(e.wall));
  file.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  file.write(fmt::format("<testsuites {}>\n", suite_attrs));
  file.write(fmt::format("  <testsuite {} timestamp=\"{}\" hostname=\"{}\">\n", suite_attrs,
                         iso_utc(run_start_), attr(hostname())));
  if (!context_.shard.empty()) {
    // CI tools merge the suites of N jobs; the property tells which slice each one ran.
    file.write(fmt::format(
        "    <properties>\n      <property name=\"shard\" value=\"{}\"/>\n    </properties>\n",
        attr(context_.shard)));
  }
  for (std::size_t i = 0; i < e.tasks.size() && i < e.results.size(); ++i) {
    const Task& task = e.tasks[i];
    const TaskResult& r = e.results[i];
    if (left_out(task, r)) continue;
    file.write(fmt::format("    <testcase name=\"{}\" classname=\"mtask\" time=\"{}\">\n",
                           attr(testcase_name(task)), seconds_3(r.wall)));
    file.write(cpu_properties(r));
    if (const std::string skip = skipped_element(r); !skip.empty()) {
      file.write(skip);
    } else if (r.failed()) {
      file.write(failure_element(r));
    }
    if (task.index < earlier_.size()) {
      // The elements CI report readers know for runs again: the failed attempts of a task that
      // passed in the end are flaky failures of a passing test, those of one that never passed
      // reruns.
      const bool passed = r.outcome == Outcome::kExited && r.code == 0;
      std::size_t not_shown = earlier_[task.index].not_shown;
      for (const FailedAttempt& attempt : earlier_[task.index].kept) {
        write_attempt(passed ? "flakyFailure" : "rerunFailure", attempt, not_shown, file);
        not_shown = 0;
      }
    }
    if (task.index < outputs_.size()) write_output(outputs_[task.index], file, "      ");
    file.write("    </testcase>\n");
  }
  file.write("  </testsuite>\n</testsuites>\n");
}

void JunitReporter::write_attempt(std::string_view element, const FailedAttempt& attempt,
                                  std::size_t not_shown, Output& file) {
  const TaskResult& r = attempt.result;
  std::string message =
      fmt::format("{} on attempt {} of {}", describe(r), r.attempt, r.max_attempts);
  if (not_shown > 0) {
    message += fmt::format(" ({} not shown)", count_of(not_shown, "earlier attempt"));
  }
  file.write(fmt::format("      <{} message=\"{}\" type=\"{}\">\n", element, attr(message),
                         failure_type(r)));
  for (const auto& [name, kept] :
       {std::pair{"system-out", &attempt.out}, std::pair{"system-err", &attempt.err}}) {
    if (kept->escaped.empty() && kept->not_kept == 0) continue;
    file.write(fmt::format("        <{}>", name));
    file.write(kept->escaped);
    if (kept->not_kept > 0) {
      file.write(
          fmt::format("[mtask: {} of output not kept]\n", count_of(kept->not_kept, "more byte")));
    }
    file.write(fmt::format("</{}>\n", name));
  }
  file.write(fmt::format("      </{}>\n", element));
}

void JunitReporter::write_output(const TaskOutput& output, Output& file, std::string_view indent) {
  for (const auto& [element, c] :
       {std::pair{"system-out", &output.out}, std::pair{"system-err", &output.err}}) {
    if (c->kept == 0 && c->left_out == 0) continue;
    file.write(fmt::format("{}<{}>", indent, element));
    c->escaped.write_to(file);
    if (c->left_out > 0 || c->escaped.dropped() > 0) {
      file.write(fmt::format("[mtask: {} of output not kept]\n",
                             count_of(c->left_out + c->escaped.dropped(), "more byte")));
    }
    file.write(fmt::format("</{}>\n", element));
  }
}

}  // namespace mtask
