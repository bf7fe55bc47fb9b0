// The command line, from argv to the run's Config: every option's good and bad values and the
// messages of usage errors. Nothing here reads the real terminal or environment: the
// surroundings are made up.
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "cli.hpp"
#include "cli_messages.hpp"
#include "hints.hpp"
#include "mtask/error.hpp"
#include "options.hpp"

using namespace std::chrono_literals;
using app::Config;
using app::Surroundings;

namespace {

/// Neither stdout nor stderr a terminal, nothing in the environment, four CPUs, and every
/// report file writable but those in "missing" and the directory "dir".
Surroundings plain() {
  Surroundings around;
  around.allowed_cpus = [] { return std::vector<int>{0, 1, 2, 3}; };
  around.cannot_write_report = [](const std::string& path, mtask::ReportWriting) -> std::string {
    if (path == "dir") return "is a directory";
    return path.starts_with("missing/") ? "no directory 'missing'" : "";
  };
  return around;
}

/// Both on a UTF-8 terminal 100 columns wide.
Surroundings on_terminal() {
  Surroundings around = plain();
  around.out = {true, 100};
  around.err = {true, 100};
  around.env.term = "xterm";
  around.env.lang = "en_US.UTF-8";
  return around;
}

Config config_of(std::vector<std::string> args, const Surroundings& around = plain()) {
  app::Cli cli;
  cli.parse(std::move(args));
  return app::make_config(cli.values(), around);
}

/// The message of the usage error that `args` make, or "" when they make none.
std::string error_of(std::vector<std::string> args, const Surroundings& around = plain()) {
  try {
    config_of(std::move(args), around);
  } catch (const CLI::ParseError& e) {
    return e.what();
  } catch (const mtask::UsageError& e) {
    return e.what();
  }
  return "";
}

std::string describe(const std::vector<std::string>& args) {
  std::string text;
  for (const std::string& arg : args) text += (text.empty() ? "" : " ") + arg;
  return text;
}

}  // namespace

TEST_CASE("without options: the defaults", "[app][options]") {
  const Config config = config_of({"run", "sing", "dance:2"});
  REQUIRE(config.tasks.size() == 2);
  CHECK(config.tasks[0].name == "sing");
  CHECK(config.tasks[0].count == 3);
  CHECK(config.tasks[1].count == 2);
  CHECK(config.tasks[1].index == 1);
  CHECK(config.run.jobs == 0);
  CHECK(config.run.timeout == 0s);
  CHECK(config.run.kill_after == 2s);
  CHECK_FALSE(config.run.fail_fast);
  CHECK_FALSE(config.json);
  CHECK(config.run.hold_partial_lines);
  CHECK(config.log_level == spdlog::level::warn);
  CHECK(config.timestamps == mtask::Timestamps::kNone);
  CHECK_FALSE(config.progress);
  CHECK_FALSE(config.out_terminal.colour);
  CHECK(config.timeline_style.width == 80);
  CHECK_FALSE(config.timeline_style.unicode);
  CHECK(config.junit.empty());
  CHECK(config.trace.empty());
}

TEST_CASE("every option's good values", "[app][options]") {
  struct Case {
    std::vector<std::string> args;
    std::function<bool(const Config&)> holds;
  };
  const std::vector<Case> cases = {
      {{"-j", "2"}, [](const Config& c) { return c.run.jobs == 2; }},
      {{"--jobs=1000000000"}, [](const Config& c) { return c.run.jobs == 1'000'000'000; }},
      {{"-n", "5"}, [](const Config& c) { return c.tasks[0].count == 5; }},
      {{"--count", "0"}, [](const Config& c) { return c.tasks[0].count == 0; }},
      {{"-i", "200ms"}, [](const Config& c) { return c.tasks[0].interval == 200ms; }},
      {{"--interval", "0.5"}, [](const Config& c) { return c.tasks[0].interval == 500ms; }},
      {{"--timeout", "1s"}, [](const Config& c) { return c.run.timeout == 1s; }},
      {{"--kill-after", "0"}, [](const Config& c) { return c.run.kill_after == 0s; }},
      {{"--fail-fast"}, [](const Config& c) { return c.run.fail_fast; }},
      {{"-o", "json"},
       [](const Config& c) { return c.json && !c.run.hold_partial_lines && !c.progress; }},
      {{"--output=text"}, [](const Config& c) { return !c.json; }},
      {{"-q"}, [](const Config& c) { return c.log_level == spdlog::level::err; }},
      {{"-v"}, [](const Config& c) { return c.log_level == spdlog::level::info; }},
      {{"-vv"}, [](const Config& c) { return c.log_level == spdlog::level::debug; }},
      {{"-v", "-v", "-v"}, [](const Config& c) { return c.log_level == spdlog::level::trace; }},
      {{"--junit", "r.xml"}, [](const Config& c) { return c.junit == "r.xml"; }},
      {{"--joblog", "j.tsv"}, [](const Config& c) { return c.joblog == "j.tsv"; }},
      {{"--group"}, [](const Config& c) { return c.group; }},
      {{"--color", "always"},
       [](const Config& c) { return c.out_terminal.colour && c.err_terminal.colour; }},
      {{"--colour=never"}, [](const Config& c) { return !c.out_terminal.colour; }},
      {{"--color", "auto"}, [](const Config& c) { return !c.out_terminal.colour; }},
      {{"--timestamps"},
       [](const Config& c) { return c.timestamps == mtask::Timestamps::kElapsed; }},
      {{"--timestamps=wall"},
       [](const Config& c) { return c.timestamps == mtask::Timestamps::kWall; }},
      {{"--timestamps", "elapsed"},
       [](const Config& c) { return c.timestamps == mtask::Timestamps::kElapsed; }},
      {{"--progress"}, [](const Config& c) { return c.progress_always && !c.progress; }},
      {{"--no-progress"}, [](const Config& c) { return !c.progress; }},
      {{"--busy"}, [](const Config& c) { return c.run.busy; }},
      {{"--cores", "2"},
       [](const Config& c) {
         return c.run.cpus == std::vector<int>{0, 1};
       }},
      {{"--cores", "0,2-3"},
       [](const Config& c) {
         return c.run.cpus == std::vector<int>{0, 2, 3};
       }},
      {{"--timeline"}, [](const Config& c) { return c.timeline; }},
      {{"--timeline", "--ascii"}, [](const Config& c) { return !c.timeline_style.unicode; }},
      {{"--timeline-svg", "t.svg"}, [](const Config& c) { return c.timeline_svg == "t.svg"; }},
      {{"--trace", "dir/t.json"}, [](const Config& c) { return c.trace == "dir/t.json"; }},
      {{"--timeline", "--timeline-scale", "4s"},
       [](const Config& c) { return c.timeline_style.scale == 4s && c.svg_style.scale == 4s; }},
      {{"--timeline-svg", "t.svg", "--timeline-scale", "1.5"},
       [](const Config& c) { return c.svg_style.scale == 1500ms; }},
      // Sampling the CPU costs a little: only for the pictures that draw it.
      {{"--timeline"}, [](const Config& c) { return c.run.sample_every == 5ms; }},
      {{"--timeline-svg", "t.svg"}, [](const Config& c) { return c.run.sample_every == 5ms; }},
      {{"--trace", "t.json"}, [](const Config& c) { return c.run.sample_every == 5ms; }},
      {{"--explain"}, [](const Config& c) { return c.run.sample_every == 0ms; }},
      {{"-o", "json"}, [](const Config& c) { return c.run.sample_every == 0ms; }},
      {{"--explain"}, [](const Config& c) { return c.explain; }},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"run", "sing"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    DYNAMIC_SECTION(describe(c.args)) { CHECK(c.holds(config_of(args))); }
  }
}

TEST_CASE("every option's bad values, each with its message", "[app][options]") {
  struct Case {
    std::vector<std::string> args;
    std::string message;  ///< the whole message, or (with `part`) a part of it
    bool part = false;
  };
  const std::vector<Case> cases = {
      {{"-j", "0"}, "--jobs '0': must be a whole number from 1 to 1000000000"},
      {{"--jobs", "-1"}, "--jobs '-1': must be a whole number from 1 to 1000000000"},
      {{"--jobs", "abc"}, "--jobs 'abc': must be a whole number from 1 to 1000000000"},
      {{"--jobs="}, "--jobs needs a value (N)"},  // not CLI11's "1 required N missing"
      {{"--jobs", ""}, "--jobs '': must be a whole number from 1 to 1000000000"},
      {{"--count", "-1"}, "--count '-1': ", true},
      {{"--count", "1000000001"}, "--count '1000000001': ", true},
      {{"--interval", "5x"}, "--interval '5x': ", true},
      {{"--interval", "nan"}, "--interval 'nan': ", true},
      {{"--timeout", "-1s"}, "--timeout '-1s': ", true},
      {{"--kill-after", "soon"}, "--kill-after 'soon': ", true},
      {{"--output", "xml"}, "--output 'xml': unknown format (use text or json)"},
      {{"-o", "JSON"}, "--output 'JSON': unknown format (use text or json)"},
      {{"--color", "sometimes"}, "--color 'sometimes': unknown choice (use auto, always or never)"},
      {{"--colour", "1"}, "--color '1': unknown choice (use auto, always or never)"},
      {{"--timestamps=clock"},
       "--timestamps 'clock': unknown kind (use elapsed or wall; write --timestamps=wall, or "
       "put TASKs first, when a TASK follows)"},
      {{"--progress", "--no-progress"}, "--progress excludes --no-progress"},
      {{"--no-progress", "--progress"}, "--progress excludes --no-progress"},
      {{"-q", "-v"}, "--quiet excludes --verbose"},
      {{"-vv", "--quiet"}, "--quiet excludes --verbose"},
      {{"--junit", ""}, "--junit '': needs a value"},
      {{"--joblog", ""}, "--joblog '': needs a value"},
      {{"--cores", "9"}, "--cores '9': ", true},
      {{"--cores", ""}, "--cores '': needs a value"},
      {{"--timeline", "-o", "json"},
       "--timeline draws on the text output, not with --output json (use --timeline-svg FILE or "
       "--trace FILE)"},
      {{"--timeline-svg", ""}, "--timeline-svg '': needs a file name"},
      {{"--trace", "missing/t.json"}, "--trace 'missing/t.json': no directory 'missing'"},
      {{"--timeline-svg", "dir"}, "--timeline-svg 'dir': is a directory"},
      {{"--timeline", "--timeline-scale", "0"}, "--timeline-scale '0': must be more than 0"},
      {{"--timeline", "--timeline-scale", "soon"}, "--timeline-scale 'soon': ", true},
      {{"--timeline", "--timeline-scale", ""}, "--timeline-scale '': needs a value"},
      {{"--timeline-scale", "4s"},
       "--timeline-scale sets the time axis of a picture: give --timeline or --timeline-svg FILE "
       "too"},
      {{"--trace", "t.json", "--timeline-scale", "4s"},
       "--timeline-scale sets the time axis of a picture: give --timeline or --timeline-svg FILE "
       "too"},
      {{"--junit", "dir"}, "--junit 'dir': is a directory"},
      {{"--joblog", "missing/j.tsv"}, "--joblog 'missing/j.tsv': no directory 'missing'"},
      {{"--frobnicate"}, "unknown option '--frobnicate'"},
      {{"--x\x1b[2J"}, "unknown option '--x\\x1b[2J'"},
      {{"sing:"}, "'sing:'", true},
      {{"a b:3"}, "'a b:3'", true},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"run", "sing"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    DYNAMIC_SECTION(describe(c.args)) {
      const std::string message = error_of(args);
      if (c.part) {
        CHECK_THAT(message, Catch::Contains(c.message));
      } else {
        CHECK(message == c.message);
      }
    }
  }
}

TEST_CASE("a command line without a run or a TASK is a usage error", "[app][options]") {
  CHECK(error_of({}) == "no command given (use: mtask run TASK...)");
  CHECK(error_of({"runn", "sing"}) == "unknown command 'runn' (did you mean 'run'?)");
  CHECK(error_of({"deploy", "sing"}) == "unknown command 'deploy' (use: mtask run TASK...)");
  CHECK(error_of({"run"}) == "no TASK given and no ./mtask.toml (e.g. mtask run sing:3 dance:3)");
  CHECK(error_of({"run", "-j", "2"}) ==
        "no TASK given and no ./mtask.toml (e.g. mtask run sing:3 dance:3)");
}

TEST_CASE("after --, every argument is a TASK", "[app][options]") {
  const Config config = config_of({"run", "a:1", "--", "b:1", "c=echo --jobs"});
  REQUIRE(config.tasks.size() == 3);
  CHECK(config.tasks[1].name == "b");
  CHECK(config.tasks[2].command == "echo --jobs");
  CHECK(error_of({"run", "--", "-x"}) == error_of({"run", "sing", "--", "-x"}));
  CHECK_THAT(error_of({"run", "--", "-x"}), Catch::Contains("'-x'"));
}

TEST_CASE("MTASK_LOG_LEVEL sets the log level; -q and -v win over it", "[app][options]") {
  Surroundings around = plain();
  around.log_level = "debug";
  CHECK(config_of({"run", "sing"}, around).log_level == spdlog::level::debug);
  CHECK(config_of({"run", "sing", "-q"}, around).log_level == spdlog::level::err);
  around.log_level = "off";
  CHECK(config_of({"run", "sing"}, around).log_level == spdlog::level::off);
  around.log_level = "";
  CHECK(config_of({"run", "sing"}, around).log_level == spdlog::level::warn);
  around.log_level = "loud";
  CHECK(error_of({"run", "sing"}, around) ==
        "MTASK_LOG_LEVEL='loud': unknown log level (use trace, debug, info, warn, error, off; "
        "any case)");
}

TEST_CASE("the terminals decide colour, the progress line and the timeline's look",
          "[app][options]") {
  const Config tty = config_of({"run", "sing"}, on_terminal());
  CHECK(tty.out_terminal.colour);
  CHECK(tty.err_terminal.colour);
  CHECK(tty.progress);
  CHECK_FALSE(tty.progress_always);
  CHECK(tty.err_terminal.width == 100);
  CHECK(tty.timeline_style.width == 100);
  CHECK(tty.timeline_style.unicode);
  CHECK(tty.timeline_style.color);

  CHECK_FALSE(config_of({"run", "sing", "--no-progress"}, on_terminal()).progress);
  CHECK_FALSE(config_of({"run", "sing", "-o", "json"}, on_terminal()).progress);
  CHECK_FALSE(config_of({"run", "sing", "--color", "never"}, on_terminal()).timeline_style.color);
  CHECK_FALSE(config_of({"run", "sing", "--ascii"}, on_terminal()).timeline_style.unicode);

  Surroundings dumb = on_terminal();
  dumb.env.term = "dumb";
  CHECK_FALSE(config_of({"run", "sing", "--progress"}, dumb).progress);

  Surroundings only_err = plain();  // stdout piped, stderr on a terminal
  only_err.err = {true, 0};
  only_err.env.columns = "60";
  const Config piped = config_of({"run", "sing"}, only_err);
  CHECK_FALSE(piped.out_terminal.colour);
  CHECK(piped.err_terminal.colour);
  CHECK(piped.progress);
  CHECK(piped.err_terminal.width == 60);

  Surroundings no_color = on_terminal();
  no_color.env.no_color = "1";
  CHECK_FALSE(config_of({"run", "sing"}, no_color).out_terminal.colour);
  CHECK(config_of({"run", "sing", "--color=always"}, no_color).out_terminal.colour);
}

TEST_CASE("a usage error is one line, control characters escaped, and a hint", "[app][cli]") {
  CHECK(app::usage_message("no TASK given") ==
        "mtask: no TASK given\nTry 'mtask run --help' for more information.\n");
  CHECK(app::usage_message("bad \x1b[2J\nname") ==
        "mtask: bad \\x1b[2J\\nname\nTry 'mtask run --help' for more information.\n");
}

TEST_CASE("--help and --version are not usage errors", "[app][cli]") {
  for (const char* arg : {"--help", "--version"}) {
    app::Cli cli;
    CHECK_THROWS_AS(cli.parse({arg}), CLI::Success);
  }
  app::Cli cli;
  CHECK_THROWS_AS(cli.parse({"run", "--help"}), CLI::Success);
}

TEST_CASE("MTASK_LOG_LEVEL in any case; -q and -v make a bad one harmless", "[app][options]") {
  Surroundings around = plain();
  around.log_level = "DEBUG";
  CHECK(config_of({"run", "sing"}, around).log_level == spdlog::level::debug);
  around.log_level = "Warn";
  CHECK(config_of({"run", "sing"}, around).log_level == spdlog::level::warn);
  around.log_level = "loud";
  CHECK(config_of({"run", "sing", "-q"}, around).log_level == spdlog::level::err);
  CHECK(config_of({"run", "sing", "-vv"}, around).log_level == spdlog::level::debug);
}

TEST_CASE("a flag takes no value", "[app][cli]") {
  for (const char* flag : {"--fail-fast", "--group", "--busy", "--progress", "--no-progress",
                           "--timeline", "--ascii", "--explain", "--quiet", "--verbose"}) {
    for (const char* value : {"no", "banana", "true", "1", ""}) {
      const std::string arg = std::string(flag) + "=" + value;
      DYNAMIC_SECTION(arg) {
        CHECK(error_of({"run", "sing", arg}) ==
              fmt::format("'{}': {} takes no value (write {} alone, or leave it out)", arg, flag,
                          flag));
      }
    }
  }
  CHECK(config_of({"run", "sing", "--fail-fast"}).run.fail_fast);
  // The short names too, in the same words (not "unknown option '-=no'").
  CHECK(error_of({"run", "sing", "-q=no"}) ==
        "'-q=no': -q takes no value (write -q alone, or leave it out)");
  CHECK(error_of({"run", "sing", "-v=2"}) ==
        "'-v=2': -v takes no value (write -v alone, or leave it out)");
  // An option whose value may be left out still takes one.
  CHECK(config_of({"run", "sing", "--timestamps=wall"}).timestamps == mtask::Timestamps::kWall);
}

TEST_CASE("did you mean: commands and long options", "[app][cli]") {
  CHECK(error_of({"rnu", "sing"}) == "unknown command 'rnu' (did you mean 'run'?)");
  CHECK(error_of({"help"}) == "unknown command 'help' (did you mean '--help'?)");
  CHECK(error_of({"version"}) == "unknown command 'version' (did you mean '--version'?)");
  CHECK(error_of({"run", "sing", "--jobz", "2"}) ==
        "unknown option '--jobz' (did you mean '--jobs'?)");
  CHECK(error_of({"run", "sing", "--fail-fats"}) ==
        "unknown option '--fail-fats' (did you mean '--fail-fast'?)");
  CHECK(error_of({"run", "sing", "--timout=1s"}) ==
        "unknown option '--timout=1s' (did you mean '--timeout'?)");
  CHECK(error_of({"run", "sing", "--frobnicate"}) == "unknown option '--frobnicate'");
  // An option of run before 'run' is no longer ignored.
  CHECK(error_of({"--jobs", "2", "run", "sing"}) ==
        "unknown option '--jobs' (an option of run: write it after 'run')");
  CHECK(error_of({"--jobz", "run", "sing"}) == "unknown option '--jobz'");
  CHECK(error_of({"--verison"}) == "unknown option '--verison' (did you mean '--version'?)");
}

TEST_CASE("CLI11's messages in mtask's words", "[app][cli]") {
  CHECK(error_of({"run", "sing", "--jobs"}) == "--jobs needs a value (N)");
  CHECK(error_of({"run", "sing", "--output"}) == "--output needs a value (FORMAT)");
  CHECK(error_of({"run", "sing", "-j", "2", "-j", "3"}) == "--jobs given more than once");
}

TEST_CASE("CLI11's messages name the option of the command given", "[app][cli]") {
  // run declares --file and --output too: the message is of list's own, given twice.
  CHECK(error_of({"list", "-f", "s.txt", "-f", "s.txt"}) == "--file given more than once");
  CHECK(error_of({"list", "-o", "json", "-o", "text", "a"}) == "--output given more than once");
  CHECK(error_of({"list", "--shard", "1/2", "--shard", "2/2", "a"}) ==
        "--shard given more than once");
  CHECK(error_of({"list", "a", "--format"}) == "--format needs a value (FORMAT)");
  CHECK(error_of({"run", "-f", "s.txt", "-f", "s.txt"}) == "--file given more than once");
}

TEST_CASE("an option of run given to list says whose it is", "[app][cli]") {
  CHECK(error_of({"list", "-j", "2", "a"}) == "'-j' is an option of mtask run, not of mtask list");
  CHECK(error_of({"list", "--junit", "x.xml", "a"}) ==
        "'--junit' is an option of mtask run, not of mtask list");
  CHECK(error_of({"list", "--junit=x.xml", "a"}) ==
        "'--junit' is an option of mtask run, not of mtask list");
  CHECK(error_of({"list", "-j2", "a"}) == "'-j' is an option of mtask run, not of mtask list");
  // An option of neither: as before.
  CHECK(error_of({"list", "--frobnicate", "a"}) == "unknown option '--frobnicate'");
}

TEST_CASE("the help of --format names its choices and its default", "[app][cli]") {
  app::Cli cli;
  for (const char* command : {"run", "list"}) {
    const std::string help =
        cli.app().get_subcommand(command)->get_option("--format")->get_description();
    CHECK_THAT(help, Catch::Contains("toml, procfile or list"));
    CHECK_THAT(help, Catch::Contains("from the file's name or its first line"));
  }
}

TEST_CASE("a TASK taken as an option's value is named as such", "[app][cli]") {
  CHECK(error_of({"run", "--junit", "sing:1"}) ==
        "no TASK given and no ./mtask.toml: 'sing:1' was taken as the value of --junit (write "
        "--junit FILE before "
        "the tasks, or --junit=FILE)");
  CHECK(error_of({"run", "-j", "sing:1"}) ==
        "no TASK given and no ./mtask.toml: 'sing:1' was taken as the value of --jobs (write "
        "--jobs N before the "
        "tasks, or --jobs=N)");
  CHECK(error_of({"run", "-j", "sing:1", "dance:1"}) ==
        "--jobs 'sing:1': must be a whole number from 1 to 1000000000; 'sing:1' was taken as "
        "the value of --jobs (write --jobs N before the tasks, or --jobs=N)");
  CHECK_THAT(error_of({"run", "--timeout", "lint=make lint", "sing"}),
             Catch::Contains("'lint=make lint' was taken as the value of --timeout"));
  // A value that does not look like a TASK: the plain message.
  CHECK(error_of({"run", "--junit", "report.xml"}) ==
        "no TASK given and no ./mtask.toml (e.g. mtask run sing:3 dance:3)");
  CHECK(error_of({"run", "-j", "x", "sing"}) ==
        "--jobs 'x': must be a whole number from 1 to 1000000000");
}

TEST_CASE("hints: a demo task named like a command, an INTERVAL without a unit", "[app][options]") {
  Surroundings around = plain();
  around.is_command = [](const std::string& name) { return name == "make" || name == "pytest"; };
  const Config config =
      config_of({"run", "make", "sing", "pytest:2", "make:1", "build=make", "sing:3@100"}, around);
  CHECK(config.hints == std::vector<std::string>{
                            "'sing:3@100': INTERVAL 100 has no unit, so it is 100 seconds (did "
                            "you mean 'sing:3@100ms'?)",
                            "'make' is a built-in demo task; to run the command write 'make=make'",
                            "'pytest' is a built-in demo task; to run the command write "
                            "'pytest=pytest'",
                        });
  CHECK(config_of({"run", "sing:3@60", "sing@1.5m", "sing@100ms"}, around).hints.empty());
  CHECK(config_of({"run", "-q", "make", "sing@100"}, around).hints.empty());
  // A report named like a TASK: valid, but the TASK does not run.
  CHECK(config_of({"run", "--junit", "sing:1", "dance:1"}).hints ==
        std::vector<std::string>{"'sing:1' was taken as the value of --junit (write --junit "
                                 "FILE before the tasks, or --junit=FILE)"});
  CHECK(config_of({"run", "--trace", "trace.json", "dance:1"}).hints.empty());
  CHECK(config_of({"run", "sing", "-i", "250"}, around).hints ==
        std::vector<std::string>{"--interval '250': a number without a unit is seconds, so it "
                                 "is 250 seconds (did you mean '250ms'?)"});
  // --interval that no task uses: nothing to warn about.
  CHECK(config_of({"run", "x:1@0", "-i", "100"}, around).hints.empty());
}

TEST_CASE("hints: a value given with '=' was meant as one", "[app][options]") {
  CHECK(config_of({"run", "--junit=sing:1", "dance:1"}).hints.empty());
  CHECK(error_of({"run", "--junit=sing:1"}) ==
        "no TASK given and no ./mtask.toml (e.g. mtask run sing:3 dance:3)");
  CHECK(error_of({"run", "--junit", "sing:1"}) ==
        "no TASK given and no ./mtask.toml: 'sing:1' was taken as the value of --junit (write "
        "--junit FILE before "
        "the tasks, or --junit=FILE)");
}

TEST_CASE("hints: only the first 32 distinct demo names are looked up on PATH", "[app][options]") {
  Surroundings around = plain();
  int asked = 0;
  around.is_command = [&asked](const std::string&) {
    ++asked;
    return true;
  };
  std::vector<std::string> args{"run"};
  for (int i = 0; i < 1000; ++i) args.push_back(fmt::format("t{}:0", i % 40));
  const Config config = config_of(args, around);
  CHECK(asked == 32);
  CHECK(config.hints.size() == 32);
}

TEST_CASE("is_command_on_path looks for an executable file in PATH's directories",
          "[app][options]") {
  CHECK(app::is_command_on_path("sh", "/nonexistent:/bin:/usr/bin"));
  CHECK_FALSE(app::is_command_on_path("sh", "/nonexistent"));
  CHECK_FALSE(app::is_command_on_path("sh", nullptr));
  CHECK_FALSE(app::is_command_on_path("bin", "/"));  // a directory
  CHECK_FALSE(app::is_command_on_path("no-such-command-mtask", "/bin:/usr/bin"));
}

TEST_CASE("mtask alone: a short usage that says what to type first", "[app][cli]") {
  const std::string usage = app::short_usage();
  CHECK_THAT(usage, Catch::Contains("mtask run sing:3 dance:3"));
  CHECK_THAT(usage, Catch::Contains("mtask run --help"));
  CHECK(usage.find("\n\n\n") == std::string::npos);
}
