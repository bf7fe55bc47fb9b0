// mtask::Process: a function of the program run in a forked child, started and joined
// (docs/library.md, "One process: mtask::Process").
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <future>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include <catch2/catch.hpp>

#include "mtask/process.hpp"

namespace {

int g_value = 1;  // each process has its own copy

/// Everything readable on `fd` until its write ends are all closed.
std::string read_all(int fd) {
  std::string text;
  char buffer[512];
  ssize_t n = 0;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
  return text;
}

bool gone(pid_t pid) { return kill(pid, 0) < 0 && errno == ESRCH; }

}  // namespace

TEST_CASE("process: the target's return is the exit code", "[process]") {
  mtask::Process p([] { return 7; });
  CHECK(p.pid() == 0);
  CHECK_FALSE(p.exitcode());
  p.start();
  CHECK(p.pid() > 0);
  CHECK(p.pid() != getpid());
  CHECK(p.join() == 7);
  REQUIRE(p.exitcode());
  CHECK(*p.exitcode() == 7);
}

TEST_CASE("process: arguments are passed like args=(...); a void target exits 0", "[process]") {
  mtask::Process sum([](int a, const std::string& s) { return a + static_cast<int>(s.size()); }, 3,
                     std::string("four"));
  mtask::Process nothing(
      "quiet", [](int) {}, 5);
  CHECK(nothing.name() == "quiet");
  sum.start();
  nothing.start();
  CHECK(sum.join() == 7);
  CHECK(nothing.join() == 0);
}

TEST_CASE("process: a global changed in the child is unchanged in the parent", "[process]") {
  g_value = 1;
  mtask::Process p([] {
    g_value = 42;
    return g_value;
  });
  p.start();
  CHECK(p.join() == 42);  // the child saw its change
  CHECK(g_value == 1);    // the parent's copy did not
}

TEST_CASE("process: a throwing target exits 1 and says why on stderr", "[process]") {
  int fds[2];
  REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
  const int write_end = fds[1];
  mtask::Process p("thrower", [write_end]() -> int {
    dup2(write_end, STDERR_FILENO);
    throw std::runtime_error("boom");
  });
  p.start();
  close(fds[1]);
  const std::string err = read_all(fds[0]);
  close(fds[0]);
  CHECK(p.join() == 1);
  CHECK(err.find("mtask::Process thrower (pid " + std::to_string(p.pid()) +
                 "): uncaught exception: boom\n") != std::string::npos);
}

TEST_CASE("process: a signal's end is -N, as Python's exitcode", "[process]") {
  mtask::Process p([] {
    pause();
    return 0;
  });
  p.start();
  CHECK(p.is_alive());
  // SIGKILL: the child has the parent's handlers, and the test framework catches SIGTERM.
  REQUIRE(kill(p.pid(), SIGKILL) == 0);
  CHECK(p.join() == -SIGKILL);
  CHECK_FALSE(p.is_alive());
}

TEST_CASE("process: join again gives the same code; join before start and start twice throw",
          "[process]") {
  mtask::Process p([] { return 3; });
  CHECK_THROWS_AS(p.join(), std::logic_error);
  p.start();
  CHECK_THROWS_AS(p.start(), std::logic_error);
  CHECK(p.join() == 3);
  CHECK(p.join() == 3);
  CHECK_THROWS_AS(p.start(), std::logic_error);
}

TEST_CASE("process: the destructor of an unjoined process kills and reaps it", "[process]") {
  pid_t pid = 0;
  {
    mtask::Process p([] {
      pause();
      return 0;
    });
    p.start();
    pid = p.pid();
    REQUIRE(kill(pid, 0) == 0);
  }
  CHECK(gone(pid));  // neither running nor a zombie
  int status = 0;
  CHECK(waitpid(pid, &status, WNOHANG) < 0);
  CHECK(errno == ECHILD);
}

TEST_CASE("process: moved, the child goes with it; assigned over, the old one is reaped",
          "[process]") {
  mtask::Process a([] {
    pause();
    return 0;
  });
  a.start();
  const pid_t first = a.pid();
  mtask::Process b = std::move(a);
  CHECK(a.pid() == 0);  // NOLINT(bugprone-use-after-move): a moved-from Process is documented
  CHECK(b.pid() == first);
  b = mtask::Process([] { return 0; });
  CHECK(gone(first));
  b.start();
  CHECK(b.join() == 0);
}

TEST_CASE("process: what stdout buffered before start is written once", "[process]") {
  std::fflush(stdout);
  const int saved = dup(STDOUT_FILENO);
  int fds[2];
  REQUIRE(saved >= 0);
  REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
  REQUIRE(dup2(fds[1], STDOUT_FILENO) == STDOUT_FILENO);
  close(fds[1]);
  std::printf("before ");  // buffered: no newline, and stdout is not a terminal
  mtask::Process p([] {
    std::printf("child ");
    return 0;
  });
  p.start();
  const int code = p.join();
  std::fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  CHECK(code == 0);
  CHECK(read_all(fds[0]) == "before child ");
  close(fds[0]);
}

TEST_CASE("process: start refuses to fork from a process with several threads", "[process]") {
  std::promise<void> release;
  std::thread other([done = release.get_future()]() mutable { done.wait(); });
  mtask::Process p([] { return 0; });
  CHECK_THROWS_AS(p.start(), std::logic_error);
  release.set_value();
  other.join();
  CHECK(p.pid() == 0);
}

TEST_CASE("process: a failed fork is reported with the call and its errno", "[process]") {
  // In a helper process, so that its limits stay there: out of processes (RLIMIT_NPROC = 0;
  // it does not bind root, so the helper becomes nobody first).
  const pid_t helper = fork();
  REQUIRE(helper >= 0);
  if (helper == 0) {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(10);
    const rlimit none{0, 0};
    if (setrlimit(RLIMIT_NPROC, &none) != 0) _exit(11);
    mtask::Process p([] { return 0; });
    try {
      p.start();
    } catch (const std::system_error& e) {
      const bool named = std::string(e.what()).rfind("fork: ", 0) == 0;
      _exit(e.code().value() == EAGAIN && named ? 0 : 12);
    }
    _exit(p.join() == 0 ? 13 : 14);  // forked after all (a capability lifts the limit)
  }
  int status = 0;
  REQUIRE(waitpid(helper, &status, 0) == helper);
  REQUIRE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 10 || WEXITSTATUS(status) == 13) {
    WARN("cannot check: the limit on processes cannot be imposed here");
    return;
  }
  CHECK(WEXITSTATUS(status) == 0);
}
