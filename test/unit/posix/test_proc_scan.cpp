// Reading other processes' environments and /proc with fixed buffers (the guardian's search).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "posix/proc_scan.hpp"

namespace {

/// A child that sleeps with exactly `environment`; killed and reaped at scope exit.
class Sleeper {
 public:
  explicit Sleeper(std::vector<std::string> environment) : strings_(std::move(environment)) {
    for (std::string& entry : strings_) envp_.push_back(entry.data());
    envp_.push_back(nullptr);
    char arg0[] = "sleep";
    char arg1[] = "30";
    char* argv[] = {arg0, arg1, nullptr};
    pid_ = fork();
    if (pid_ == 0) {
      execve("/bin/sleep", argv, envp_.data());
      _exit(127);
    }
    // Until exec, the child shows the parent's environment, and exec sets the new one after
    // the new name (an empty environ, seen once under ASan): wait for exactly `environment`.
    std::string expected;
    for (const std::string& entry : strings_) expected += entry + '\0';
    for (int i = 0; i < 500 && read("environ") != expected; ++i) usleep(2000);
  }
  ~Sleeper() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  /// The file `name` of the child's /proc directory, whole ("" if it cannot be read).
  std::string read(const char* name) const {
    char buffer[4096];
    FILE* file = fopen(("/proc/" + std::to_string(pid_) + "/" + name).c_str(), "r");
    if (file == nullptr) return "";
    std::string text;
    for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, file)) > 0;) text.append(buffer, n);
    fclose(file);
    return text;
  }

  std::vector<std::string> strings_;
  std::vector<char*> envp_;
  pid_t pid_ = -1;
};

std::string find(pid_t pid, std::string_view prefix, std::size_t buffer_size) {
  std::vector<char> buffer(buffer_size);
  char value[32];
  const std::ptrdiff_t n = mtask::posix::find_in_environ(pid, prefix, buffer, value);
  return n < 0 ? "<none>" : std::string(value, static_cast<std::size_t>(n));
}

}  // namespace

TEST_CASE("an entry is found in another process's environment, across reads", "[posix][proc]") {
  const std::string long_entry = "LONG=" + std::string(100, 'x');
  const Sleeper sleeper({"A=1", long_entry, "MTASK_RUN=r-1:17", "B=MTASK_RUN=no", "LAST=end"});
  // Small buffers make entries span reads; one too small for an entry skips it whole.
  for (const std::size_t size : {std::size_t{24}, std::size_t{64}, std::size_t{4096}}) {
    INFO("buffer " << size);
    CHECK(find(sleeper.pid(), "MTASK_RUN=r-1:", size) == "17");
    CHECK(find(sleeper.pid(), "LAST=", size) == "end");
    CHECK(find(sleeper.pid(), "MTASK_RUN=r-2:", size) == "<none>");
  }
  // Only at the start of an entry: B's value does not count.
  CHECK(find(sleeper.pid(), "MTASK_RUN=no", 4096) == "<none>");
  // A value longer than the room for it is cut short.
  CHECK(find(sleeper.pid(), "LONG=", 4096) == std::string(32, 'x'));
}

TEST_CASE("a process that is gone has no environment", "[posix][proc]") {
  const pid_t pid = fork();
  if (pid == 0) _exit(0);
  waitpid(pid, nullptr, 0);
  CHECK(find(pid, "A=", 4096) == "<none>");
}

TEST_CASE("every process in /proc is visited, this one included", "[posix][proc]") {
  struct Seen {
    bool self = false;
    int count = 0;
  } seen;
  char buffer[512];
  REQUIRE(mtask::posix::for_each_process(
      buffer,
      [](pid_t pid, void* context) {
        auto* s = static_cast<Seen*>(context);
        ++s->count;
        if (pid == getpid()) s->self = true;
      },
      &seen));
  CHECK(seen.self);
  CHECK(seen.count > 1);
}

TEST_CASE("proc scan: /proc/PID/stat of a running and of a stopped child", "[posix][proc]") {
  mtask::posix::ProcStat self;
  REQUIRE(mtask::posix::read_stat(getpid(), self));
  CHECK(self.state == 'R');
  CHECK(self.ppid == getppid());

  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    raise(SIGSTOP);
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, WUNTRACED) == child);
  mtask::posix::ProcStat stopped;
  REQUIRE(mtask::posix::read_stat(child, stopped));
  CHECK(stopped.state == 'T');
  CHECK(stopped.ppid == getpid());
  // PF_FORKNOEXEC: forked, never exec'd; shows that FLAGS is read from its own field.
  CHECK((stopped.flags & 0x40) != 0);
  CHECK((self.flags & 0x40) == 0);
  kill(child, SIGKILL);
  REQUIRE(waitpid(child, &status, 0) == child);
  mtask::posix::ProcStat gone;
  CHECK_FALSE(mtask::posix::read_stat(child, gone));
}
