// The one decoder of wait statuses, on statuses of real processes.
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <catch2/catch.hpp>

#include "run/wait_status.hpp"

namespace {

/// The wait status of a child that runs `body` and is then reaped.
template <typename Body>
int status_of(Body body) {
  const pid_t pid = fork();
  if (pid == 0) body();
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

}  // namespace

TEST_CASE("wait status: an exit gives its code, a signal its number", "[wait_status]") {
  const mtask::detail::Ending exited =
      mtask::detail::decode_wait_status(status_of([] { _exit(7); }));
  CHECK(exited.outcome == mtask::Outcome::kExited);
  CHECK(exited.code == 7);
  CHECK(exited.signal == 0);

  const mtask::detail::Ending killed = mtask::detail::decode_wait_status(status_of([] {
    signal(SIGTERM, SIG_DFL);
    raise(SIGTERM);
    _exit(0);
  }));
  CHECK(killed.outcome == mtask::Outcome::kSignaled);
  CHECK(killed.signal == SIGTERM);
  CHECK(killed.code == 0);
}
