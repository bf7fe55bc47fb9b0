#include "pty_job.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <stdexcept>

#include "harness.hpp"

extern char** environ;

namespace e2e {
namespace {

using Clock = std::chrono::steady_clock;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("pty job: ") + what);
}

/// The shell's part, in the forked session leader: only async-signal-safe calls from here.
[[noreturn]] void be_shell(const char* tty, int out, int err, int report, char** argv, char** envp,
                           const std::vector<int>& ignored) {
  if (setsid() < 0) _exit(120);
  const int terminal = open(tty, O_RDWR);  // the session's controlling terminal from now on
  if (terminal < 0) _exit(121);
  int go[2];
  if (pipe(go) != 0) _exit(122);
  const pid_t job = fork();
  if (job < 0) _exit(123);
  if (job == 0) {
    char byte = 0;
    close(go[1]);
    // Wait until the shell has made this group the terminal's foreground, as a shell does.
    while (read(go[0], &byte, 1) < 0 && errno == EINTR) {
    }
    close(go[0]);
    dup2(terminal, 0);
    dup2(out, 1);
    dup2(err, 2);
    if (terminal > 2) close(terminal);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    for (int sig : ignored) sigaction(sig, &ignore, nullptr);
    execve(argv[0], argv, envp);
    _exit(127);
  }
  setpgid(job, job);
  if (tcsetpgrp(terminal, job) != 0) _exit(124);
  if (write(report, &job, sizeof job) != static_cast<ssize_t>(sizeof job)) _exit(125);
  close(go[0]);
  close(go[1]);
  int status = 0;
  while (waitpid(job, &status, 0) < 0) {
    if (errno != EINTR) _exit(126);
  }
  _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

}  // namespace

PtyJob::PtyJob(const std::vector<std::string>& args, const std::vector<std::string>& env,
               const std::vector<int>& ignored) {
  master_ = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  check(master_ >= 0 && grantpt(master_) == 0 && unlockpt(master_) == 0, "posix_openpt");
  const std::string tty = ptsname(master_);
  // Everything the children use is made before fork.
  std::vector<std::string> strings{binary()};
  strings.insert(strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings(env);
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  int out_pipe[2], err_pipe[2], report[2];
  check(pipe2(out_pipe, O_CLOEXEC) == 0 && pipe2(err_pipe, O_CLOEXEC) == 0 &&
            pipe2(report, O_CLOEXEC) == 0,
        "pipe2");
  shell_ = fork();
  check(shell_ >= 0, "fork");
  if (shell_ == 0) {
    be_shell(tty.c_str(), out_pipe[1], err_pipe[1], report[1], argv.data(), envp.data(), ignored);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  close(report[1]);
  out_ = out_pipe[0];
  err_ = err_pipe[0];
  const ssize_t got = read(report[0], &mtask_, sizeof mtask_);
  close(report[0]);
  check(got == static_cast<ssize_t>(sizeof mtask_), "the shell did not start mtask");
}

PtyJob::~PtyJob() {
  if (status < 0 && mtask_ > 0) {
    kill(-mtask_, SIGKILL);
    kill(-mtask_, SIGCONT);
  }
  if (shell_ > 0) {
    if (status < 0) kill(shell_, SIGKILL);
    waitpid(shell_, nullptr, 0);
  }
  for (int fd : {master_, out_, err_}) {
    if (fd >= 0) close(fd);
  }
}

void PtyJob::type(char c) { check(write(master_, &c, 1) == 1, "write to the terminal"); }

void PtyJob::pump(std::chrono::milliseconds how_long) {
  const auto until = Clock::now() + how_long;
  char buffer[65536];
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    if (left <= 0) return;
    // The terminal is read too (its echo), so that it never fills.
    pollfd fds[] = {
        {out_, POLLIN, 0}, {err_, POLLIN, 0}, {terminal_open_ ? master_ : -1, POLLIN, 0}};
    if (poll(fds, 3, static_cast<int>(left)) <= 0) continue;
    for (int i = 0; i < 3; ++i) {
      if (fds[i].revents == 0) continue;
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0 && i < 2) (i == 0 ? out : err).append(buffer, static_cast<std::size_t>(n));
      if (n > 0 || (n < 0 && errno == EINTR)) continue;
      if (i == 2) {
        terminal_open_ = false;  // every end of the terminal is closed (EIO)
      } else {
        close(fds[i].fd);
        (i == 0 ? out_ : err_) = -1;
      }
    }
  }
}

bool PtyJob::wait(std::chrono::milliseconds limit) {
  const auto until = Clock::now() + limit;
  while (Clock::now() < until) {
    pump(std::chrono::milliseconds(50));
    int raw = 0;
    if (out_ >= 0 || err_ >= 0) continue;
    if (waitpid(shell_, &raw, WNOHANG) == shell_) {
      shell_ = -1;
      status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
      return true;
    }
  }
  return false;
}

char state_of(pid_t pid) {
  const std::string stat = read_proc("/proc/" + std::to_string(pid) + "/stat");
  const std::size_t paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() ? 0 : stat[paren + 2];
}

}  // namespace e2e
