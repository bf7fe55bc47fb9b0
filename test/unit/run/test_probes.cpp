// The readiness probes on their own, with real sockets and processes: a loop with the Probes
// source, Children forking the probe commands, no runner.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include <catch2/catch.hpp>

#include "../report/temp_dir.hpp"
#include "mtask/error.hpp"
#include "mtask/run/runner.hpp"
#include "posix/signals.hpp"
#include "posix/unique_fd.hpp"
#include "run/children.hpp"
#include "run/loop.hpp"
#include "run/probes.hpp"

using namespace std::chrono_literals;
using mtask::Task;
using mtask::detail::Clock;
using mtask::detail::kNever;
using mtask::detail::ProbeVerdict;
using mtask::detail::TimePoint;

namespace {

/// A socket bound to a free port of 127.0.0.1: connections are refused until listen().
class Port {
 public:
  Port() : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    REQUIRE(fd_.valid());
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd_.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
    socklen_t size = sizeof address;
    REQUIRE(getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&address), &size) == 0);
    port_ = ntohs(address.sin_port);
  }
  void listen() { REQUIRE(::listen(fd_.get(), 8) == 0); }
  std::string text() const { return std::to_string(port_); }

 private:
  mtask::posix::UniqueFd fd_;
  unsigned port_ = 0;
};

/// The pids of the processes whose command line holds `marker`.
std::vector<pid_t> processes_with(const std::string& marker) {
  std::vector<pid_t> pids;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream file(entry.path() / "cmdline", std::ios::binary);
    const std::string cmdline((std::istreambuf_iterator<char>(file)),
                              std::istreambuf_iterator<char>());
    if (cmdline.find(marker) != std::string::npos) pids.push_back(std::stoi(name));
  }
  return pids;
}

/// Whether every process with `marker` is gone within `limit` (a killed process that left the
/// probe's shell is reaped by the adopter, a moment later).
bool all_gone(const std::string& marker, std::chrono::milliseconds limit = 2000ms) {
  const TimePoint end = Clock::now() + limit;
  while (!processes_with(marker).empty()) {
    if (Clock::now() > end) return false;
    usleep(10'000);
  }
  return true;
}

/// The parent pid of `pid`, from /proc; 0 when it is gone.
pid_t parent_of(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const std::size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return 0;
  return static_cast<pid_t>(std::atoi(stat.c_str() + paren + 4));
}

std::vector<mtask::Probe> parsed_probes(const std::vector<Task>& tasks) {
  std::vector<mtask::Probe> probes;
  for (const Task& task : tasks) probes.push_back(mtask::probe_of(task));
  return probes;
}

Task task_with(const std::string& name, const std::string& ready, std::size_t index = 0) {
  return Task{.name = name, .count = 1, .command = "sleep 10", .index = index, .ready = ready};
}

/// A run in small: Children, the Probes source in a loop, and the verdicts heard.
struct Bench {
  explicit Bench(std::vector<Task> t) : tasks(std::move(t)) {
    options.adopt_orphans = true;
    loop.add(probes);
    loop.add(ticker);
  }

  /// Runs the loop until `done` or `limit` has passed; as the run does, reap() after SIGCHLD.
  void run_until(const std::function<bool()>& done, Clock::duration limit) {
    const TimePoint end = Clock::now() + limit;
    while (!done() && Clock::now() < end) {
      loop.wait(signals.wait_mask());
      loop.dispatch_ready();
      if (signals.take_child_exited()) {
        probes.reap();
        children.reap_exited();  // what left a probe's group is adopted, and reaped here
      }
      loop.dispatch_deadlines(Clock::now());
    }
  }
  void run_for(Clock::duration limit) {
    run_until([] { return false; }, limit);
  }
  bool told() const { return !verdicts.empty(); }

  std::vector<Task> tasks;
  mtask::RunOptions options;
  mtask::detail::SignalGuard signals;
  mtask::detail::Children children{signals, options, true};
  std::vector<ProbeVerdict> verdicts;
  std::vector<mtask::Probe> parsed = parsed_probes(tasks);
  mtask::detail::Probes probes{tasks, parsed, children,
                               [this](const ProbeVerdict& v) { verdicts.push_back(v); }};
  mtask::detail::Ticker ticker{50ms};
  mtask::detail::Loop loop;
};

}  // namespace

TEST_CASE("probes: tcp: is ready once the port accepts, after refused tries", "[probes]") {
  Port port;
  Bench bench({task_with("web", "tcp:" + port.text())});
  bench.probes.begin(0, Clock::now(), Clock::now() + 20s);
  bench.run_for(350ms);
  CHECK_FALSE(bench.told());
  port.listen();
  bench.run_until([&] { return bench.told(); }, 10s);
  REQUIRE(bench.verdicts.size() == 1);
  CHECK(bench.verdicts[0].index == 0);
  CHECK(bench.verdicts[0].ready);
  CHECK(bench.verdicts[0].why.empty());
  // A try every 100 ms while refused: several before the listen.
  CHECK(bench.verdicts[0].tries >= 2);
  CHECK(bench.verdicts[0].tries <= 20);
}

TEST_CASE("probes: a probe among many tasks no probe watches tells its own task", "[probes]") {
  // Each round looks only at the tasks a probe watches: the verdict still names its task.
  Port port;
  std::vector<Task> tasks;
  for (std::size_t i = 0; i < 50; ++i) tasks.push_back(task_with("t" + std::to_string(i), "", i));
  tasks.push_back(task_with("web", "tcp:" + port.text(), 50));
  Bench bench(std::move(tasks));
  port.listen();
  bench.probes.begin(50, Clock::now(), Clock::now() + 20s);
  bench.run_until([&] { return bench.told(); }, 10s);
  REQUIRE(bench.verdicts.size() == 1);
  CHECK(bench.verdicts[0].index == 50);
  CHECK(bench.verdicts[0].ready);
}

TEST_CASE("probes: tcp: gives up at its deadline, with the last try's error", "[probes]") {
  Port port;
  Bench bench({task_with("web", "tcp:" + port.text())});
  const TimePoint begun = Clock::now();
  bench.probes.begin(0, begun, begun + 500ms);
  bench.run_until([&] { return bench.told(); }, 10s);
  REQUIRE(bench.verdicts.size() == 1);
  CHECK_FALSE(bench.verdicts[0].ready);
  CHECK(bench.verdicts[0].at - begun >= 500ms);
  CHECK(bench.verdicts[0].at - begun < 3s);
  CHECK_THAT(bench.verdicts[0].why,
             Catch::StartsWith("not ready after ") &&
                 Catch::EndsWith(" ms (tcp:" + port.text() + "): connection refused"));
  CHECK(bench.verdicts[0].tries >= 2);
  // One verdict per begin(): nothing more comes.
  bench.run_for(300ms);
  CHECK(bench.verdicts.size() == 1);
}

TEST_CASE("probes: the ready timeout in the verdict counts from the task's fork", "[probes]") {
  Port port;
  Bench bench({task_with("web", "tcp:" + port.text())});
  const std::size_t first = 0;
  std::size_t started = 0;
  REQUIRE(bench.children.spawn(bench.tasks, std::span(&first, 1), started) ==
          mtask::detail::Children::Spawn::kStarted);
  REQUIRE(started == 1);
  const TimePoint forked = bench.children.running().back()->forked_at;
  usleep(200'000);  // the hello takes its time: begin() comes later than the fork
  bench.probes.begin(0, forked, forked + 600ms);
  bench.run_until([&] { return bench.told(); }, 10s);
  REQUIRE(bench.verdicts.size() == 1);
  CHECK_THAT(bench.verdicts[0].why, Catch::StartsWith("not ready after 600.0 ms (tcp:"));
}

TEST_CASE("probes: tcp:HOST:PORT resolves before anything runs", "[probes]") {
  SECTION("a host that does not resolve is a usage error naming the task and its probe") {
    Bench bench({task_with("web", "tcp:8000"), task_with("db", "tcp:no-such-host.invalid:80", 1)});
    try {
      bench.probes.resolve_hosts();
      FAIL("no UsageError");
    } catch (const mtask::UsageError& error) {
      CHECK_THAT(error.what(), Catch::Contains("task 'db'") &&
                                   Catch::Contains("tcp:no-such-host.invalid:80") &&
                                   Catch::Contains("does not resolve"));
    }
  }
  SECTION("a host that resolves is connected to") {
    Port port;
    port.listen();
    Bench bench({task_with("web", "tcp:127.0.0.1:" + port.text())});
    bench.probes.resolve_hosts();
    bench.probes.begin(0, Clock::now(), Clock::now() + 10s);
    bench.run_until([&] { return bench.told(); }, 10s);
    REQUIRE(bench.verdicts.size() == 1);
    CHECK(bench.verdicts[0].ready);
    CHECK(bench.verdicts[0].tries == 1);
  }
}

TEST_CASE("probes: line: a line that matches makes the task ready", "[probes]") {
  Bench bench({task_with("web", "line:listening on [0-9]+$")});
  bench.probes.line(0, "listening on 80");  // before begin(): not heard
  bench.probes.begin(0, Clock::now(), Clock::now() + 10s);
  bench.probes.line(0, "starting");
  bench.probes.line(0, "listening on port");
  CHECK_FALSE(bench.told());
  bench.probes.line(0, "now listening on 8000");  // unanchored, as grep -E
  REQUIRE(bench.verdicts.size() == 1);
  CHECK(bench.verdicts[0].ready);
  CHECK(bench.verdicts[0].tries == 3);
  bench.probes.line(0, "listening on 9000");
  CHECK(bench.verdicts.size() == 1);
}

TEST_CASE("probes: line: gives up when no line matches in time", "[probes]") {
  Bench bench({task_with("web", "line:^ready$")});
  bench.probes.begin(0, Clock::now(), Clock::now() + 300ms);
  bench.probes.line(0, "not ready");
  bench.run_until([&] { return bench.told(); }, 10s);
  REQUIRE(bench.verdicts.size() == 1);
  CHECK_FALSE(bench.verdicts[0].ready);
  CHECK_THAT(bench.verdicts[0].why, Catch::EndsWith("(line:^ready$): no match in 1 line"));
}

TEST_CASE("probes: cmd: runs the command in the task's cwd and env until it exits 0", "[probes]") {
  TempDir dir;
  Task task = task_with(
      "web", "cmd:test -e \"$FLAG\" && case \"$MTASK_RUN\" in *:1) ;; *) exit 9;; esac", 1);
  task.cwd = dir.path();
  task.env = {{"FLAG", "flag"}};
  Bench bench({task_with("other", "exit"), task});
  bench.probes.begin(1, Clock::now(), Clock::now() + 20s);
  bench.run_for(700ms);
  CHECK_FALSE(bench.told());
  std::ofstream(dir.path() + "/flag").put('x');
  bench.run_until([&] { return bench.told(); }, 10s);
  REQUIRE(bench.verdicts.size() == 1);
  CHECK(bench.verdicts[0].index == 1);
  CHECK(bench.verdicts[0].ready);
  // One try at a time, 250 ms after the last ended: a few in 0.7 s, not dozens.
  CHECK(bench.verdicts[0].tries >= 2);
  CHECK(bench.verdicts[0].tries <= 6);
}

TEST_CASE("probes: cmd: gives up with its exit status and last stderr line", "[probes]") {
  Bench bench({task_with("web", "cmd:echo first >&2; echo 'no answer' >&2; exit 3")});
  bench.probes.begin(0, Clock::now(), Clock::now() + 600ms);
  bench.run_until([&] { return bench.told(); }, 10s);
  REQUIRE(bench.verdicts.size() == 1);
  CHECK_FALSE(bench.verdicts[0].ready);
  CHECK_THAT(bench.verdicts[0].why,
             Catch::EndsWith("(cmd:echo first >&2; echo 'no answer' >&2; exit 3): exit 3: no "
                             "answer"));
  CHECK(bench.verdicts[0].tries >= 2);
}

TEST_CASE("probes: a probe command never outlives its probe", "[probes]") {
  // The marker names the probe's processes: the shell's child and one in the background.
  const std::string marker = "31.4159" + std::to_string(getpid());
  Bench bench({task_with("web", "cmd:sleep " + marker + " & sleep " + marker)});
  SECTION("its deadline kills it") {
    bench.probes.begin(0, Clock::now(), Clock::now() + 700ms);
    bench.run_for(400ms);
    CHECK(processes_with(marker).size() >= 2);
    bench.run_until([&] { return bench.told(); }, 10s);
    REQUIRE(bench.verdicts.size() == 1);
    CHECK_THAT(bench.verdicts[0].why, Catch::EndsWith("): still running after 700.0 ms") ||
                                          Catch::Contains("): still running after 70"));
    bench.run_for(200ms);
    CHECK(all_gone(marker));
  }
  SECTION("cancel kills it, reaped, with no verdict") {
    bench.probes.begin(0, Clock::now(), kNever);
    bench.run_for(400ms);
    const std::vector<pid_t> running = processes_with(marker);
    CHECK(running.size() >= 2);
    pid_t own = 0;  // the probe command itself: the test process's child
    for (const pid_t pid : running) {
      if (parent_of(pid) == getpid()) own = pid;
    }
    REQUIRE(own > 0);
    bench.probes.cancel(0);
    // Reaped at once, not left a zombie.
    CHECK_FALSE(std::filesystem::exists("/proc/" + std::to_string(own)));
    bench.run_for(300ms);
    CHECK(all_gone(marker));
    CHECK_FALSE(bench.told());
  }
}

TEST_CASE("probes: the destructor kills a probe command that runs", "[probes]") {
  const std::string marker = "27.1828" + std::to_string(getpid());
  {
    Bench bench({task_with("web", "cmd:sleep " + marker)});
    bench.probes.begin(0, Clock::now(), kNever);
    bench.run_for(400ms);
    CHECK_FALSE(processes_with(marker).empty());
  }
  CHECK(all_gone(marker));
}

TEST_CASE("probes: a pause moves the deadline by its length", "[probes]") {
  Port port;
  Bench bench({task_with("web", "tcp:" + port.text())});
  const TimePoint begun = Clock::now();
  bench.probes.begin(0, begun, begun + 300ms);
  bench.probes.pause(begun);
  usleep(500'000);
  bench.probes.resume(Clock::now());
  bench.run_for(150ms);
  CHECK_FALSE(bench.told());
  bench.run_until([&] { return bench.told(); }, 10s);
  REQUIRE(bench.verdicts.size() == 1);
  CHECK_FALSE(bench.verdicts[0].ready);
  CHECK(bench.verdicts[0].at - begun >= 800ms);
}
