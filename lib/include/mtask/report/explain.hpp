#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "mtask/events.hpp"
#include "mtask/report/output.hpp"

namespace mtask {

/// What the explanation needs to know of the run beyond its events.
struct ExplainOptions {
  int parent_pid = 0;       ///< mtask's own pid
  bool busy = false;        ///< built-in tasks work instead of sleeping (--busy)
  std::vector<int> cpus{};  ///< --cores: the CPUs every child is pinned to; empty: none
};

/// `--explain`: narrates the system calls behind a run in plain words, one line each, as the
/// start and exit events come (`parent 4241: fork() -> child 4242 (sing)`,
/// `child 4242: getpid()=4242 getppid()=4241`,
/// `parent 4241: wait4(4242) -> exited 0 after 1.50 s, 0.4 ms CPU`). Writes to `err`, never in
/// the middle of a task's unfinished stderr line.
class ExplainReporter final : public EventSink {
 public:
  ExplainReporter(Output& err, ExplainOptions options);

  void on_start(const StartEvent& e) override;
  void on_line(const LineEvent& e) override;
  void on_exit(const ExitEvent& e) override;
  /// `parent 4241: web (pid 4242) is ready: probe tcp:8000 said so after 0.84 s, 9 tries`.
  void on_ready(const ReadyEvent& e) override;
  void on_summary(const SummaryEvent& e) override;
  bool flush() override;

 private:
  void say(std::string line);
  void write_held();
  /// Says the lines held until the last running task named `name` had its end told.
  void release_after(const std::string& name);

  Output& err_;
  ExplainOptions options_;
  std::vector<bool> mid_line_;    ///< per task index: a stderr line of it is unfinished on err
  std::size_t open_lines_ = 0;    ///< how many are
  std::deque<std::string> held_;  ///< lines waiting for those to finish
  /// Per task name: how many tasks of that name are running (started, end not yet told).
  std::map<std::string, std::size_t> running_;
  /// Per task name: "web was never ready, so smoke did not start", held until web's end is
  /// told (its probe's verdict first: the cause before the effect).
  std::multimap<std::string, std::string> after_end_;
};

}  // namespace mtask
