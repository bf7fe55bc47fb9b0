#include "run/guardian.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "posix/fd.hpp"
#include "posix/proc_scan.hpp"
#include "posix/signals.hpp"
#include "run/child.hpp"
#include "run/log.hpp"

namespace mtask::detail {
namespace {

/// Rounds of the search for the run's processes after mtask is gone: each kills all it finds,
/// and one that forked meanwhile is found in the next.
constexpr int kSearchRounds = 200;

/// What one round of the search needs, on the guardian's stack.
struct Search {
  const std::string* prefix;  // MTASK_RUN=<run id>:
  pid_t self;
  int killed;
  char environ_buffer[16384];
  char value[8];
};

void kill_if_marked(pid_t pid, void* context) noexcept {
  auto* search = static_cast<Search*>(context);
  if (pid == search->self) return;
  if (posix::find_in_environ(pid, *search->prefix, search->environ_buffer, search->value) < 0) {
    return;
  }
  if (kill(pid, SIGKILL) == 0) ++search->killed;
}

/// Kills every process of the run, found by its environment, until a search finds none (a
/// killed process shows until it is reaped, with its environment gone).
void kill_marked(const std::string& prefix) noexcept {
  Search search{&prefix, getpid(), 0, {}, {}};
  char directory[8192];
  for (int round = 0; round < kSearchRounds; ++round) {
    search.killed = 0;
    if (!posix::for_each_process(directory, kill_if_marked, &search) || search.killed == 0) {
      return;
    }
    const timespec pause{0, 5'000'000};
    nanosleep(&pause, nullptr);
  }
}

// `groups` has room for every group the run can register, reserved by the parent before
// fork: push_back never allocates here.
[[noreturn]] void guardian_main(int read_fd, const sigset_t& child_mask, std::vector<pid_t>& groups,
                                const std::string& prefix) noexcept {
  reset_signals_in_child(child_mask);
  setsid();
  // A name of its own, so that `killall mtask` or `pkill -x mtask` does not kill it first.
  prctl(PR_SET_NAME, "mtask-guardian", 0, 0, 0);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) signal(sig, SIG_IGN);
  // Hold nothing of mtask's but the read end: other descriptors would keep pipes open. It moves
  // to 3 first, because it may sit on 0, 1 or 2 (mtask started with those closed).
  if (read_fd != 3) dup2(read_fd, 3);
  const int null = open("/dev/null", O_RDWR);
  for (int fd = 0; fd < 3; ++fd) {
    if (null != fd) dup2(null, fd);
  }
  posix::close_from(4);

  std::int32_t record[64];
  for (;;) {
    const ssize_t n = read(3, record, sizeof record);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (std::size_t i = 0; i < static_cast<std::size_t>(n) / sizeof record[0]; ++i) {
      const pid_t pgid = record[i];
      if (pgid > 0) {
        if (groups.size() < groups.capacity()) groups.push_back(pgid);
      } else {
        std::erase(groups, -pgid);
      }
    }
  }
  for (pid_t pgid : groups) kill(-pgid, SIGKILL);
  kill_marked(prefix);
  _exit(0);
}

}  // namespace

std::error_code Guardian::start(const sigset_t& child_mask, std::size_t max_groups,
                                const std::string& run_id) {
  posix::Pipe pipe;
  if (const std::error_code error = posix::make_pipe(pipe)) return error;
  std::vector<pid_t> groups;
  std::string prefix;
  try {
    groups.reserve(max_groups);
    prefix = "MTASK_RUN=" + run_id + ":";
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  }
  std::error_code error;
  const pid_t pid = fork_with_signals_blocked(error);
  if (pid == 0) guardian_main(pipe.read.get(), child_mask, groups, prefix);
  if (pid < 0) return error;
  pid_ = pid;
  fd_ = std::move(pipe.write);
  return {};
}

void Guardian::register_group(int fd, pid_t pgid) noexcept {
  if (fd < 0) return;
  const std::int32_t record = static_cast<std::int32_t>(pgid);
  posix::write_all(fd, &record, sizeof record);
}

void Guardian::forget(pid_t pgid) {
  if (!fd_) return;
  const std::int32_t record = static_cast<std::int32_t>(-pgid);
  // SIGPIPE is ignored during a run, so a guardian that is gone shows as EPIPE here. Every
  // task is forgotten when it ends, so this is seen before the run is over.
  if (!posix::write_all(fd_.get(), &record, sizeof record) && errno == EPIPE && !lost_) {
    lost_ = true;
    log().warn(
        "the guardian process (pid {}) is gone: if mtask is killed with SIGKILL, processes "
        "that commands started may outlive it",
        pid_);
  }
}

void Guardian::stop() {
  fd_.reset();
  if (pid_ > 0) {
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
}

}  // namespace mtask::detail
