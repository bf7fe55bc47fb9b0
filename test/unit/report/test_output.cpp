#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstddef>
#include <ctime>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "mtask/report/output.hpp"

namespace {

// A pipe whose ends close with it.
class Pipe {
 public:
  Pipe() { REQUIRE(::pipe(fds_) == 0); }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe() {
    close_read();
    close_write();
  }

  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }
  void close_read() { close_end(fds_[0]); }
  void close_write() { close_end(fds_[1]); }

  /// Makes the pipe as small as the kernel allows, so writes come back partial.
  void shrink() { ::fcntl(fds_[1], F_SETPIPE_SZ, 4096); }
  void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

  /// What is in the pipe now, without waiting for more.
  std::string drain() {
    set_nonblocking(fds_[0]);
    std::string text;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::read(fds_[0], buffer, sizeof buffer)) > 0) {
      text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
  }

 private:
  static void close_end(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  int fds_[2] = {-1, -1};
};

// Reads a descriptor to its end on another thread (after an optional delay), so the test
// thread can block in write().
class Reader {
 public:
  explicit Reader(int fd, std::chrono::milliseconds delay = std::chrono::milliseconds(0))
      : thread_([this, fd, delay] {
          std::this_thread::sleep_for(delay);
          char buffer[1000];  // smaller than the writes, so they come back partial
          ssize_t n = 0;
          while ((n = ::read(fd, buffer, sizeof buffer)) != 0) {
            if (n > 0) text_.append(buffer, static_cast<std::size_t>(n));
            if (n < 0 && errno != EINTR) break;
          }
        }) {}
  std::string join() {
    thread_.join();
    return text_;
  }

 private:
  std::string text_;
  std::thread thread_;
};

std::string numbered_lines(int count) {
  std::string text;
  for (int i = 0; i < count; ++i) text += "line " + std::to_string(i) + " of some output\n";
  return text;
}

// Ignores SIGPIPE for its lifetime, as mtask does, so a write to a closed pipe fails with
// EPIPE instead of ending the test.
class IgnoreSigpipe {
 public:
  IgnoreSigpipe() : previous_(std::signal(SIGPIPE, SIG_IGN)) {}
  IgnoreSigpipe(const IgnoreSigpipe&) = delete;
  IgnoreSigpipe& operator=(const IgnoreSigpipe&) = delete;
  ~IgnoreSigpipe() { std::signal(SIGPIPE, previous_); }

 private:
  void (*previous_)(int);
};

}  // namespace

TEST_CASE("output: writes wait in the buffer until flush", "[output]") {
  Pipe pipe;
  mtask::FdOutput out(pipe.write_end());
  out.write("hello ");
  out.write("world\n");
  CHECK(pipe.drain().empty());
  CHECK(out.flush());
  CHECK(pipe.drain() == "hello world\n");
  CHECK(out.flush());  // nothing left: still fine
  CHECK(pipe.drain().empty());
}

TEST_CASE("output: a large buffer is written before flush", "[output]") {
  Pipe pipe;
  mtask::FdOutput out(pipe.write_end());
  const std::string chunk(1024, 'x');
  std::size_t written = 0;
  std::string seen;
  while (seen.empty() && written < 1024 * 1024) {
    out.write(chunk);
    written += chunk.size();
    seen = pipe.drain();
  }
  CHECK_FALSE(seen.empty());
  CHECK(written <= 64 * 1024);
}

TEST_CASE("output: the destructor flushes", "[output]") {
  Pipe pipe;
  {
    mtask::FdOutput out(pipe.write_end());
    out.write("last words\n");
  }
  CHECK(pipe.drain() == "last words\n");
}

TEST_CASE("output: partial writes to a small pipe lose nothing", "[output]") {
  Pipe pipe;
  pipe.shrink();
  const std::string text = numbered_lines(40000);  // about 1 MiB
  Reader reader(pipe.read_end());
  {
    mtask::FdOutput out(pipe.write_end());
    for (std::size_t at = 0; at < text.size(); at += 777) out.write(text.substr(at, 777));
    CHECK(out.flush());
    CHECK_FALSE(out.broken());
  }
  pipe.close_write();
  CHECK(reader.join() == text);
}

TEST_CASE("output: a non-blocking descriptor is waited for, not given up", "[output]") {
  Pipe pipe;
  pipe.shrink();
  pipe.set_nonblocking(pipe.write_end());
  const std::string text = numbered_lines(20000);
  Reader reader(pipe.read_end(), std::chrono::milliseconds(50));
  {
    mtask::FdOutput out(pipe.write_end());
    out.write(text);
    CHECK(out.flush());
  }
  pipe.close_write();
  CHECK(reader.join() == text);
}

TEST_CASE("output: writes interrupted by signals go on", "[output]") {
  // A signal without SA_RESTART interrupts a write() that is blocked on a full pipe.
  struct sigaction action {};
  action.sa_handler = [](int) {};
  sigemptyset(&action.sa_mask);
  struct sigaction previous {};
  REQUIRE(::sigaction(SIGALRM, &action, &previous) == 0);

  // The reader thread must not take the signals: block them while it is created.
  sigset_t alarm_only;
  sigemptyset(&alarm_only);
  sigaddset(&alarm_only, SIGALRM);
  REQUIRE(::pthread_sigmask(SIG_BLOCK, &alarm_only, nullptr) == 0);
  Pipe pipe;
  pipe.shrink();
  Reader reader(pipe.read_end(), std::chrono::milliseconds(100));
  REQUIRE(::pthread_sigmask(SIG_UNBLOCK, &alarm_only, nullptr) == 0);

  itimerval every_ms{.it_interval = {.tv_sec = 0, .tv_usec = 1000},
                     .it_value = {.tv_sec = 0, .tv_usec = 1000}};
  REQUIRE(::setitimer(ITIMER_REAL, &every_ms, nullptr) == 0);
  const std::string text = numbered_lines(40000);
  bool flushed = false;
  {
    mtask::FdOutput out(pipe.write_end());
    out.write(text);
    flushed = out.flush();
  }
  const itimerval off{};
  ::setitimer(ITIMER_REAL, &off, nullptr);
  ::sigaction(SIGALRM, &previous, nullptr);

  pipe.close_write();
  CHECK(flushed);
  CHECK(reader.join() == text);
}

TEST_CASE("output: a closed reader breaks the output quietly", "[output]") {
  IgnoreSigpipe ignore;
  Pipe pipe;
  pipe.close_read();
  mtask::FdOutput out(pipe.write_end());
  out.write("nobody reads this\n");
  CHECK_FALSE(out.broken());  // still only buffered
  CHECK_FALSE(out.flush());
  CHECK(out.broken());
  out.write("dropped\n");
  CHECK_FALSE(out.flush());
  CHECK(out.broken());
}

TEST_CASE("output: a reader that leaves mid-write breaks the output", "[output]") {
  IgnoreSigpipe ignore;
  Pipe pipe;
  pipe.shrink();
  mtask::FdOutput out(pipe.write_end());
  std::thread closer([&pipe] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    pipe.close_read();
  });
  out.write(numbered_lines(20000));  // far more than the pipe holds: blocks until the close
  const bool ok = out.flush();
  closer.join();
  CHECK_FALSE(ok);
  CHECK(out.broken());
}

TEST_CASE("output: a bad descriptor breaks the output too", "[output]") {
  mtask::FdOutput out(-1);
  out.write("x");
  CHECK_FALSE(out.flush());
  CHECK(out.broken());
}

TEST_CASE("output: a string output collects what is written", "[output]") {
  mtask::StringOutput out;
  out.write("a");
  out.write("b");
  CHECK(out.flush());
  CHECK(out.str() == "ab");
  out.clear();
  CHECK(out.str().empty());
}
