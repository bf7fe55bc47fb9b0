// --shard and --resume-failed through make_config: the slice and the tasks to resume, with
// made-up surroundings (the CI's variables, the job log's text).
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cli.hpp"
#include "mtask/error.hpp"
#include "options.hpp"

namespace {

app::Surroundings around_with(std::map<std::string, std::string> vars,
                              std::map<std::string, std::string> files = {}) {
  app::Surroundings around;
  around.cannot_write_report = [](const std::string&, mtask::ReportWriting) {
    return std::string();
  };
  around.getenv = [vars](const char* name) -> const char* {
    const auto found = vars.find(name);
    return found == vars.end() ? nullptr : found->second.c_str();
  };
  around.read_file = [files](const std::string& path) -> std::optional<std::string> {
    const auto found = files.find(path);
    if (found != files.end()) return found->second;
    return std::nullopt;
  };
  return around;
}

app::Config config_of(std::vector<std::string> args, const app::Surroundings& around) {
  app::Cli cli;
  cli.parse(std::move(args));
  return app::make_config(cli.values(), around);
}

std::vector<std::size_t> indexes(const app::Config& config) {
  std::vector<std::size_t> out;
  for (const mtask::Task& task : config.tasks) out.push_back(task.index);
  return out;
}

std::string error_of(std::vector<std::string> args, const app::Surroundings& around) {
  try {
    config_of(std::move(args), around);
  } catch (const mtask::UsageError& e) {
    return e.what();
  }
  return "";
}

const std::string kHeader =
    "index\ttask\tpid\tppid\tstart\twall\tuser\tsys\tmax_rss_kb\texit\tsignal\ttimed_out\t"
    "stopped\tcommand\n";

std::string row(int index, const std::string& name, const std::string& exit) {
  return std::to_string(index) + "\t" + name + "\t1\t1\t1.0\t0\t0\t0\t0\t" + exit +
         "\t-\t0\t-\tx\n";
}

}  // namespace

TEST_CASE("shard K/N keeps the slice, each task with its index", "[app][shard]") {
  const app::Config config =
      config_of({"run", "--shard", "2/3", "a", "b", "c", "d", "e"}, around_with({}));
  CHECK(indexes(config) == std::vector<std::size_t>{1, 4});
  REQUIRE(config.shard);
  CHECK(config.shard->label() == "2/3");
  CHECK_FALSE(config_of({"run", "a"}, around_with({})).shard);
}

TEST_CASE("shard auto reads the CI's variables; none: no shard", "[app][shard]") {
  const app::Config gitlab =
      config_of({"run", "--shard", "auto", "a", "b", "c"},
                around_with({{"CI_NODE_INDEX", "3"}, {"CI_NODE_TOTAL", "3"}}));
  CHECK(indexes(gitlab) == std::vector<std::size_t>{2});
  const app::Config none = config_of({"run", "--shard", "auto", "a", "b"}, around_with({}));
  CHECK(indexes(none) == std::vector<std::size_t>{0, 1});
  CHECK_FALSE(none.shard);
  CHECK(error_of({"run", "--shard", "auto", "a"}, around_with({{"CIRCLE_NODE_INDEX", "1"}})) ==
        "--shard 'auto': CIRCLE_NODE_INDEX is set but CIRCLE_NODE_TOTAL is not (set both, or "
        "neither)");
  CHECK(error_of({"run", "--shard", "2of4", "a"}, around_with({})) ==
        "--shard '2of4': expected K/N (e.g. 2/4) or auto");
}

TEST_CASE("resume-failed keeps the tasks that failed or did not run", "[app][resume]") {
  const auto around = around_with({}, {{"j.tsv", kHeader + row(0, "a", "0") + row(1, "b", "1")}});
  CHECK(indexes(config_of({"run", "--resume-failed", "j.tsv", "a", "b", "c"}, around)) ==
        std::vector<std::size_t>{1, 2});
  // The slice of the whole list, then what it has to resume.
  CHECK(indexes(config_of({"run", "--shard", "1/2", "--resume-failed", "j.tsv", "a", "b", "c"},
                          around)) == std::vector<std::size_t>{2});
  const app::Config done = config_of({"run", "--resume-failed", "ok.tsv", "a"},
                                     around_with({}, {{"ok.tsv", kHeader + row(0, "a", "0")}}));
  CHECK(done.tasks.empty());
  CHECK(done.notes == std::vector<std::string>{
                          "--resume-failed 'ok.tsv': every task passed there; nothing to run"});
  CHECK(error_of({"run", "--resume-failed", "j.tsv", "a", "x"}, around) ==
        "--resume-failed 'j.tsv': line 3: task 1 is 'b' there but 'x' here (the job log belongs "
        "to another task list)");
  CHECK(error_of({"run", "--joblog", "j.tsv", "--resume-failed", "j.tsv", "a", "b"}, around) ==
        "--resume-failed 'j.tsv': is also the --joblog of this run, which would replace it with "
        "the rows of the resumed tasks alone (write this run's job log to another file)");
  CHECK(error_of({"run", "--resume-failed", "none.tsv", "a"}, around) ==
        "--resume-failed 'none.tsv': cannot read it: No such file or directory");
}

namespace {

/// `around`, where a path and the same path after "./" name one file, as do "link" and
/// "j.tsv".
app::Surroundings with_spellings(app::Surroundings around) {
  around.same_file = [](const std::string& a, const std::string& b) {
    const auto plain = [](std::string path) {
      while (path.starts_with("./")) path.erase(0, 2);
      return path == "link" ? std::string("j.tsv") : path;
    };
    return plain(a) == plain(b);
  };
  return around;
}

}  // namespace

TEST_CASE("resume-failed refuses its job log as this run's, under every spelling",
          "[app][resume]") {
  const auto around = with_spellings(
      around_with({}, {{"j.tsv", kHeader + row(0, "a", "0")}, {"s.txt", "a=true\nb=true\n"}}));
  CHECK(error_of({"run", "--joblog", "./j.tsv", "--resume-failed", "j.tsv", "a", "b"}, around) ==
        "--resume-failed 'j.tsv': is also the --joblog of this run ('./j.tsv'), which would "
        "replace it with the rows of the resumed tasks alone (write this run's job log to "
        "another file)");
  CHECK(error_of({"run", "--joblog", "link", "--resume-failed", "j.tsv", "a", "b"}, around) ==
        "--resume-failed 'j.tsv': is also the --joblog of this run ('link'), which would "
        "replace it with the rows of the resumed tasks alone (write this run's job log to "
        "another file)");
  CHECK(error_of({"run", "--junit", "./j.tsv", "--resume-failed", "j.tsv", "a", "b"}, around) ==
        "--junit './j.tsv': is the job log read by --resume-failed 'j.tsv', which the report "
        "would overwrite (write it to another file)");
  CHECK(error_of({"run", "--joblog", "other.tsv", "--resume-failed", "j.tsv", "a", "b"}, around)
            .empty());
}

TEST_CASE("a report may not overwrite the task file", "[app][resume]") {
  const auto around = with_spellings(around_with({}, {{"s.txt", "a=true\nb=true\n"}}));
  for (const char* option : {"--joblog", "--junit", "--timeline-svg", "--trace"}) {
    CHECK(error_of({"run", "-f", "s.txt", option, "./s.txt"}, around) ==
          std::string(option) +
              " './s.txt': is the task file of this run (-f 's.txt'), which the report would "
              "overwrite (write it to another file)");
  }
  CHECK(error_of(
            {"run", "--joblog", "mtask.toml"},
            with_spellings(around_with({}, {{"mtask.toml", "[tasks.a]\ncommand = \"true\"\n"}}))) ==
        "--joblog 'mtask.toml': is the task file of this run (./mtask.toml), which the report "
        "would overwrite (write it to another file)");
  CHECK(error_of({"run", "-f", "s.txt", "--joblog", "s.tsv"}, around).empty());
}

TEST_CASE("resume-failed keeps to the shard its job log names", "[app][resume][shard]") {
  const std::string log = "# shard 2/4\n" + kHeader + row(1, "b", "1") + row(5, "f", "0");
  const auto around = around_with(
      {}, {{"sj2.tsv", log}, {"one.tsv", "# shard 1/1\n" + kHeader + row(0, "a", "1")}});
  const std::vector<std::string> tasks = {"a", "b", "c", "d", "e", "f"};
  const auto with = [&tasks](std::vector<std::string> head) {
    head.insert(head.end(), tasks.begin(), tasks.end());
    return head;
  };
  CHECK(error_of(with({"run", "--shard", "3/4", "--resume-failed", "sj2.tsv"}), around) ==
        "--resume-failed 'sj2.tsv': the job log is of shard 2/4, this run is shard 3/4 (give "
        "--shard 2/4)");
  CHECK(error_of(with({"run", "--resume-failed", "sj2.tsv"}), around) ==
        "--resume-failed 'sj2.tsv': the job log is of shard 2/4, this run has no shard (give "
        "--shard 2/4)");
  CHECK(error_of(with({"list", "--shard", "auto", "--resume-failed", "sj2.tsv"}), around) ==
        "--resume-failed 'sj2.tsv': the job log is of shard 2/4, this run has no shard (give "
        "--shard 2/4)");
  CHECK(indexes(config_of(with({"run", "--shard", "2/4", "--resume-failed", "sj2.tsv"}), around)) ==
        std::vector<std::size_t>{1});
  // Shard 1/1 is every task, as no shard is.
  CHECK(indexes(config_of(with({"run", "--resume-failed", "one.tsv"}), around)) ==
        std::vector<std::size_t>{0, 1, 2, 3, 4, 5});
}

namespace {

std::vector<std::size_t> needed_only(const app::Config& config) {
  std::vector<std::size_t> out;
  for (const mtask::Task& task : config.tasks) {
    if (task.needed_only) out.push_back(task.index);
  }
  return out;
}

}  // namespace

TEST_CASE("a shard brings the tasks its slice needs, transitively, as needed only",
          "[app][shard][needs]") {
  // 0 db, 1 web (needs db), 2 lint, 3 smoke (needs web), 4 docs; slice 2/2 is 1 and 3.
  const std::vector<std::string> tasks = {"db=d",    "web=w",  "lint=l",  "smoke=s",  "docs=x",
                                          "--needs", "web=db", "--needs", "smoke=web"};
  const auto with = [&tasks](std::vector<std::string> head) {
    head.insert(head.end(), tasks.begin(), tasks.end());
    return head;
  };
  const app::Config two = config_of(with({"list", "--shard", "2/2"}), around_with({}));
  CHECK(indexes(two) == std::vector<std::size_t>{0, 1, 3});
  CHECK(needed_only(two) == std::vector<std::size_t>{0});
  CHECK(two.notes == std::vector<std::string>{"--shard 2/2: also runs db, which tasks of the "
                                              "slice need"});
  // Slice 1/2 is 0, 2, 4 and needs nothing more: no note.
  const app::Config one = config_of(with({"list", "--shard", "1/2"}), around_with({}));
  CHECK(indexes(one) == std::vector<std::size_t>{0, 2, 4});
  CHECK(needed_only(one).empty());
  CHECK(one.notes.empty());
  // Slice 3/3 is 2 alone: nothing joins it.
  CHECK(indexes(config_of(with({"list", "--shard", "3/3"}), around_with({}))) ==
        std::vector<std::size_t>{2});
  // Without --shard nothing is needed only.
  CHECK(needed_only(config_of(with({"list"}), around_with({}))).empty());
}

TEST_CASE("a resumed run brings what the tasks to resume need", "[app][resume][needs]") {
  // web passed, smoke failed: smoke runs again, and web with it, needed only.
  const auto around = around_with(
      {}, {{"j.tsv", kHeader + row(0, "web", "0") + row(1, "smoke", "1") + row(2, "docs", "0")}});
  const app::Config config = config_of(
      {"run", "--resume-failed", "j.tsv", "web=w", "smoke=s", "docs=d", "--needs", "smoke=web"},
      around);
  CHECK(indexes(config) == std::vector<std::size_t>{0, 1});
  CHECK(needed_only(config) == std::vector<std::size_t>{0});
  CHECK(config.notes == std::vector<std::string>{"--resume-failed 'j.tsv': also runs web, which "
                                                 "the tasks to resume need"});
}
