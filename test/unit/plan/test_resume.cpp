#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "mtask/error.hpp"
#include "mtask/plan/resume.hpp"

namespace {

std::vector<mtask::Task> tasks_named(const std::vector<std::string>& names) {
  std::vector<mtask::Task> tasks;
  for (std::size_t i = 0; i < names.size(); ++i) {
    tasks.push_back(mtask::Task{.name = names[i], .index = i});
  }
  return tasks;
}

// The job log's header as it is written, with the attempt column of --retries.
const std::string kHeader =
    "index\ttask\tpid\tppid\tstart\twall\tuser\tsys\tmax_rss_kb\texit\tsignal\ttimed_out\t"
    "stopped\tattempt\tcommand\n";

std::string row(std::size_t index, const std::string& name, const std::string& exit,
                const std::string& signal = "-", const std::string& timed_out = "0",
                const std::string& stopped = "-", const std::string& attempt = "1") {
  return std::to_string(index) + "\t" + name + "\t42\t41\t1.000\t0.1\t0\t0\t1000\t" + exit + "\t" +
         signal + "\t" + timed_out + "\t" + stopped + "\t" + attempt + "\tmake " + name + "\n";
}

std::string error_of(const std::string& joblog, const std::vector<mtask::Task>& tasks) {
  try {
    mtask::tasks_to_resume(joblog, tasks);
  } catch (const mtask::UsageError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("tasks_to_resume: failed and missing tasks run again", "[unit][resume]") {
  const auto tasks = tasks_named({"build", "lint", "test", "docs", "slow", "cut", "gone"});
  const std::string joblog =
      "# shard 1/1\n" + kHeader + row(0, "build", "0") + row(1, "lint", "2") +
      row(2, "test", "-", "SIGSEGV") + row(4, "slow", "-", "SIGTERM", "1") +
      row(5, "cut", "-", "SIGTERM", "0", "SIGINT") + "\n" + row(3, "docs", "0");
  // gone (6) has no row: it never ran.
  CHECK(mtask::tasks_to_resume(joblog, tasks) ==
        std::vector<bool>{false, true, true, false, true, true, true});
}

TEST_CASE("tasks_to_resume: the last row of a task decides", "[unit][resume]") {
  const auto tasks = tasks_named({"flaky", "broken"});
  const std::string joblog = kHeader + row(0, "flaky", "1", "-", "0", "-", "1") +
                             row(1, "broken", "0", "-", "0", "-", "1") +
                             row(0, "flaky", "0", "-", "0", "-", "2") +
                             row(1, "broken", "1", "-", "0", "-", "2");
  CHECK(mtask::tasks_to_resume(joblog, tasks) == std::vector<bool>{false, true});
}

TEST_CASE("tasks_to_resume: job logs put one after another", "[unit][resume]") {
  const auto tasks = tasks_named({"a", "b"});
  const std::string joblog =
      kHeader + row(0, "a", "0") + row(1, "b", "1") + "# shard 1/1\n" + kHeader + row(1, "b", "0");
  CHECK(mtask::tasks_to_resume(joblog, tasks) == std::vector<bool>{false, false});
}

TEST_CASE("tasks_to_resume: columns are found by the header's names", "[unit][resume]") {
  // The job log of an mtask before the attempt column.
  const std::string joblog =
      "index\ttask\tpid\tppid\tstart\twall\tuser\tsys\tmax_rss_kb\texit\tsignal\ttimed_out\t"
      "stopped\tcommand\n"
      "1\tb\t42\t41\t1.000\t0.1\t0\t0\t1000\t0\t-\t0\t-\tmake b\n";
  CHECK(mtask::tasks_to_resume(joblog, tasks_named({"a", "b"})) == std::vector<bool>{true, false});
}

TEST_CASE("tasks_to_resume: the CPU columns before the command change nothing", "[unit][resume]") {
  // The job log with cpu_wait, vcsw and ivcsw (docs/output.md, "Job log"): an unknown wait is
  // "-", a partial one ends with "+"; the command after them may hold escaped tabs.
  const std::string joblog =
      "index\ttask\tpid\tppid\tstart\twall\tuser\tsys\tmax_rss_kb\texit\tsignal\ttimed_out\t"
      "stopped\tattempt\tcpu_wait\tvcsw\tivcsw\tcommand\n"
      "0\ta\t42\t41\t1.000\t4.000\t2.000\t0\t1000\t0\t-\t0\t-\t1\t2.000\t3\t648\tmake a\n"
      "1\tb\t43\t41\t1.000\t0.1\t0\t0\t1000\t1\t-\t0\t-\t1\t0.050+\t2\t0\tprintf 'x\\ty'\n"
      "2\tc\t44\t41\t1.000\t0.1\t0\t0\t1000\t0\t-\t0\t-\t1\t-\t1\t0\tmake c\n";
  CHECK(mtask::tasks_to_resume(joblog, tasks_named({"a", "b", "c"})) ==
        std::vector<bool>{false, true, false});
}

TEST_CASE("tasks_to_resume: a row of another task list is an error", "[unit][resume]") {
  const auto tasks = tasks_named({"build", "test"});
  CHECK(error_of(kHeader + row(0, "build", "0") + row(1, "lint", "0"), tasks) ==
        "line 3: task 1 is 'lint' there but 'test' here (the job log belongs to another task "
        "list)");
  CHECK(error_of(kHeader + row(2, "docs", "0"), tasks) ==
        "line 2: task 2 is 'docs' there but there is no task 2 here (the job log belongs to "
        "another task list)");
}

TEST_CASE("tasks_to_resume: a shard's tasks keep their indexes", "[unit][resume]") {
  std::vector<mtask::Task> tasks = tasks_named({"a", "b", "c", "d"});
  tasks.erase(tasks.begin());  // b, c, d with indexes 1, 2, 3
  CHECK(mtask::tasks_to_resume(kHeader + row(2, "c", "0"), tasks) ==
        std::vector<bool>{true, false, true});
}

TEST_CASE("tasks_to_resume: what is not a job log", "[unit][resume]") {
  const auto tasks = tasks_named({"a"});
  CHECK(error_of("", tasks) == "not an mtask job log (it has no header line)");
  CHECK(error_of("# only a comment\n", tasks) == "not an mtask job log (it has no header line)");
  CHECK(error_of("name: command\n", tasks) ==
        "line 1: not the header of an mtask job log (no 'index' column)");
  CHECK(error_of(kHeader + "0\ta\t42\n1\n", tasks) ==
        "line 2: 3 tab-separated fields where at least 13 are needed");
  CHECK(error_of(kHeader + "x\ta\t42\t41\t1.000\t0.1\t0\t0\t1000\t0\t-\t0\t-\t1\tmake\n", tasks) ==
        "line 2: the index 'x' is not a whole number");
}

TEST_CASE("tasks_to_resume: a last row cut short is left out", "[unit][resume]") {
  const auto tasks = tasks_named({"a", "b"});
  const std::string joblog = kHeader + row(0, "a", "0") + "1\tb\t42\t41\t1.0";
  CHECK(mtask::tasks_to_resume(joblog, tasks) == std::vector<bool>{false, true});
}

TEST_CASE("joblog_shards: the shards a job log names", "[unit][resume][shard]") {
  using mtask::Shard;
  CHECK(mtask::joblog_shards(kHeader + row(0, "a", "0")).empty());
  CHECK(mtask::joblog_shards("# shard 2/4\n" + kHeader + row(1, "b", "0")) ==
        std::vector<Shard>{{2, 4}});
  // Job logs put one after another: each shard once, in their order.
  CHECK(mtask::joblog_shards("# shard 3/4\n" + kHeader + "# shard 1/4\n" + kHeader +
                             "# shard 3/4\n" + kHeader) == std::vector<Shard>{{3, 4}, {1, 4}});
  // Other comments name no shard; a last line without its newline still counts.
  CHECK(mtask::joblog_shards("# a note\n# shard x/y\n" + kHeader).empty());
  CHECK(mtask::joblog_shards(kHeader + row(0, "a", "0") + "# shard 1/2") ==
        std::vector<Shard>{{1, 2}});
}

TEST_CASE("tasks_to_resume: a service passed when it was stopped at the run's end",
          "[unit][resume][services]") {
  std::vector<mtask::Task> tasks = tasks_named({"web", "api", "smoke"});
  tasks[0].service = true;
  tasks[1].service = true;
  // web was stopped at run over (SIGTERM): a pass; api ended on its own with 0: it failed.
  const std::string joblog = kHeader + row(0, "web", "-", "SIGTERM", "0", "run over") +
                             row(1, "api", "0") + row(2, "smoke", "0");
  CHECK(mtask::tasks_to_resume(joblog, tasks) == std::vector<bool>{false, true, false});
}
