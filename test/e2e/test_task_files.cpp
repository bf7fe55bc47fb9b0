// Task files (docs/tasks.md): plain `mtask run` reads ./mtask.toml, -f reads another file or
// standard input, the command line selects tasks and wins over [run], env, cwd and timeout act
// in the child, and every error in a file names FILE:LINE:COLUMN, exits 2 and forks nothing.
#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"

namespace {

using namespace std::chrono_literals;

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

bool exists(const std::string& path) {
  struct stat facts {};
  return stat(path.c_str(), &facts) == 0;
}

/// The directory as the kernel names it (the temporary directory may be reached by a symlink).
std::string real(const std::string& path) {
  char* resolved = realpath(path.c_str(), nullptr);
  std::string text = resolved == nullptr ? path : resolved;
  free(resolved);
  return text;
}

e2e::Options in(const std::string& dir) {
  e2e::Options options;
  options.timeout = 20s;
  options.cwd = dir;
  return options;
}

/// Usage error exit 2, one `mtask: ` line on stderr that starts with `start`, nothing on stdout.
void check_file_error(const e2e::Run& run, const std::string& start) {
  REQUIRE_FALSE(run.timed_out);
  INFO("stderr: " << run.err);
  CHECK(run.status == 2);
  CHECK(run.out.empty());
  REQUIRE_FALSE(run.err_lines().empty());
  CHECK(run.err_lines().front().starts_with("mtask: " + start));
}

}  // namespace

TEST_CASE("plain mtask run runs the tasks of ./mtask.toml", "[e2e][task_file]") {
  e2e::TempDir dir;
  write_file(dir.file("mtask.toml"),
             "[tasks.hello]\nrun = 'echo hello from $MTASK_TASK'\n\n[tasks.two]\nrun = 'echo "
             "two says hi'\n");
  const e2e::Run run = e2e::mtask({"run"}, in(dir.path()));
  REQUIRE_FALSE(run.timed_out);
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.status == 0);
  CHECK(e2e::contains(run.out, "hello from hello"));
  CHECK(e2e::contains(run.out, "two says hi"));

  e2e::TempDir empty;
  const e2e::Run none = e2e::mtask({"run"}, in(empty.path()));
  check_file_error(none, "no TASK given and no ./mtask.toml");
}

TEST_CASE("a task's env and cwd reach its command; cwd is relative to the file",
          "[e2e][task_file]") {
  e2e::TempDir dir;
  REQUIRE(mkdir(dir.file("sub").c_str(), 0700) == 0);
  write_file(dir.file("mtask.toml"),
             "[tasks.where]\nrun = 'echo \"FOO=$FOO\"; pwd -P'\ncwd = 'sub'\n"
             "env = { FOO = 'from the file' }\n\n[tasks.plain]\nrun = 'echo \"PLAIN=$FOO\"; pwd "
             "-P'\n");
  e2e::TempDir elsewhere;
  e2e::Options options = in(elsewhere.path());
  options.env = {"FOO=from mtask"};
  const e2e::Run run = e2e::mtask({"run", "-f", dir.file("mtask.toml")}, options);
  REQUIRE_FALSE(run.timed_out);
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.status == 0);
  CHECK(e2e::contains(run.out, "FOO=from the file"));
  CHECK(e2e::contains(run.out, real(dir.file("sub")) + "\n"));
  // The other task keeps mtask's environment and directory.
  CHECK(e2e::contains(run.out, "PLAIN=from mtask"));
  CHECK(e2e::contains(run.out, real(elsewhere.path()) + "\n"));
}

TEST_CASE("a task's own timeout stops it, and wins over --timeout", "[e2e][task_file]") {
  e2e::TempDir dir;
  write_file(dir.file("mtask.toml"),
             "[tasks.slow]\nrun = 'sleep 30'\ntimeout = '300ms'\n\n[tasks.quick]\nrun = 'sleep "
             "1'\n");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run"}, std::vector<std::string>{"run", "--timeout", "25s"}}) {
    const e2e::Run run = e2e::mtask(args, in(dir.path()));
    REQUIRE_FALSE(run.timed_out);
    INFO("stdout: " << run.out << "\nstderr: " << run.err);
    CHECK(run.status == 1);
    CHECK(run.wall < 15s);
    CHECK(e2e::contains(run.out, "timed out"));
  }
  // --timeout still holds for the tasks without their own.
  const e2e::Run run =
      e2e::mtask({"run", "--timeout", "200ms", "-f", "mtask.toml", "quick"}, in(dir.path()));
  REQUIRE_FALSE(run.timed_out);
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.status == 1);
  CHECK(e2e::contains(run.out, "quick"));
  CHECK(e2e::contains(run.out, "timed out"));
  CHECK_FALSE(e2e::contains(run.out, "slow"));
}

TEST_CASE("TASKs beside a task file select its tasks by NAME", "[e2e][task_file]") {
  e2e::TempDir dir;
  write_file(dir.file("tasks.toml"),
             "[tasks.lint]\nrun = 'echo linting'\n[tasks.test]\nrun = 'echo testing'\n"
             "[tasks.docs]\nrun = 'echo documenting'\n");
  const e2e::Run run =
      e2e::mtask({"run", "-j", "1", "-f", "tasks.toml", "docs", "lint"}, in(dir.path()));
  REQUIRE_FALSE(run.timed_out);
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.status == 0);
  CHECK(e2e::contains(run.out, "linting"));
  CHECK(e2e::contains(run.out, "documenting"));
  CHECK_FALSE(e2e::contains(run.out, "testing"));
  // In file order, whatever the order of the names: one at a time, lint runs first.
  CHECK(run.out.find("linting") < run.out.find("documenting"));

  const e2e::Run typo = e2e::mtask({"run", "-f", "tasks.toml", "tset"}, in(dir.path()));
  check_file_error(typo,
                   "'tset': no task of that name in tasks.toml (did you mean 'test'?); "
                   "its tasks: lint, test, docs");
}

TEST_CASE("bare NAMEs select from ./mtask.toml without -f; a TASK with ':' stays a task of its own",
          "[e2e][task_file]") {
  e2e::TempDir dir;
  write_file(dir.file("mtask.toml"),
             "[tasks.lint]\nrun = 'echo really linting'\n[tasks.test]\nrun = 'echo testing'\n");
  const e2e::Run lint = e2e::mtask({"run", "lint"}, in(dir.path()));
  REQUIRE_FALSE(lint.timed_out);
  INFO("stdout: " << lint.out << "\nstderr: " << lint.err);
  CHECK(lint.status == 0);
  CHECK(e2e::contains(lint.out, "really linting"));
  CHECK_FALSE(e2e::contains(lint.out, "lint... (1/3)"));
  CHECK_FALSE(e2e::contains(lint.out, "testing"));

  // A demo task beside the file is written with its COUNT.
  const e2e::Run demo = e2e::mtask({"run", "sing:1@0"}, in(dir.path()));
  REQUIRE_FALSE(demo.timed_out);
  CHECK(demo.status == 0);
  CHECK(e2e::contains(demo.out, "sing... (1/1)"));

  const e2e::Run sing = e2e::mtask({"run", "sing"}, in(dir.path()));
  check_file_error(sing,
                   "'sing': no task of that name in mtask.toml; its tasks: lint, test (a built-in "
                   "demo task beside mtask.toml is written with its COUNT: sing:3)");

  // Without a mtask.toml, a bare NAME is the demo task, as always.
  e2e::TempDir empty;
  const e2e::Run plain = e2e::mtask({"run", "-n", "1", "-i", "0", "lint"}, in(empty.path()));
  REQUIRE_FALSE(plain.timed_out);
  CHECK(plain.status == 0);
  CHECK(e2e::contains(plain.out, "lint... (1/1)"));
}

TEST_CASE("options on the command line win over [run]", "[e2e][task_file]") {
  e2e::TempDir dir;
  write_file(dir.file("mtask.toml"),
             "[run]\ntimeout = '300ms'\ncount = 3\n\n[tasks.slow]\nrun = 'sleep 2'\ncount = "
             "1\n\n[tasks.tick]\nrun = 'echo tick $MTASK_ITERATION'\ntimeout = '20s'\n");
  const e2e::Run from_file = e2e::mtask({"run"}, in(dir.path()));
  REQUIRE_FALSE(from_file.timed_out);
  INFO("stdout: " << from_file.out << "\nstderr: " << from_file.err);
  CHECK(from_file.status == 1);  // [run] timeout stops slow
  // Each as a line of the task's output ("| tick 3"): "tick 3" alone could be the name and
  // a pid ("tick 3217 > started").
  CHECK(e2e::contains(from_file.out, "| tick 3"));

  const e2e::Run from_cli = e2e::mtask({"run", "--timeout", "20s", "-n", "1"}, in(dir.path()));
  REQUIRE_FALSE(from_cli.timed_out);
  INFO("stdout: " << from_cli.out << "\nstderr: " << from_cli.err);
  CHECK(from_cli.status == 0);
  CHECK(e2e::contains(from_cli.out, "| tick 1"));
  CHECK_FALSE(e2e::contains(from_cli.out, "| tick 2"));
}

TEST_CASE("a Procfile and a list run too, from a file or standard input", "[e2e][task_file]") {
  e2e::TempDir dir;
  write_file(dir.file("Procfile"), "# dev\nweb: echo web is up\nworker:  echo worker is up\n");
  const e2e::Run procfile = e2e::mtask({"run", "-f", "Procfile"}, in(dir.path()));
  REQUIRE_FALSE(procfile.timed_out);
  INFO("stdout: " << procfile.out << "\nstderr: " << procfile.err);
  CHECK(procfile.status == 0);
  CHECK(e2e::contains(procfile.out, "web is up"));
  CHECK(e2e::contains(procfile.out, "worker is up"));

  const std::string list = "gz-a=echo packing a\n\n# and b\ngz-b=echo packing b\n";
  write_file(dir.file("list.txt"), list);
  const e2e::Run from_file = e2e::mtask({"run", "-f", "list.txt"}, in(dir.path()));
  REQUIRE_FALSE(from_file.timed_out);
  INFO("stdout: " << from_file.out << "\nstderr: " << from_file.err);
  CHECK(from_file.status == 0);
  CHECK(e2e::contains(from_file.out, "packing a"));
  CHECK(e2e::contains(from_file.out, "packing b"));

  e2e::Options piped = in(dir.path());
  piped.input = list;
  piped.input_ends = true;
  const e2e::Run from_stdin = e2e::mtask({"run", "-f", "-"}, piped);
  REQUIRE_FALSE(from_stdin.timed_out);
  INFO("stdout: " << from_stdin.out << "\nstderr: " << from_stdin.err);
  CHECK(from_stdin.status == 0);
  CHECK(e2e::contains(from_stdin.out, "packing b"));

  // --format overrides what the content looks like: this line is a TASK, not a Procfile line.
  piped.input = "say: echo colon\n";
  check_file_error(e2e::mtask({"run", "-f", "-", "--format", "list"}, piped),
                   "<stdin>:1:1: 'say: echo colon': ");
}

TEST_CASE("every error in a task file says FILE:LINE:COLUMN, exits 2 and forks nothing",
          "[e2e][task_file]") {
  e2e::TempDir dir;
  REQUIRE(mkdir(dir.file("sub").c_str(), 0700) == 0);
  const std::string marker = dir.file("marker");
  // A task that would leave the marker, before the line with the error.
  const std::string toml_head = "[tasks.mark]\nrun = 'touch " + marker + "'\n";
  const std::string list_head = "mark=touch " + marker + "\n";
  struct Bad {
    std::string file;
    std::string text;
    std::string message;
  };
  const std::vector<Bad> cases = {
      {"a.toml", toml_head + "[tasks.b\n", "a.toml:3:9: "},
      {"a.toml", toml_head + "[tasks.b]\ncomand = 'x'\n", "a.toml:4:1: unknown key 'comand'"},
      {"a.toml", toml_head + "[tasks.b]\ncount = 'x'\n",
       "a.toml:4:9: count: expected a whole number, not a string"},
      {"a.toml", toml_head + "[tasks.b]\ncount = -2\n", "a.toml:4:9: count = -2: must be"},
      {"a.toml", toml_head + "[tasks.b]\ninterval = '1parsec'\n",
       "a.toml:4:12: interval = '1parsec': unknown duration unit"},
      {"a.toml", toml_head + "[tasks.'b c']\n", "a.toml:3:8: 'b c': task name must not"},
      {"a.toml", toml_head + "[tasks.b]\nneeds = ['x']\n",
       "a.toml:4:10: task 'b' needs 'x', which is no task of this file"},
      {"a.toml", toml_head + "[tasks.b]\nneeds = ['c']\n[tasks.c]\nneeds = ['b']\n",
       "a.toml:4:10: tasks need each other in a cycle: b -> c -> b"},
      {"a.toml", toml_head + "[tasks.b]\nrun = 'true'\ncwd = 'nowhere'\n",
       "a.toml:5:7: cwd 'nowhere': No such file or directory"},
      {"a.toml", toml_head + "[tasks.b]\nrun = 'true'\ncwd = 'a.toml'\n",
       "a.toml:5:7: cwd 'a.toml': Not a directory"},
      {"a.toml", toml_head + "[tasks.b]\nrun = 'true'\nready = 'line:a(b'\n",
       "a.toml:5:9: ready = 'line:a(b': line: not a POSIX extended regular expression: "},
      {"a.toml", "# nothing yet\n", "a.toml:1:1: no tasks"},
      {"Procfile", "mark: touch " + marker + "\nmark: true\n",
       "Procfile:2:1: task 'mark' is defined twice (first at line 1)"},
      {"Procfile", "mark: touch " + marker + "\n  web\n", "Procfile:2:3: 'web': expected"},
      {"list.txt", list_head + "\n   sing:x\n", "list.txt:3:4: 'sing:x': "},
      {"list.txt", list_head + "-x\n", "list.txt:2:1: '-x': task name must not start with '-'"},
  };
  for (const Bad& bad : cases) {
    INFO(bad.file << ":\n" << bad.text);
    write_file(dir.file(bad.file), bad.text);
    check_file_error(e2e::mtask({"run", "-f", bad.file}, in(dir.path())), bad.message);
    CHECK_FALSE(exists(marker));
  }
  // The file and the reason, once, on a line of its own; then the usual pointer to --help.
  const e2e::Run missing = e2e::mtask({"run", "-f", "missing.toml"}, in(dir.path()));
  check_file_error(missing, "-f 'missing.toml': cannot read it: No such file or directory");
  CHECK(missing.err ==
        "mtask: -f 'missing.toml': cannot read it: No such file or directory\n"
        "Try 'mtask run --help' for more information.\n");
  const e2e::Run directory = e2e::mtask({"run", "-f", "sub"}, in(dir.path()));
  check_file_error(directory, "-f 'sub': cannot read it: Is a directory");
  CHECK(directory.err ==
        "mtask: -f 'sub': cannot read it: Is a directory\n"
        "Try 'mtask run --help' for more information.\n");
}
