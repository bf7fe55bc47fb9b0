// Stopping works even when nobody reads mtask's output (docs/reliability.md): mtask's stdout
// is a pipe the test holds open and never reads, so every write of mtask's would block.
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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
  long peak_rss_kb = 0;  ///< mtask's VmHWM, as last seen while it ran
};

/// VmHWM (peak resident memory, KiB) of `pid`; 0 once it cannot be read.
long peak_rss_kb(pid_t pid) {
  const std::string status = e2e::read_proc("/proc/" + std::to_string(pid) + "/status");
  const auto at = status.find("VmHWM:");
  return at == std::string::npos ? 0 : std::stol(status.substr(at + 6));
}

/// Runs mtask with `args`, its stdout a pipe nobody reads (held open until mtask ends), its
/// stderr /dev/null; sends `sig` (if any) `after` the start; waits at most `limit`. With
/// `read_from`, the test starts reading that long after the start, and keeps what it reads.
/// With `stderr_too`, stderr is the same pipe as stdout (`2>&1`).
Ended run_unread(const std::vector<std::string>& args, const std::string& marker,
                 std::optional<int> sig, std::chrono::milliseconds after,
                 std::chrono::milliseconds limit,
                 std::optional<std::chrono::milliseconds> read_from = std::nullopt,
                 bool stderr_too = false) {
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
    if (null < 0 || dup2(null, 0) < 0 || dup2(out[1], 1) < 0 ||
        dup2(stderr_too ? out[1] : null, 2) < 0) {
      _exit(127);
    }
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
    ended.peak_rss_kb = std::max(ended.peak_rss_kb, peak_rss_kb(pid));
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

TEST_CASE("stdout and stderr on one slow pipe: no line is torn", "[no-reader]") {
  // Old code: stdout and stderr each queued apart, and a partial write of one ended mid-line
  // before the other wrote (`b   20552 | a   20551 | 67383`).
  const std::string marker = e2e::unique_marker();
  const Ended ended =
      run_unread({"run", "a=seq 1 300000", "b=for i in $(seq 3000); do echo ERRLINE$i >&2; done"},
                 marker, std::nullopt, 0ms, 60s, 2000ms, true);
  REQUIRE_FALSE(ended.hung);
  CHECK(ended.status == 0);
  long last_a = 0;
  long last_b = 0;
  std::size_t torn = 0;
  for (const std::string& line : e2e::split_lines(ended.out)) {
    const auto bar = line.find(" | ");
    if (bar == std::string::npos || (line[0] != 'a' && line[0] != 'b')) {
      // mtask's own lines (the summary): never a task's text
      if (line.find("ERRLINE") != std::string::npos || line.find(" | ") != std::string::npos) {
        ++torn;
      }
      continue;
    }
    const std::string text = line.substr(bar + 3);
    if (text.find(" | ") != std::string::npos) {
      ++torn;
      continue;
    }
    if (line[0] == 'a') {
      const bool whole = !text.empty() &&
                         text.find_first_not_of("0123456789") == std::string::npos &&
                         std::stol(text) == last_a + 1;
      if (whole)
        last_a = std::stol(text);
      else
        ++torn;
    } else {
      if (text == "ERRLINE" + std::to_string(last_b + 1))
        ++last_b;
      else
        ++torn;
    }
  }
  CHECK(torn == 0);
  CHECK(last_a == 300000);
  CHECK(last_b == 3000);
}

TEST_CASE("grouped output through a slow reader keeps memory bounded", "[no-reader]") {
  // Old code: the whole task's output (48 MB here) waited in memory for the reader.
  const std::string marker = e2e::unique_marker();
  const Ended ended = run_unread(
      {"run", "--group", "a=yes aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | head -n 1000000"},
      marker, std::nullopt, 0ms, 60s, 3000ms);
  REQUIRE_FALSE(ended.hung);
  CHECK(ended.status == 0);
  std::size_t whole = 0;
  for (const std::string& line : e2e::split_lines(ended.out)) {
    if (line.size() > 47 && line.compare(line.size() - 47, 47, std::string(47, 'a')) == 0) ++whole;
  }
  CHECK(whole == 1000000);
  CHECK(ended.peak_rss_kb > 0);
#if defined(__SANITIZE_ADDRESS__)
  WARN(
      "built with AddressSanitizer, whose shadow memory and quarantine of freed blocks make "
      "the bound meaningless: peak "
      << ended.peak_rss_kb << " KiB");
#else
  CHECK(ended.peak_rss_kb < 32 * 1024);
#endif
}
