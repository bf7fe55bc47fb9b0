// Report files (--junit, --joblog, --timeline-svg, --trace): checked before anything is forked,
// never clobbering what is not a regular file, and a report or a standard output that cannot
// be written is exit status 3 (docs/output.md, "Report files"; docs/usage.md, "Exit status").
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"

namespace {

using e2e::read_all;

using namespace std::chrono_literals;
namespace fs = std::filesystem;

/// The four options that name a report file, and how each report begins.
struct Report {
  const char* option;
  const char* begins;
};
const Report kReports[] = {
    {"--junit", "<?xml"},
    {"--joblog", "index\t"},
    {"--timeline-svg", "<?xml"},
    {"--trace", "{"},
};

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

e2e::Options quick() {
  e2e::Options options;
  options.timeout = 20s;
  return options;
}

/// A task that leaves `marker` on disk when it runs.
std::string touching(const std::string& marker) { return "t=touch '" + marker + "'"; }

bool starts_with(const std::string& text, const std::string& start) {
  return text.compare(0, start.size(), start) == 0;
}

}  // namespace

TEST_CASE("a report path that is a directory is a usage error and nothing is forked",
          "[e2e][report_files]") {
  e2e::TempDir dir;
  const std::string marker = dir.file("ran");
  for (const Report& report : kReports) {
    CAPTURE(report.option);
    fs::remove(marker);
    const e2e::Run run = e2e::mtask({"run", report.option, dir.path(), touching(marker)}, quick());
    REQUIRE_FALSE(run.timed_out);
    CHECK(run.status == 2);
    CHECK_FALSE(fs::exists(marker));
    const std::vector<std::string> lines = run.err_lines();
    REQUIRE_FALSE(lines.empty());
    CHECK(e2e::contains(lines[0], report.option));
    CHECK(e2e::contains(lines[0], dir.path()));
    CHECK(e2e::contains(lines[0], "is a directory"));
  }
}

TEST_CASE("a report in a missing directory is a usage error and nothing is forked",
          "[e2e][report_files]") {
  e2e::TempDir dir;
  const std::string marker = dir.file("ran");
  const std::string path = dir.file("missing/report");
  for (const Report& report : kReports) {
    CAPTURE(report.option);
    fs::remove(marker);
    const e2e::Run run = e2e::mtask({"run", report.option, path, touching(marker)}, quick());
    REQUIRE_FALSE(run.timed_out);
    CHECK(run.status == 2);
    CHECK_FALSE(fs::exists(marker));
    const std::vector<std::string> lines = run.err_lines();
    REQUIRE_FALSE(lines.empty());
    CHECK(e2e::contains(lines[0], report.option));
    CHECK(e2e::contains(lines[0], path));
    CHECK(e2e::contains(lines[0], "no directory"));
  }
}

TEST_CASE("a read-only report file or directory is a usage error", "[e2e][report_files]") {
  // Root may write anything: as root, run mtask as nobody, on files that root owns.
  e2e::Options options = quick();
  std::optional<e2e::SharedBinary> shared;
  if (geteuid() == 0) {
    shared.emplace();
    options.prefix = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
    options.binary = shared->path();
    e2e::Options probe = options;
    const e2e::Run can = e2e::mtask({"--version"}, probe);
    if (can.status != 0) {
      e2e::cannot_check("user nobody cannot run " + shared->path() + ": " + can.err);
      return;
    }
  }
  e2e::TempDir dir;
  fs::permissions(dir.path(), fs::perms::all, fs::perm_options::add);  // any user may search it
  const std::string marker = dir.file("ran");
  const std::string locked = dir.file("locked");
  fs::create_directory(locked);
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::others_read |
                              fs::perms::others_exec);
  const std::string read_only = dir.file("read-only");
  write_file(read_only, "mine\n");
  fs::permissions(read_only, fs::perms::owner_read | fs::perms::others_read);
  for (const Report& report : kReports) {
    for (const std::string& path : {locked + "/report", read_only}) {
      CAPTURE(report.option, path);
      fs::remove(marker);
      const e2e::Run run = e2e::mtask({"run", report.option, path, touching(marker)}, options);
      CHECK(run.status == 2);
      CHECK_FALSE(fs::exists(marker));
      CHECK(e2e::contains(run.err, "Permission denied"));
    }
  }
  CHECK(read_all(read_only) == "mine\n");
  fs::permissions(locked, fs::perms::owner_all);
}

TEST_CASE("a report through a symlink is written to the file it points to", "[e2e][report_files]") {
  for (const Report& report : kReports) {
    CAPTURE(report.option);
    e2e::TempDir dir;
    const std::string real = dir.file("real");
    const std::string link = dir.file("link");
    write_file(real, "old\n");
    fs::create_symlink("real", link);
    const e2e::Run run = e2e::mtask({"run", report.option, link, "a:1@1ms"}, quick());
    REQUIRE_FALSE(run.timed_out);
    CHECK(run.status == 0);
    CHECK(fs::is_symlink(link));
    CHECK(fs::read_symlink(link) == "real");
    const std::string text = read_all(real);
    CHECK(starts_with(text, report.begins));
    CHECK(text.find("old\n") == std::string::npos);
  }
}

TEST_CASE("a report never touches a FILE.tmp beside it, nor leaves a temporary",
          "[e2e][report_files]") {
  for (const Report& report : kReports) {
    CAPTURE(report.option);
    e2e::TempDir dir;
    const std::string path = dir.file("report");
    write_file(path, "old\n");
    write_file(path + ".tmp", "the user's own\n");
    const e2e::Run run = e2e::mtask({"run", report.option, path, "a:1@1ms"}, quick());
    REQUIRE_FALSE(run.timed_out);
    CHECK(run.status == 0);
    CHECK(read_all(path + ".tmp") == "the user's own\n");
    CHECK(starts_with(read_all(path), report.begins));
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path())) ++entries;
    CHECK(entries == 2);
  }
}

TEST_CASE("a JUnit report to /dev/stdout goes to standard output and leaves /dev/stdout be",
          "[e2e][report_files][dev_stdout]") {
  struct stat before {};
  if (::lstat("/dev/stdout", &before) != 0) {
    e2e::cannot_check("no /dev/stdout here");
    return;
  }
  const e2e::Run run = e2e::mtask({"run", "--junit", "/dev/stdout", "a:1@1ms"}, quick());
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  struct stat after {};
  REQUIRE(::lstat("/dev/stdout", &after) == 0);
  CHECK((after.st_mode & S_IFMT) == (before.st_mode & S_IFMT));
  CHECK(after.st_ino == before.st_ino);
  CHECK_FALSE(fs::exists("/dev/stdout.tmp"));
  const std::size_t begin = run.out.find("<?xml");
  REQUIRE(begin != std::string::npos);
  CHECK(run.out.find("</testsuites>\n", begin) != std::string::npos);
  CHECK(e2e::contains(run.out, "<testcase name=\"a\""));
}

TEST_CASE("a report that cannot be written at the end is exit status 3 with a message",
          "[e2e][report_files]") {
  if (!fs::is_character_file("/dev/full")) {
    e2e::cannot_check("no /dev/full here");
    return;
  }
  for (const Report& report : kReports) {
    CAPTURE(report.option);
    // Through a symlink of our own, so that even a mtask that replaced the link would leave
    // /dev/full itself alone.
    e2e::TempDir dir;
    const std::string link = dir.file("full");
    fs::create_symlink("/dev/full", link);
    const e2e::Run run = e2e::mtask({"run", report.option, link, "a:1@1ms"}, quick());
    REQUIRE_FALSE(run.timed_out);
    CHECK(run.status == 3);
    CHECK(e2e::contains(run.err, report.option));
    CHECK(e2e::contains(run.err, "No space left on device"));
    CHECK(e2e::contains(run.out, "a... (1/1)"));  // the task ran
    CHECK(fs::is_symlink(link));
  }
}

TEST_CASE("a signal status wins over a report that cannot be written", "[e2e][report_files]") {
  e2e::TempDir dir;
  const std::string link = dir.file("full");
  fs::create_symlink("/dev/full", link);
  e2e::Options options = quick();
  options.actions.push_back(e2e::send_signal(300ms, SIGTERM));
  const e2e::Run run = e2e::mtask({"run", "--junit", link, "slow=sleep 10"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 143);
  CHECK(e2e::contains(run.err, "No space left on device"));
}

TEST_CASE("a job log to /dev/stdout with stdout in a file keeps what mtask wrote there",
          "[e2e][report_files][dev_stdout]") {
  // The job log opened /dev/stdout anew, at offset 0 of the file behind it, and wrote over the
  // text output already there.
  if (!fs::exists("/dev/stdout")) {
    e2e::cannot_check("no /dev/stdout here");
    return;
  }
  const e2e::TempDir dir;
  e2e::Options options = quick();
  options.prefix = {"sh", "-c", "exec \"$0\" \"$@\" >" + dir.file("out.txt")};
  const e2e::Run run =
      e2e::mtask({"run", "a=echo hello-from-a", "--joblog", "/dev/stdout"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  const std::string out = e2e::read_proc(dir.file("out.txt"));
  INFO(out);
  CHECK(e2e::contains(out, "> started (ppid "));
  CHECK(e2e::contains(out, "| hello-from-a\n"));
  CHECK(e2e::contains(out, "< exit 0 after "));
  CHECK(e2e::contains(out, "index\ttask\tpid\tppid\tstart\twall\tuser"));
  CHECK(e2e::contains(out, "\techo hello-from-a\n"));
  CHECK(e2e::contains(out, "1 task, none failed"));
}

TEST_CASE("a standard output that fails (not a closed pipe) is exit status 3 with a message",
          "[e2e][report_files]") {
  if (!fs::is_character_file("/dev/full")) {
    e2e::cannot_check("no /dev/full here");
    return;
  }
  for (const char* format : {"text", "json"}) {
    CAPTURE(format);
    const std::string command =
        std::string("exec '") + e2e::binary() + "' run -o " + format + " a:1@1ms 2>&1 >/dev/full";
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string err;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) err.append(buffer, n);
    const int status = ::pclose(pipe);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 3);
    CHECK(e2e::contains(err, "standard output"));
    CHECK(e2e::contains(err, "No space left on device"));
  }
}
