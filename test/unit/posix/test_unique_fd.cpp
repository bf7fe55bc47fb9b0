// UniqueFd: the one owner of a descriptor; closing and handing on.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include <catch2/catch.hpp>

#include "posix/fd.hpp"
#include "posix/unique_fd.hpp"

namespace {

bool is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

}  // namespace

TEST_CASE("unique fd: closes what it holds when it goes, once", "[posix]") {
  int raw = -1;
  {
    mtask::posix::UniqueFd fd(open("/dev/null", O_RDONLY | O_CLOEXEC));
    REQUIRE(fd.valid());
    raw = fd.get();
    mtask::posix::UniqueFd moved = std::move(fd);
    CHECK_FALSE(fd.valid());  // NOLINT(bugprone-use-after-move): moved-from is "none"
    CHECK(moved.get() == raw);
    CHECK(is_open(raw));
  }
  CHECK_FALSE(is_open(raw));
}

TEST_CASE("unique fd: release hands the descriptor over without closing it", "[posix]") {
  mtask::posix::UniqueFd fd(open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int raw = fd.release();
  CHECK_FALSE(fd.valid());
  CHECK(is_open(raw));
  close(raw);
}

TEST_CASE("make_pipe: two close-on-exec ends, owned", "[posix]") {
  mtask::posix::Pipe pipe;
  REQUIRE_FALSE(mtask::posix::make_pipe(pipe));
  CHECK((fcntl(pipe.read.get(), F_GETFD) & FD_CLOEXEC) != 0);
  CHECK((fcntl(pipe.write.get(), F_GETFD) & FD_CLOEXEC) != 0);
  const int read_end = pipe.read.get();
  pipe = mtask::posix::Pipe{};
  CHECK_FALSE(is_open(read_end));
}
