#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "mtask/report/timeline.hpp"
#include "posix/atomic_file.hpp"
#include "temp_dir.hpp"

using mtask::posix::AtomicFile;
using mtask::posix::FileError;

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
  CHECK(file.temporary() == dir.file("r.xml.tmp"));
  REQUIRE_FALSE(file.open());
  CHECK(std::filesystem::exists(file.temporary()));
  CHECK_FALSE(std::filesystem::exists(file.path()));
  REQUIRE_FALSE(file.write("<a/>\n"));
  REQUIRE_FALSE(file.commit());
  CHECK(read_all(file.path()) == "<a/>\n");
  CHECK(dir.entries() == 1);
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
  struct Case {
    std::string path;
    std::string call;
    std::string about;
    int error;
  };
  // A directory where the file should be: the temporary is made, the rename fails.
  std::filesystem::create_directory(dir.file("taken"));
  const Case cases[] = {
      {dir.file("missing/out"), "open", dir.file("missing/out.tmp"), ENOENT},
      {dir.file("taken"), "rename", dir.file("taken"), EISDIR},
  };
  for (const Case& c : cases) {
    CAPTURE(c.path);
    const std::optional<FileError> error = mtask::posix::write_file_atomically(c.path, "x");
    REQUIRE(error);
    CHECK(error->call == c.call);
    CHECK(error->path == c.about);
    CHECK(error->error.value() == c.error);
    CHECK(error->message() == c.call + " " + c.about + ": " + error->reason());
    CHECK_FALSE(std::filesystem::exists(c.path + ".tmp"));
  }
  CHECK(mtask::posix::write_file_atomically(dir.file("missing/out"), "x")->reason() ==
        "No such file or directory");
}

TEST_CASE("atomic file: the timeline's writer says which file and why", "[atomic_file]") {
  TempDir dir;
  CHECK(mtask::write_file_atomically(dir.file("t.svg"), "<svg/>").empty());
  CHECK(read_all(dir.file("t.svg")) == "<svg/>");
  CHECK(mtask::write_file_atomically(dir.file("missing/t.svg"), "<svg/>") ==
        dir.file("missing/t.svg.tmp") + ": No such file or directory");
}
