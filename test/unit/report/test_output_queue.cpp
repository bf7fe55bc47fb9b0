// FdOutput::queue_when_slow(): writes to a pipe never wait for its reader; what it does not
// take is queued, in order, until write_queued() or flush().
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstddef>
#include <string>

#include <catch2/catch.hpp>

#include "mtask/report/output.hpp"

namespace {

/// A pipe whose ends close with it; its read end never blocks.
struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() {
    REQUIRE(::pipe(fds) == 0);
    REQUIRE(::fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe() {
    for (int fd : fds) {
      if (fd >= 0) ::close(fd);
    }
  }
  /// What is in the pipe now.
  std::string drain() const {
    std::string text;
    char buffer[65536];
    ssize_t n = 0;
    while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) {
      text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
  }
};

std::string numbered_lines(int count) {
  std::string text;
  for (int i = 0; i < count; ++i) text += "line " + std::to_string(i) + " of some output\n";
  return text;
}

bool nonblocking(int fd) { return (::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }

}  // namespace

TEST_CASE("output queue: a pipe nobody reads never blocks a write, and loses nothing", "[output]") {
  Pipe pipe;
  const int shared = ::dup(pipe.fds[1]);  // the description the shell would share
  REQUIRE(shared >= 0);
  const std::string text = numbered_lines(100000);  // ~3 MB, far more than the pipe holds
  std::string read;
  {
    mtask::FdOutput out(pipe.fds[1]);
    REQUIRE(out.queue_when_slow());
    CHECK(nonblocking(pipe.fds[1]));
    CHECK_FALSE(nonblocking(shared));  // its flags are left alone
    CHECK(out.queued_fd() == -1);      // nothing queued yet
    out.write(text);
    CHECK(out.flush());
    CHECK(out.queued() > 0);
    CHECK(out.queued_fd() == pipe.fds[1]);
    while (out.queued() > 0) {
      read += pipe.drain();
      out.write_queued();
    }
    read += pipe.drain();
  }
  CHECK(read == text);
  CHECK_FALSE(nonblocking(pipe.fds[1]));  // blocking again once the output is gone
  ::close(shared);
}

TEST_CASE("output queue: what comes after queued bytes waits behind them", "[output]") {
  Pipe pipe;
  mtask::FdOutput out(pipe.fds[1]);
  REQUIRE(out.queue_when_slow());
  const std::string first = numbered_lines(20000);
  out.write(first);
  out.flush();
  REQUIRE(out.queued() > 0);
  std::string read = pipe.drain();  // room again, but the queue goes first
  out.write("after\n");
  out.flush();
  while (out.queued() > 0) {
    read += pipe.drain();
    out.write_queued();
  }
  read += pipe.drain();
  CHECK(read == first + "after\n");
}

TEST_CASE("output queue: drop() gives up the queue and all later output, silently", "[output]") {
  Pipe pipe;
  mtask::FdOutput out(pipe.fds[1]);
  REQUIRE(out.queue_when_slow());
  out.write(numbered_lines(20000));
  out.flush();
  REQUIRE(out.queued() > 0);
  out.drop();
  CHECK(out.dropped());
  CHECK(out.queued() == 0);
  CHECK(out.queued_fd() == -1);
  pipe.drain();
  out.write("never written\n");
  CHECK(out.flush());  // not an error
  CHECK(out.error() == 0);
  CHECK(pipe.drain().empty());
}

TEST_CASE("output queue: a reader that goes away still breaks the output with EPIPE", "[output]") {
  const auto previous = std::signal(SIGPIPE, SIG_IGN);
  Pipe pipe;
  mtask::FdOutput out(pipe.fds[1]);
  REQUIRE(out.queue_when_slow());
  out.write(numbered_lines(20000));
  out.flush();
  REQUIRE(out.queued() > 0);
  ::close(pipe.fds[0]);
  pipe.fds[0] = -1;
  out.write_queued();
  CHECK(out.broken());
  CHECK(out.error() == EPIPE);
  CHECK(out.queued() == 0);
  std::signal(SIGPIPE, previous);
}

TEST_CASE("output queue: a regular file is not queued", "[output]") {
  char path[] = "/tmp/mtask-output-queue-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::unlink(path);
  mtask::FdOutput out(fd);
  CHECK_FALSE(out.queue_when_slow());
  CHECK_FALSE(nonblocking(fd));
  ::close(fd);
}

TEST_CASE("output queue: stdout and stderr on one pipe share one queue, in write order",
          "[output]") {
  Pipe pipe;
  Pipe other;
  const int err_fd = ::dup(pipe.fds[1]);  // 2>&1
  REQUIRE(err_fd >= 0);
  std::string read;
  {
    mtask::FdOutput out(pipe.fds[1]);
    mtask::FdOutput err(err_fd);
    mtask::FdOutput elsewhere(other.fds[1]);
    CHECK_FALSE(err.share_queue_with(out));  // out does not queue yet
    REQUIRE(out.queue_when_slow());
    CHECK_FALSE(elsewhere.share_queue_with(out));  // another pipe
    REQUIRE(err.share_queue_with(out));
    const std::string text = numbered_lines(100000);  // far more than the pipe holds
    out.write(text);
    err.write("ERR whole\n");
    out.write("last\n");
    CHECK(err.flush());
    CHECK(err.queued() == 0);  // nothing of its own
    CHECK(out.queued() > 0);
    while (out.queued() > 0) {
      read += pipe.drain();
      out.write_queued();
    }
    read += pipe.drain();
    CHECK(read == text + "ERR whole\nlast\n");
  }
  ::close(err_fd);
}
