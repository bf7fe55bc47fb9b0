// Writing a report file: replaced through a temporary when it is a regular file or absent,
// written through when it is a symlink, a device or a FIFO; and the check before the run
// (docs/output.md, "Report files").
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "mtask/report/report_file.hpp"
#include "posix/atomic_file.hpp"
#include "temp_dir.hpp"

using mtask::posix::AtomicFile;
using mtask::posix::FileError;
using mtask::posix::WriteWay;
namespace fs = std::filesystem;

namespace {

ino_t inode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_ino;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("atomic file: the content appears whole under the path, no temporary left",
          "[atomic_file]") {
  TempDir dir;
  const std::string path = dir.file("out.txt");
  for (const bool sync : {false, true}) {
    CHECK_FALSE(mtask::posix::write_file_atomically(path, sync ? "synced\n" : "plain\n", sync));
    CHECK(read_all(path) == (sync ? "synced\n" : "plain\n"));
    CHECK(dir.entries() == 1);
  }
}

TEST_CASE("atomic file: nothing is on disk until commit, and only the path after it",
          "[atomic_file]") {
  TempDir dir;
  AtomicFile file(dir.file("r.xml"));
  REQUIRE_FALSE(file.open());
  CHECK_FALSE(file.through());
  // A name of mkstemp's beside the target, hidden, never the fixed r.xml.tmp.
  CHECK(fs::path(file.temporary()).parent_path() == fs::path(dir.file("")).parent_path());
  CHECK(fs::path(file.temporary()).filename().string().starts_with(".r.xml."));
  CHECK(std::filesystem::exists(file.temporary()));
  CHECK_FALSE(std::filesystem::exists(file.path()));
  REQUIRE_FALSE(file.write("<a/>\n"));
  REQUIRE_FALSE(file.commit());
  CHECK(read_all(file.path()) == "<a/>\n");
  CHECK(dir.entries() == 1);
}

TEST_CASE("atomic file: a regular file is replaced, its FILE.tmp untouched", "[atomic_file]") {
  TempDir dir;
  const std::string path = dir.file("r.xml");
  write_file(path, "old\n");
  write_file(path + ".tmp", "the user's\n");
  const ino_t before = inode_of(path);
  ::umask(022);
  CHECK_FALSE(mtask::posix::write_file_atomically(path, "new\n"));
  CHECK(read_all(path) == "new\n");
  CHECK(inode_of(path) != before);  // renamed over it, not rewritten in place
  CHECK(read_all(path + ".tmp") == "the user's\n");
  CHECK(dir.entries() == 2);
  CHECK((fs::status(path).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
         fs::perms::others_read));
}

TEST_CASE("atomic file: a symlink is written through and stays a symlink", "[atomic_file]") {
  TempDir dir;
  const std::string real = dir.file("real");
  const std::string link = dir.file("link");
  write_file(real, "a much longer old content\n");
  fs::create_symlink("real", link);
  std::error_code error;
  CHECK(mtask::posix::way_to_write(link, error) == WriteWay::kThrough);
  AtomicFile file(link);
  REQUIRE_FALSE(file.open());
  CHECK(file.through());
  CHECK(file.temporary().empty());
  REQUIRE_FALSE(file.write("new\n"));
  REQUIRE_FALSE(file.commit(true));
  CHECK(fs::is_symlink(link));
  CHECK(read_all(real) == "new\n");
  CHECK(dir.entries() == 2);
}

TEST_CASE("atomic file: a device and a FIFO are written through, never replaced", "[atomic_file]") {
  std::error_code error;
  CHECK(mtask::posix::way_to_write("/dev/null", error) == WriteWay::kThrough);
  CHECK_FALSE(mtask::posix::write_file_atomically("/dev/null", "nothing\n", true));
  CHECK(fs::is_character_file("/dev/null"));

  TempDir dir;
  const std::string fifo = dir.file("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  REQUIRE(reader >= 0);
  CHECK_FALSE(mtask::posix::write_file_atomically(fifo, "through\n"));
  char buffer[32] = {};
  CHECK(::read(reader, buffer, sizeof buffer) == 8);
  CHECK(std::string(buffer) == "through\n");
  ::close(reader);
  CHECK(fs::is_fifo(fifo));
  CHECK(dir.entries() == 1);
}

TEST_CASE("atomic file: a device that fails a write says so", "[atomic_file]") {
  if (!fs::is_character_file("/dev/full")) return;
  const std::optional<FileError> error = mtask::posix::write_file_atomically("/dev/full", "x");
  REQUIRE(error);
  CHECK(error->call == "write");
  CHECK(error->path == "/dev/full");
  CHECK(error->error.value() == ENOSPC);
  CHECK(fs::is_character_file("/dev/full"));
}

TEST_CASE("atomic file: a temporary never committed is removed", "[atomic_file]") {
  TempDir dir;
  {
    AtomicFile file(dir.file("r.xml"));
    REQUIRE_FALSE(file.open());
    REQUIRE_FALSE(file.write("half"));
  }
  CHECK(dir.entries() == 0);
  AtomicFile file(dir.file("r.xml"));
  REQUIRE_FALSE(file.open());
  file.discard();
  CHECK(dir.entries() == 0);
}

TEST_CASE("atomic file: a failure names the call, the file and why", "[atomic_file]") {
  TempDir dir;
  std::filesystem::create_directory(dir.file("taken"));
  {
    const std::optional<FileError> error =
        mtask::posix::write_file_atomically(dir.file("missing/out"), "x");
    REQUIRE(error);
    CHECK(error->call == "mkstemp");
    CHECK(error->path == dir.file("missing/.out.XXXXXX"));
    CHECK(error->error.value() == ENOENT);
    CHECK(error->message() == "mkstemp " + error->path + ": No such file or directory");
  }
  {
    const std::optional<FileError> error =
        mtask::posix::write_file_atomically(dir.file("taken"), "x");
    REQUIRE(error);
    CHECK(error->call == "lstat");
    CHECK(error->error.value() == EISDIR);
  }
  CHECK(dir.entries() == 1);
}

TEST_CASE("report file: written whole, the error names the call and the file", "[atomic_file]") {
  TempDir dir;
  CHECK(mtask::write_report_file(dir.file("t.svg"), "<svg/>").empty());
  CHECK(read_all(dir.file("t.svg")) == "<svg/>");
  CHECK(mtask::write_report_file(dir.file("missing/t.svg"), "<svg/>") ==
        "mkstemp " + dir.file("missing/.t.svg.XXXXXX") + ": No such file or directory");
}

TEST_CASE("report file: the check before the run says why in a few words", "[atomic_file]") {
  using mtask::ReportWriting;
  TempDir dir;
  write_file(dir.file("old"), "x");
  fs::create_symlink("nowhere/x", dir.file("dangling-missing"));
  fs::create_symlink("fresh", dir.file("dangling"));
  fs::create_symlink(".", dir.file("to-dir"));
  for (const ReportWriting how : {ReportWriting::kWhole, ReportWriting::kStreamed}) {
    CHECK(mtask::cannot_write_report(dir.file("new"), how).empty());
    CHECK(mtask::cannot_write_report(dir.file("old"), how).empty());
    CHECK(mtask::cannot_write_report(dir.file("dangling"), how).empty());
    CHECK(mtask::cannot_write_report("/dev/null", how).empty());
    CHECK(mtask::cannot_write_report(dir.file(""), how) == "is a directory");
    CHECK(mtask::cannot_write_report(dir.file("to-dir"), how) == "is a directory");
    CHECK(mtask::cannot_write_report(dir.file("missing/r"), how) ==
          "no directory '" + dir.file("missing") + "'");
    CHECK(mtask::cannot_write_report(dir.file("dangling-missing"), how) ==
          "no directory '" + dir.file("nowhere") + "'");
    CHECK(mtask::cannot_write_report(dir.file("old/r"), how) == "cannot reach it: Not a directory");
  }
  CHECK(dir.entries() == 4);  // the check made nothing
}
