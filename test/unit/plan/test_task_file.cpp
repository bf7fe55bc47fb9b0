// Task files: formats, what each gives, and where each error points (docs/tasks.md).
#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "mtask/error.hpp"
#include "mtask/plan/task_file.hpp"

using mtask::detect_format;
using mtask::FilePlace;
using mtask::read_task_file;
using mtask::TaskFileFormat;
using namespace std::chrono_literals;

namespace {

/// The message read_task_file throws for `text`, or "" when it reads it.
std::string error_of(std::string_view text, TaskFileFormat format, std::string name = "f") {
  try {
    read_task_file(std::move(name), text, format);
  } catch (const mtask::UsageError& error) {
    return error.what();
  }
  return "";
}

std::string toml_error(std::string_view text) {
  return error_of(text, TaskFileFormat::kToml, "mtask.toml");
}

}  // namespace

TEST_CASE("the format comes from the file's name, else from its first meaningful line",
          "[unit][task_file]") {
  CHECK(detect_format("mtask.toml", "web: x") == TaskFileFormat::kToml);
  CHECK(detect_format("ci/build.toml", "") == TaskFileFormat::kToml);
  CHECK(detect_format("Procfile", "[run]") == TaskFileFormat::kProcfile);
  CHECK(detect_format("dir/Procfile.dev", "") == TaskFileFormat::kProcfile);
  CHECK(detect_format("dev.procfile", "") == TaskFileFormat::kProcfile);
  CHECK(detect_format("list.txt", "sing: 3\n") == TaskFileFormat::kList);
  CHECK(detect_format("ci/jobs.list", "[x]\n") == TaskFileFormat::kList);
  CHECK(detect_format("-", "# tasks\n\n[tasks.a]\n") == TaskFileFormat::kToml);
  CHECK(detect_format("-", "tasks.a.run = 'x'\n") == TaskFileFormat::kToml);
  CHECK(detect_format("-", "run.jobs = 2\n") == TaskFileFormat::kToml);
  CHECK(detect_format("x", "  # c\nweb: bundle exec puma\n") == TaskFileFormat::kProcfile);
  CHECK(detect_format("x", "sing:3\ndance:3@200ms\n") == TaskFileFormat::kList);
  CHECK(detect_format("x", "lint=make lint\n") == TaskFileFormat::kList);
  CHECK(detect_format("x", "run=echo x\n") == TaskFileFormat::kList);
  CHECK(detect_format("x", "a=echo a: b\n") == TaskFileFormat::kList);
  CHECK(detect_format("x", "") == TaskFileFormat::kList);
  CHECK(detect_format("Procfile.toml", "") == TaskFileFormat::kToml);
}

TEST_CASE("mtask.toml gives [run] defaults and tasks in file order", "[unit][task_file]") {
  const auto file = read_task_file("mtask.toml", R"(# a comment
[run]
jobs = 2
count = 4
interval = "200ms"
timeout = 30
kill_after = 0.5
fail_fast = true
retries = 1
retry_delay = "1s"
ready_timeout = "1m"

[tasks.lint]
run = "make lint"
timeout = "1m"
retries = 2
env = { FOO = "bar", CC = "clang" }
cwd = "sub"

[tasks.sing]
count = 3
interval = 0.25

[tasks.api]
run = "./api"
service = true
ready = "tcp:8000"
ready_timeout = "10s"

[tasks.smoke]
run = "./smoke"
needs = ["api", "sing"]
)",
                                   TaskFileFormat::kToml);
  CHECK(file.run.jobs == 2u);
  CHECK(file.run.count == 4u);
  CHECK(file.run.interval == 200ms);
  CHECK(file.run.timeout == 30s);
  CHECK(file.run.kill_after == 500ms);
  CHECK(file.run.fail_fast == true);
  CHECK(file.run.retries == 1u);
  CHECK(file.run.retry_delay == 1s);
  CHECK(file.run.ready_timeout == 1min);
  REQUIRE(file.tasks.size() == 4);
  const auto& lint = file.tasks[0];
  CHECK(lint.spec.name == "lint");
  CHECK(lint.spec.command == "make lint");
  CHECK(!lint.spec.count);
  CHECK(lint.at == FilePlace{13, 8});  // the NAME in [tasks.lint]
  CHECK(lint.extras.timeout == 60s);
  CHECK(lint.extras.retries == 2u);
  // In the file's order, not sorted.
  CHECK(lint.extras.env ==
        std::vector<std::pair<std::string, std::string>>{{"FOO", "bar"}, {"CC", "clang"}});
  CHECK(lint.extras.cwd == "sub");
  CHECK(lint.cwd_at == FilePlace{18, 7});
  CHECK(lint.services_key.empty());
  const auto& sing = file.tasks[1];
  CHECK(sing.spec.name == "sing");
  CHECK(!sing.spec.command);
  CHECK(sing.spec.count == 3u);
  CHECK(sing.spec.interval == 250ms);
  const auto& api = file.tasks[2];
  CHECK(api.extras.service);
  CHECK(api.extras.ready == "tcp:8000");
  CHECK(api.extras.ready_timeout == 10s);
  CHECK(api.services_key == "service");
  CHECK(api.services_at == FilePlace{26, 11});
  const auto& smoke = file.tasks[3];
  CHECK(smoke.extras.needs == std::vector<std::string>{"api", "sing"});
  CHECK(smoke.services_key == "needs");
}

TEST_CASE("resolve gives a file task the defaults it leaves out, and its extras",
          "[unit][task_file]") {
  const auto file = read_task_file("f", "[tasks.a]\nrun = 'x'\ntimeout = 2\n[tasks.b]\ncount = 5\n",
                                   TaskFileFormat::kToml);
  mtask::TaskDefaults defaults;
  defaults.count = 7;
  const mtask::Task a = mtask::resolve(file.tasks[0], defaults, 4);
  CHECK(a.name == "a");
  CHECK(a.command == "x");
  CHECK(a.count == 7);
  CHECK(a.index == 4);
  CHECK(a.timeout == 2s);
  const mtask::Task b = mtask::resolve(file.tasks[1], defaults, 0);
  CHECK(b.count == 5);
  CHECK(!b.is_command());
  CHECK(b.interval == 500ms);
}

TEST_CASE("an error in mtask.toml points at its line and column", "[unit][task_file]") {
  // Syntax, as toml++ finds it.
  CHECK_THAT(toml_error("[tasks.a]\nrun = \"x\nb"), Catch::StartsWith("mtask.toml:2:"));
  CHECK(toml_error("[tasks.a]\n[tasks.a]\n").starts_with("mtask.toml:2:1: "));
  // Unknown keys, at the key.
  CHECK(toml_error("[tasks.a]\nrun = 'x'\n  comand = 'y'\n") ==
        "mtask.toml:3:3: unknown key 'comand' in [tasks.a] (use run, count, interval, timeout, "
        "retries, env, cwd, service, ready, ready_timeout, needs)");
  CHECK(toml_error("[run]\njob = 2\n[tasks.a]\n") ==
        "mtask.toml:2:1: unknown key 'job' in [run] (use jobs, count, interval, timeout, "
        "kill_after, fail_fast, retries, retry_delay, ready_timeout)");
  CHECK(toml_error("[tasks.a]\n[other]\n") ==
        "mtask.toml:2:2: unknown key 'other' (use [run] and [tasks.NAME])");
  // Wrong types, at the value.
  CHECK(toml_error("[tasks.a]\ncount = \"3\"\n") ==
        "mtask.toml:2:9: count: expected a whole number, not a string");
  CHECK(toml_error("[tasks.a]\nservice = 1\n") ==
        "mtask.toml:2:11: service: expected true or false, not an integer");
  CHECK(toml_error("[tasks.a]\nenv = { X = 1 }\n") ==
        "mtask.toml:2:13: env.X: expected a string, not an integer");
  CHECK(toml_error("[tasks.a]\nneeds = 'b'\n[tasks.b]\n") ==
        "mtask.toml:2:9: needs: expected an array, not a string");
  CHECK(toml_error("tasks = 3\n") == "mtask.toml:1:9: tasks: expected a table, not an integer");
  CHECK(toml_error("[tasks]\na = 'echo'\n") ==
        "mtask.toml:2:5: tasks.a: expected a table, not a string");
  // Bad values.
  CHECK(toml_error("[tasks.a]\ninterval = '1parsec'\n") ==
        "mtask.toml:2:12: interval = '1parsec': unknown duration unit 'parsec' (use ns, us, ms, "
        "s, m, h)");
  CHECK_THAT(toml_error("[tasks.a]\ntimeout = -1\n"),
             Catch::StartsWith("mtask.toml:2:11: timeout = '-1': "));
  CHECK(toml_error("[tasks.a]\ncount = -1\n") ==
        "mtask.toml:2:9: count = -1: must be a whole number from 0 to 1000000000");
  CHECK(toml_error("[run]\njobs = 0\n[tasks.a]\n") ==
        "mtask.toml:2:8: jobs = 0: must be a whole number from 1 to 1000000000");
  CHECK(toml_error("[tasks.a]\nrun = ' '\n") == "mtask.toml:2:7: run = ' ': must not be empty");
  CHECK(toml_error("[tasks.a]\ncwd = ''\n") == "mtask.toml:2:7: cwd = '': must not be empty");
  CHECK(toml_error("[tasks.a]\nready = 'http:80'\n") ==
        "mtask.toml:2:9: ready = 'http:80': unknown probe (use exit, tcp:PORT, tcp:HOST:PORT, "
        "line:REGEX or cmd:COMMAND)");
  // A service is never ready by ending: told at `ready`, whichever key comes first.
  const std::string exit_service =
      "ready = 'exit': a service is never ready by ending (it runs until the run is over; leave "
      "ready out, or give tcp:, line: or cmd:)";
  CHECK(toml_error("[tasks.a]\nservice = true\nready = 'exit'\n") ==
        "mtask.toml:3:9: " + exit_service);
  CHECK(toml_error("[tasks.a]\nready = 'exit'\nservice = true\n") ==
        "mtask.toml:2:9: " + exit_service);
  CHECK(toml_error("[tasks.a]\nready = 'exit'\nservice = false\n").empty());
  CHECK(toml_error("[tasks.a]\nready = 'tcp:80'\nservice = true\n").empty());
  CHECK(
      toml_error("[tasks.a]\nenv = { 'A-B' = 'x' }\n").starts_with("mtask.toml:2:9: env: 'A-B': "));
  CHECK(toml_error("[tasks.a]\nenv.MTASK_TASK = 'x'\n") ==
        "mtask.toml:2:5: env: 'MTASK_TASK': set by mtask itself for every command");
  // Bad names, at the name.
  CHECK(toml_error("[tasks.\"-a\"]\n") ==
        "mtask.toml:1:8: '-a': task name must not start with '-'");
  CHECK_THAT(toml_error("[tasks.a]\nneeds = ['b c']\n"),
             Catch::StartsWith("mtask.toml:2:10: needs: 'b c': "));
  // No task.
  CHECK(toml_error("") == "mtask.toml:1:1: no tasks (a task is a [tasks.NAME] table)");
  CHECK(toml_error("[run]\njobs = 2\n") ==
        "mtask.toml:1:1: no tasks (a task is a [tasks.NAME] table)");
}

TEST_CASE("of several errors in mtask.toml, the first in the file is reported",
          "[unit][task_file]") {
  // toml++ keeps keys sorted by name: 'a' before 'z', 'bar' before 'foo'.
  CHECK_THAT(toml_error("[tasks.z]\nrun = 'x'\ncount = 'bad'\n[tasks.a]\nrun = 'y'\ncomand = 1\n"),
             Catch::StartsWith("mtask.toml:3:"));
  CHECK_THAT(toml_error("[tasks.z]\ncount = 1\nrun = 'x'\nfoo = 1\nbar = 2\n"),
             Catch::StartsWith("mtask.toml:4:1: unknown key 'foo'"));
}

TEST_CASE("needs name tasks of the file and make no cycle", "[unit][task_file]") {
  CHECK(toml_error("[tasks.a]\nneeds = ['b', 'x']\n[tasks.b]\n") ==
        "mtask.toml:2:15: task 'a' needs 'x', which is no task of this file");
  CHECK(toml_error("[tasks.a]\nneeds = ['b']\n[tasks.b]\nneeds = ['a']\n") ==
        "mtask.toml:2:10: tasks need each other in a cycle: a -> b -> a");
  CHECK(toml_error("[tasks.c]\n[tasks.a]\nneeds = ['c', 'b']\n[tasks.b]\nneeds = ['c', 'a']\n") ==
        "mtask.toml:3:15: tasks need each other in a cycle: a -> b -> a");
  // Worded as on the command line: the same mistake, the same words.
  CHECK(toml_error("[tasks.a]\nneeds = ['a']\n") == "mtask.toml:2:10: task 'a' needs itself");
  CHECK(toml_error("[tasks.web]\n[tasks.a]\nneeds = ['wbe']\n") ==
        "mtask.toml:3:10: task 'a' needs 'wbe', which is no task of this file (did you mean "
        "'web'?)");
  CHECK(toml_error("[tasks.a]\nneeds = ['b']\n[tasks.b]\nneeds = ['c']\n[tasks.c]\n").empty());
}

TEST_CASE("a Procfile gives one command task per 'name: command' line", "[unit][task_file]") {
  const auto file = read_task_file(
      "Procfile",
      "# web and worker\n\nweb: bundle exec puma -p $PORT\r\n  worker:python w.py # x\n",
      TaskFileFormat::kProcfile);
  REQUIRE(file.tasks.size() == 2);
  CHECK(file.tasks[0].spec.name == "web");
  CHECK(file.tasks[0].spec.command == "bundle exec puma -p $PORT");
  CHECK(!file.tasks[0].spec.count);
  CHECK(file.tasks[0].at == FilePlace{3, 1});
  CHECK(file.tasks[1].spec.command == "python w.py # x");
  CHECK(file.tasks[1].at == FilePlace{4, 3});
}

TEST_CASE("an error in a Procfile points at its line and column", "[unit][task_file]") {
  const auto error = [](std::string_view text) {
    return error_of(text, TaskFileFormat::kProcfile, "Procfile");
  };
  CHECK(error("web: x\n  just words\n") ==
        "Procfile:2:3: 'just words': expected 'name: command' (a Procfile line)");
  CHECK(error("web: x\nw b: y\n") == "Procfile:2:1: 'w b': task name must not contain a space");
  CHECK(error("web:   \n") == "Procfile:1:5: no command after 'web:'");
  CHECK(error("web: x\nweb: y\n") == "Procfile:2:1: task 'web' is defined twice (first at line 1)");
  CHECK(error("# nothing\n\n") == "Procfile:1:1: no tasks (a task is a line 'name: command')");
  // Columns count code points, not bytes.
  CHECK(error("唱歌 x\n") == "Procfile:1:1: '唱歌 x': expected 'name: command' (a Procfile line)");
  CHECK(error("唱歌:\n") == "Procfile:1:4: no command after '唱歌:'");
}

TEST_CASE("a list gives one TASK per line in the command line's grammar", "[unit][task_file]") {
  const auto file = read_task_file("tasks.txt", "sing:3@200ms\n# c\n\n  lint=make lint # all\n",
                                   TaskFileFormat::kList);
  REQUIRE(file.tasks.size() == 2);
  CHECK(file.tasks[0].spec.name == "sing");
  CHECK(file.tasks[0].spec.count == 3u);
  CHECK(file.tasks[0].spec.interval == 200ms);
  CHECK(file.tasks[1].spec.command == "make lint # all");
  CHECK(file.tasks[1].at == FilePlace{4, 3});
}

TEST_CASE("a list may give a NAME twice, as the command line may", "[unit][task_file]") {
  const mtask::TaskFile file =
      mtask::read_task_file("<stdin>", "gz=gzip a\ngz=gzip b\n", TaskFileFormat::kList);
  REQUIRE(file.tasks.size() == 2);
  CHECK(file.tasks[0].spec.command == "gzip a");
  CHECK(file.tasks[1].spec.command == "gzip b");
}

TEST_CASE("a byte order mark before the first line is no part of it, in every format",
          "[unit][task_file]") {
  const std::string bom = "\xEF\xBB\xBF";
  for (const auto& [format, text] :
       {std::pair{TaskFileFormat::kProcfile, bom + "web: echo a\n"},
        std::pair{TaskFileFormat::kList, bom + "web=echo a\n"},
        std::pair{TaskFileFormat::kToml, bom + "[tasks.web]\nrun = 'echo a'\n"}}) {
    const mtask::TaskFile file = mtask::read_task_file("f", text, format);
    REQUIRE(file.tasks.size() == 1);
    CHECK(file.tasks[0].spec.name == "web");
  }
  CHECK(mtask::detect_format("", bom + "web: echo a\n") == TaskFileFormat::kProcfile);
  CHECK(mtask::detect_format("", bom + "[tasks.web]\n") == TaskFileFormat::kToml);
}

TEST_CASE("an error in a list points at its line and column", "[unit][task_file]") {
  const auto error = [](std::string_view text) {
    return error_of(text, TaskFileFormat::kList, "<stdin>");
  };
  CHECK(error("sing\n\n  sing:3@1parsec\n") ==
        "<stdin>:3:3: 'sing:3@1parsec': unknown duration unit 'parsec' (use ns, us, ms, s, m, h)");
  CHECK(error("") == "<stdin>:1:1: no tasks (a task is a line NAME[:COUNT][@INTERVAL][=COMMAND])");
  CHECK_THAT(error("sing:x\n"), Catch::StartsWith("<stdin>:1:1: 'sing:x': "));
}
