#include "mtask/report/junit_reporter.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/report/output.hpp"
#include "mtask/text/status.hpp"
#include "mtask/text/xml.hpp"

namespace mtask {
namespace {

std::string seconds(Duration d) { return fmt::format("{:.3f}", to_seconds(d)); }

// ISO 8601 in UTC without a zone suffix, as the common JUnit schema's xs:dateTime has it.
std::string iso_utc(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  return text;
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

// The failure element of a failed task: the type says what kind of failure, the message how.
std::string failure_element(const TaskResult& r) {
  const std::string how = describe(r);
  std::string_view type = "exit";
  if (r.outcome == Outcome::kSignaled) type = "signal";
  if (r.outcome == Outcome::kTimedOut) type = "timeout";
  return fmt::format("      <failure message=\"{0}\" type=\"{1}\">{0}</failure>\n", attr(how),
                     type);
}

}  // namespace

JunitReporter::JunitReporter(const std::vector<Task>& tasks, std::string path,
                             std::chrono::system_clock::time_point run_start,
                             std::size_t keep_bytes)
    : tasks_(tasks),
      path_(std::move(path)),
      tmp_path_(path_ + ".tmp"),
      run_start_(run_start),
      keep_bytes_(keep_bytes),
      outputs_(tasks.size()) {
  // Fail now, before anything runs, if the file cannot be made; but leave nothing on disk
  // until the report is written (mtask may yet be killed with SIGKILL).
  const int fd = open_tmp();
  if (fd < 0) {
    throw SystemError(fmt::format("--junit {}: cannot create {}: {}", quote_arg(path_),
                                  quote_arg(tmp_path_), std::strerror(errno)));
  }
  ::close(fd);
  ::unlink(tmp_path_.c_str());
}

JunitReporter::~JunitReporter() = default;

int JunitReporter::open_tmp() const {
  return ::open(tmp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

void JunitReporter::on_line(const LineEvent& e) {
  if (e.task.index >= outputs_.size()) return;
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
  fd_ = open_tmp();
  if (fd_ < 0) {
    error_ = fmt::format("--junit {}: cannot create {}: {}", quote_arg(path_), quote_arg(tmp_path_),
                         std::strerror(errno));
    return;
  }
  write_report(e);
}

void JunitReporter::write_report(const SummaryEvent& e) {
  std::size_t skipped = 0;
  for (const TaskResult& r : e.results) {
    if (r.outcome == Outcome::kNotStarted) ++skipped;
  }

  bool ok = true;
  {
    FdOutput file(fd_);
    const std::string suite_attrs = fmt::format(
        "name=\"mtask\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\"",
        e.tasks.size(), e.failed, skipped, seconds(e.wall));
    file.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    file.write(fmt::format("<testsuites {}>\n", suite_attrs));
    file.write(fmt::format("  <testsuite {} timestamp=\"{}\" hostname=\"{}\">\n", suite_attrs,
                           iso_utc(run_start_), attr(hostname())));
    for (std::size_t i = 0; i < e.tasks.size() && i < e.results.size(); ++i) {
      const Task& task = e.tasks[i];
      const TaskResult& r = e.results[i];
      file.write(fmt::format("    <testcase name=\"{}\" classname=\"mtask\" time=\"{}\">\n",
                             attr(testcase_name(task)), seconds(r.wall)));
      if (r.outcome == Outcome::kNotStarted) {
        file.write("      <skipped message=\"not started\"/>\n");
      } else if (r.failed()) {
        file.write(failure_element(r));
      }
      if (task.index < outputs_.size()) {
        const TaskOutput& output = outputs_[task.index];
        for (const auto& [element, c] :
             {std::pair{"system-out", &output.out}, std::pair{"system-err", &output.err}}) {
          if (c->kept == 0 && c->left_out == 0) continue;
          file.write(fmt::format("      <{}>", element));
          c->escaped.write_to(file);
          if (c->left_out > 0 || c->escaped.dropped() > 0) {
            file.write(fmt::format("[mtask: {} more bytes of output not kept]\n",
                                   c->left_out + c->escaped.dropped()));
          }
          file.write(fmt::format("</{}>\n", element));
        }
      }
      file.write("    </testcase>\n");
    }
    file.write("  </testsuite>\n</testsuites>\n");
    ok = file.flush();
  }
  const int saved = errno;
  const bool closed = ::close(fd_) == 0;
  fd_ = -1;
  if (!ok || !closed) {
    error_ = fmt::format("--junit {}: cannot write {}: {}", quote_arg(path_), quote_arg(tmp_path_),
                         std::strerror(ok ? errno : saved));
    ::unlink(tmp_path_.c_str());
    return;
  }
  if (::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    error_ = fmt::format("--junit {}: cannot rename {} to it: {}", quote_arg(path_),
                         quote_arg(tmp_path_), std::strerror(errno));
    ::unlink(tmp_path_.c_str());
  }
}

}  // namespace mtask
