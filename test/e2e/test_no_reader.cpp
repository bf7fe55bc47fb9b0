// Stopping works even when nobody reads mtask's output (docs/reliability.md): mtask's stdout
// is a pipe the test holds open and never reads, so every write of mtask's would block.
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace std::chrono_literals;

namespace {

/// How one run with an unread stdout ended.
struct Ended {
  std::string out;    ///< what was read, when the test reads at all
  int status = -1;    ///< exit status, or 128 + signal
  bool hung = false;  ///< still running at the limit: killed by the test
  std::chrono::duration<double> wall{};
};

/// Runs mtask with `args`, its stdout a pipe nobody reads (held open until mtask ends), its
/// stderr /dev/null; sends `sig` (if any) `after` the start; waits at most `limit`. With
/// `read_from`, the test starts reading that long after the start, and keeps what it reads.
Ended run_unread(const std::vector<std::string>& args, const std::string& marker,
                 std::optional<int> sig, std::chrono::milliseconds after,
                 std::chrono::milliseconds limit,
                 std::optional<std::chrono::milliseconds> read_from = std::nullopt) {
  int out[2];
  REQUIRE(pipe2(out, O_CLOEXEC) == 0);
  std::vector<std::string> words{e2e::binary()};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int null = open("/dev/null", O_RDWR);
    if (null < 0 || dup2(null, 0) < 0 || dup2(out[1], 1) < 0 || dup2(null, 2) < 0) _exit(127);
    putenv(const_cast<char*>(marker.c_str()));
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  Ended ended;
  if (read_from) fcntl(out[0], F_SETFL, O_NONBLOCK);
  bool signalled = !sig.has_value();
  int status = 0;
  while (true) {
    const auto now = std::chrono::steady_clock::now();
    if (read_from && now - start >= *read_from) {
      char buffer[65536];
      ssize_t n = 0;
      while ((n = read(out[0], buffer, sizeof buffer)) > 0)
        ended.out.append(buffer, static_cast<std::size_t>(n));
    }
    if (waitpid(pid, &status, WNOHANG) == pid) break;
    if (!signalled && now - start >= after) {
      kill(pid, *sig);
      signalled = true;
    }
    if (now - start >= limit) {
      ended.hung = true;
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  ended.wall = std::chrono::steady_clock::now() - start;
  ended.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (read_from) {
    fcntl(out[0], F_SETFL, 0);
    char buffer[65536];
    ssize_t n = 0;
    while ((n = read(out[0], buffer, sizeof buffer)) > 0)
      ended.out.append(buffer, static_cast<std::size_t>(n));
  }
  close(out[0]);
  return ended;
}

}  // namespace

TEST_CASE("a stop signal works while nobody reads stdout", "[no-reader]") {
  const std::string marker = e2e::unique_marker();
  for (const char* format : {"text", "json"}) {
    INFO(format);
    // Old code: blocked in write() with SIGTERM pending until the reader went away.
    const Ended ended = run_unread({"run", "-o", format, "--kill-after", "1s", "spam=yes"}, marker,
                                   SIGTERM, 500ms, 15s);
    CHECK_FALSE(ended.hung);
    CHECK(ended.status == 143);
    CHECK(ended.wall < 8s);  // the stop ends within --kill-after, plus margins for a busy box
    CHECK(e2e::left_after(marker, 3s).empty());
  }
}

TEST_CASE("a timeout takes effect while nobody reads stdout", "[no-reader]") {
  const std::string marker = e2e::unique_marker();
  const Ended ended = run_unread({"run", "--timeout", "1s", "--kill-after", "1s", "spam=yes"},
                                 marker, std::nullopt, 0ms, 15s);
  CHECK_FALSE(ended.hung);
  CHECK(ended.status == 1);  // the task timed out
  CHECK(ended.wall < 9s);
  CHECK(e2e::left_after(marker, 3s).empty());
}

TEST_CASE("a reader that is only slow loses nothing", "[no-reader]") {
  // What a slow reader leaves is queued, and written out in order once it reads again.
  const std::string marker = e2e::unique_marker();
  const Ended ended = run_unread({"run", "-o", "json", "a=seq 1 100000", "b=seq 100001 200000"},
                                 marker, std::nullopt, 0ms, 30s, 1500ms);
  REQUIRE_FALSE(ended.hung);
  CHECK(ended.status == 0);
  const std::vector<std::string> lines = e2e::split_lines(ended.out);
  CHECK(lines.size() == 200000 + 5);
  long last_a = 0;
  long last_b = 100000;
  bool in_order = true;
  for (const std::string& line : lines) {
    const auto at = line.find("\"text\":\"");
    if (at == std::string::npos) continue;
    const long n = std::stol(line.substr(at + 8));
    long& last = n <= 100000 ? last_a : last_b;
    in_order = in_order && n == last + 1;
    last = n;
  }
  CHECK(in_order);
  CHECK(last_a == 100000);
  CHECK(last_b == 200000);
}
