// Shell completion (docs/usage.md, "Shell completion"): the script `mtask completion SHELL`
// prints, loaded in that shell, offers every option `mtask run --help` lists, the values of
// --output, the commands `mtask --help` lists, the shells of `completion` and file names for a
// FILE option. Each check is also run on a copy of the script with one option renamed, and
// must then fail: a completion that lost an option would not go unnoticed.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"
#include "help_text.hpp"

namespace {

/// The words a shell offers to complete `line` (e.g. "mtask run --") in `script_dir`, with the
/// script there loaded.
using Complete =
    std::function<std::vector<std::string>(const std::string& script_dir, const std::string& line)>;

struct Shell {
  std::string name;
  std::string file;  ///< the script's name where the shell looks for it
  Complete complete;
};

/// Runs `program args...` (a shell) and returns its standard output.
std::string run_shell(const std::string& program, const std::vector<std::string>& args) {
  e2e::Options options;
  options.binary = program;
  // The scripts run `mtask list` for task names: the mtask under test.
  const std::string bin = e2e::binary();
  const char* path = std::getenv("PATH");
  options.env = {"PATH=" + bin.substr(0, bin.rfind('/')) + ":" + (path ? path : "/usr/bin:/bin")};
  options.timeout = std::chrono::milliseconds(40'000);  // beyond zsh_complete.zsh's own 20 s
  const e2e::Run run = e2e::mtask(args, options);
  INFO(program << " stderr: " << run.err);
  REQUIRE_FALSE(run.timed_out);
  REQUIRE(run.status == 0);
  return run.out;
}

/// The words of `line`, split at spaces; a line that ends with a space ends with an empty word.
std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> words{""};
  for (const char c : line) {
    if (c == ' ') {
      words.emplace_back();
    } else {
      words.back() += c;
    }
  }
  return words;
}

/// bash: the script sourced, _mtask called with COMP_WORDS and COMP_CWORD as bash would set
/// them (bash splits `--output=` into `--output` and `=`), COMPREPLY printed.
std::vector<std::string> bash_complete(const std::string& dir, const std::string& line) {
  std::vector<std::string> args = {
      "--norc",
      "--noprofile",
      "-c",
      "cd \"${1%/*}\" && source \"$1\" || exit 9; shift; COMP_WORDS=(\"$@\");"
      " COMP_CWORD=$(($# - 1));"
      " COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE}; _mtask; printf '%s\\n' \"${COMPREPLY[@]}\"",
      "bash",
      dir + "/mtask"};
  for (const std::string& word : words_of(line)) {
    if (const auto at = word.find('='); at != std::string::npos && word.starts_with("--")) {
      args.push_back(word.substr(0, at));
      args.push_back("=");
      if (at + 1 < word.size()) args.push_back(word.substr(at + 1));
    } else {
      args.push_back(word);
    }
  }
  std::vector<std::string> offered;
  for (const std::string& word : e2e::split_lines(run_shell("bash", args)))
    if (!word.empty()) offered.push_back(word);
  return offered;
}

/// zsh: an interactive zsh in a pseudo-terminal with compinit, fed the line and a TAB
/// (test/e2e/zsh_complete.zsh); each word its completion system offered.
std::vector<std::string> zsh_complete(const std::string& dir, const std::string& line) {
  return e2e::split_lines(
      run_shell("zsh", {"-f", MTASK_SOURCE_DIR "/test/e2e/zsh_complete.zsh", dir, line}));
}

/// fish: `complete -C LINE` with the script sourced; the word before each tab.
std::vector<std::string> fish_complete(const std::string& dir, const std::string& line) {
  const std::string out =
      run_shell("fish", {"--no-config", "-c",
                         "cd $argv[3]; and source $argv[1]; or exit 9; complete -C $argv[2]",
                         dir + "/mtask.fish", line, dir});
  std::vector<std::string> offered;
  for (const std::string& entry : e2e::split_lines(out))
    offered.push_back(entry.substr(0, entry.find('\t')));
  return offered;
}

std::string help_of(const std::vector<std::string>& args) {
  const e2e::Run run = e2e::mtask(args);
  REQUIRE(run.status == 0);
  return run.out;
}

std::string completion_script(const std::string& shell) {
  const e2e::Run run = e2e::mtask({"completion", shell});
  INFO("stderr: " << run.err);
  REQUIRE(run.status == 0);
  REQUIRE(run.err.empty());
  return run.out;
}

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

/// `text` with the word `a` replaced by `b` wherever it stands alone (not inside a longer
/// name): "explain" is `--explain` in bash and zsh, `-l explain` in fish.
std::string renamed(std::string text, const std::string& a, const std::string& b) {
  const auto part_of_name = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  };
  for (std::size_t at = text.find(a); at != std::string::npos; at = text.find(a, at + 1)) {
    const std::size_t end = at + a.size();
    if ((at > 0 && std::isalnum(static_cast<unsigned char>(text[at - 1]))) ||
        (end < text.size() && part_of_name(text[end])))
      continue;
    text.replace(at, a.size(), b);
  }
  return text;
}

/// Checks everything the shell offers for mtask's commands and options, from `script`.
/// Returns what was missing after `mtask run --` (empty when all is well).
std::vector<std::string> check_shell(const Shell& shell, const std::string& script,
                                     bool expect_complete) {
  e2e::TempDir dir;
  write_file(dir.file(shell.file), script);
  const std::vector<std::string> run_options = e2e::help_options(help_of({"run", "--help"}));
  const std::vector<std::string> longs = e2e::long_options(run_options);
  REQUIRE(longs.size() >= 20);  // the help was read, not misparsed into nothing

  const std::vector<std::string> lacking =
      e2e::missing(longs, shell.complete(dir.path(), "mtask run --"));
  if (!expect_complete) return lacking;
  INFO(shell.name << ": not offered after 'mtask run --': " << e2e::joined(lacking));
  CHECK(lacking.empty());

  INFO(shell.name << " after 'mtask run -'");
  CHECK(e2e::missing(run_options, shell.complete(dir.path(), "mtask run -")).empty());

  const std::vector<std::string> commands = e2e::help_commands(help_of({"--help"}));
  REQUIRE(commands.size() >= 2);
  const std::vector<std::string> offered_commands = shell.complete(dir.path(), "mtask ");
  INFO(shell.name << " after 'mtask ': " << e2e::joined(offered_commands));
  CHECK(e2e::missing(commands, offered_commands).empty());
  CHECK(e2e::missing(e2e::help_options(help_of({"--help"})), shell.complete(dir.path(), "mtask -"))
            .empty());

  const std::vector<std::string> formats = shell.complete(dir.path(), "mtask run --output ");
  INFO(shell.name << " after 'mtask run --output ': " << e2e::joined(formats));
  CHECK(e2e::missing({"text", "json"}, formats).empty());
  CHECK(formats.size() == 2);
  CHECK(e2e::missing({"auto", "always", "never"},
                     shell.complete(dir.path(), "mtask run -o json --color "))
            .empty());

  const std::vector<std::string> shells = shell.complete(dir.path(), "mtask completion ");
  INFO(shell.name << " after 'mtask completion ': " << e2e::joined(shells));
  CHECK(e2e::missing({"bash", "zsh", "fish"}, shells).empty());

  // A FILE option: the files there are offered (and nothing for a number).
  write_file(dir.file("report-here.xml"), "");
  bool found = false;
  for (const std::string& word :
       shell.complete(dir.path(), "mtask run --junit " + dir.file("report-h")))
    found = found || word.ends_with("report-here.xml");
  CHECK(found);
  CHECK(shell.complete(dir.path(), "mtask run --jobs ").empty());
  return lacking;
}

void check_shell_and_its_failure(const Shell& shell) {
  const std::string script = completion_script(shell.name);
  check_shell(shell, script, true);
  // The same check must catch an option the script lost.
  const std::vector<std::string> lacking =
      check_shell(shell, renamed(script, "explain", "explainX"), false);
  CHECK(lacking == std::vector<std::string>{"--explain"});
}

/// Checks that `shell` offers the names of the tasks of the task file where a TASK goes: those
/// of ./mtask.toml, or of the file of -f/--file, and none from a file that is missing or wrong.
void check_task_names(const Shell& shell) {
  e2e::TempDir dir;
  write_file(dir.file(shell.file), completion_script(shell.name));
  write_file(dir.file("mtask.toml"),
             "[tasks.alpha]\nrun = \"true\"\n\n[tasks.beta]\ncount = 1\n\n"
             "[tasks.albatross]\nrun = \"true\"\n");
  write_file(dir.file("other.toml"), "[tasks.gamma]\nrun = \"true\"\n");
  write_file(dir.file("bad.toml"), "[tasks.delta]\nrun = 3\n");
  using Words = std::vector<std::string>;
  const auto expect = [&](const std::string& line, const Words& names) {
    Words offered = shell.complete(dir.path(), line);
    std::sort(offered.begin(), offered.end());
    INFO(shell.name << " after '" << line << "': " << e2e::joined(offered));
    CHECK(offered == names);
  };
  expect("mtask run ", {"albatross", "alpha", "beta"});
  expect("mtask run al", {"albatross", "alpha"});
  expect("mtask list --output json b", {"beta"});
  expect("mtask run -f other.toml ", {"gamma"});
  expect("mtask list --file=other.toml ", {"gamma"});
  expect("mtask run -f bad.toml ", {});
  expect("mtask run -f missing.toml ", {});
  // --service NAME: a name; --needs NAME=A,B and --ready NAME=PROBE: a name and its '='
  // (zsh adds the '=' as a suffix of the word: its words are the names).
  expect("mtask run --service al", {"albatross", "alpha"});
  expect("mtask list -f other.toml --service ", {"gamma"});
  const std::string equals = shell.name == "zsh" ? "" : "=";
  expect("mtask run --needs al", {"albatross" + equals, "alpha" + equals});
  expect("mtask run --ready b", {"beta" + equals});
}

}  // namespace

// These need `mtask list -o json` (docs/tasks.md, "mtask list"): the scripts ask it for the
// names.
TEST_CASE("bash completion offers the names of the tasks of the task file", "[completion]") {
  check_task_names({"bash", "mtask", bash_complete});
}

TEST_CASE("zsh completion offers the names of the tasks of the task file", "[completion]") {
  if (!e2e::on_path("zsh")) return e2e::cannot_check("zsh is not installed (scripts/setup --test)");
  check_task_names({"zsh", "_mtask", zsh_complete});
}

TEST_CASE("fish completion offers the names of the tasks of the task file", "[completion]") {
  if (!e2e::on_path("fish"))
    return e2e::cannot_check("fish is not installed (scripts/setup --test)");
  check_task_names({"fish", "mtask.fish", fish_complete});
}

TEST_CASE("bash completion offers every option, command and value", "[completion]") {
  check_shell_and_its_failure({"bash", "mtask", bash_complete});
}

TEST_CASE("zsh completion offers every option, command and value", "[completion]") {
  if (!e2e::on_path("zsh")) return e2e::cannot_check("zsh is not installed (scripts/setup --test)");
  check_shell_and_its_failure({"zsh", "_mtask", zsh_complete});
}

TEST_CASE("fish completion offers every option, command and value", "[completion]") {
  if (!e2e::on_path("fish"))
    return e2e::cannot_check("fish is not installed (scripts/setup --test)");
  check_shell_and_its_failure({"fish", "mtask.fish", fish_complete});
}

TEST_CASE("bash-completion loads the script by the name it is installed under", "[completion]") {
  const std::string loader = "/usr/share/bash-completion/bash_completion";
  if (access(loader.c_str(), R_OK) != 0)
    return e2e::cannot_check("bash-completion is not installed (scripts/setup --test)");
  // bash-completion looks in $XDG_DATA_HOME/bash-completion/completions for a command's
  // script the first time it is completed.
  e2e::TempDir home;
  const std::string dir = home.file("bash-completion");
  REQUIRE(mkdir(dir.c_str(), 0755) == 0);
  REQUIRE(mkdir((dir + "/completions").c_str(), 0755) == 0);
  write_file(dir + "/completions/mtask", completion_script("bash"));
  const std::string out =
      run_shell("bash", {"--norc", "--noprofile", "-c",
                         "XDG_DATA_HOME=$1; source $2; __load_completion mtask; complete -p mtask",
                         "bash", home.path(), loader});
  CHECK(out.find("-F _mtask mtask") != std::string::npos);
}

TEST_CASE("mtask completion without a shell, or with an unknown one, is a usage error",
          "[completion]") {
  const std::vector<std::vector<std::string>> bad = {{"completion"},
                                                     {"completion", "tcsh"},
                                                     {"completion", "bash", "zsh"},
                                                     {"completion", "--bash"}};
  for (const std::vector<std::string>& args : bad) {
    const e2e::Run run = e2e::mtask(args);
    INFO("mtask " << e2e::joined(args) << ": " << run.err);
    CHECK(run.status == 2);
    CHECK(run.out.empty());
    const std::vector<std::string> lines = run.err_lines();
    REQUIRE_FALSE(lines.empty());
    CHECK(lines[0].starts_with("mtask: "));
    CHECK(lines.size() <= 2);
    // The hint points to the help of the command that was given, not to run's.
    if (lines.size() == 2) CHECK(lines[1] == "Try 'mtask completion --help' for more information.");
  }
  CHECK(e2e::mtask({"completion"}).err_lines()[0].find("bash, zsh or fish") != std::string::npos);
  CHECK(e2e::mtask({"completion", "tcsh"}).err_lines()[0].find("'tcsh'") != std::string::npos);
}
