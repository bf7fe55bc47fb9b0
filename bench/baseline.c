// The "physical limit" baselines that bench/run measures mtask against. What a minimal
// multitask runner must do, and nothing more: fork (and perhaps exec) N children with at
// most J in flight, give each one pipe for its stdout, multiplex the pipes with poll in one
// parent, and write whole lines, each with a name prefix, through one 64 KiB buffer that is
// flushed once per poll round. No process groups, no hello, no stderr pipe, no guardian.
//
//   baseline line N J          (a) each child writes one line itself and exits
//   baseline exec N J ARGV...  (b)/(c) each child execs ARGV; "{}" in ARGV becomes 1..N
//   baseline setup N J [STEPS] (a) plus the set-up an mtask child does for its
//                              guarantees (a second pipe, signal reset, its own session,
//                              death signal, /dev/null stdin, close_range, 8-byte hello):
//                              it tells the cost of those guarantees from that of mtask's loop
//   BASELINE_BALLAST_KB=K      (environment) K kB of heap written before the first fork: a
//                              parent as large as mtask, to tell what its size costs each fork.
//                              STEPS, a comma-separated list, takes only some of them: pipe2
//                              (the second pipe, both read ends non-blocking), signals (every
//                              signal blocked across fork, all reset in the child), setsid,
//                              pdeath (PR_SET_PDEATHSIG and the getppid check), stdin
//                              (/dev/null on 0, the rlimit look), close (close_range), hello;
//                              fewsignals with signals: only the 9 signals a run handles reset.
//                              Without STEPS: all of them.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { kOutSize = 64 * 1024, kReadSize = 64 * 1024 };

struct Child {
  pid_t pid;
  int fd;
  int index;
  char prefix[32];  // "tI PID | ", made once per child
  size_t prefix_size;
  size_t hello_left;  // bytes of the hello still to skip (setup mode)
  char* held;         // an unfinished line
  size_t held_size;
  size_t held_cap;
};

static char out_buf[kOutSize];
static size_t out_used;
static char read_buf[kReadSize];

static void flush_out(void) {
  size_t done = 0;
  while (done < out_used) {
    ssize_t n = write(STDOUT_FILENO, out_buf + done, out_used - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      exit(141);
    }
    done += (size_t)n;
  }
  out_used = 0;
}

static void put(const char* p, size_t n) {
  while (n > 0) {
    if (out_used == kOutSize) flush_out();
    size_t room = kOutSize - out_used;
    size_t take = n < room ? n : room;
    memcpy(out_buf + out_used, p, take);
    out_used += take;
    p += take;
    n -= take;
  }
}

static void put_line(const struct Child* c, const char* text, size_t n) {
  put(c->prefix, c->prefix_size);
  put(text, n);
  put("\n", 1);
}

static void hold(struct Child* c, const char* p, size_t n) {
  if (c->held_size + n > c->held_cap) {
    c->held_cap = (c->held_size + n) * 2;
    c->held = realloc(c->held, c->held_cap);
    if (c->held == NULL) exit(3);
  }
  memcpy(c->held + c->held_size, p, n);
  c->held_size += n;
}

static void feed(struct Child* c, const char* p, size_t n) {
  const size_t skip = n < c->hello_left ? n : c->hello_left;
  c->hello_left -= skip;
  p += skip;
  n -= skip;
  while (n > 0) {
    const char* nl = memchr(p, '\n', n);
    if (nl == NULL) {
      hold(c, p, n);
      return;
    }
    size_t len = (size_t)(nl - p);
    if (c->held_size > 0) {
      hold(c, p, len);
      put_line(c, c->held, c->held_size);
      c->held_size = 0;
    } else {
      put_line(c, p, len);
    }
    p += len + 1;
    n -= len + 1;
  }
}

static char** make_argv(char** argv, int index) {
  int argc = 0;
  while (argv[argc] != NULL) ++argc;
  char** out = calloc((size_t)argc + 1, sizeof *out);
  char number[16];
  snprintf(number, sizeof number, "%d", index);
  for (int i = 0; i < argc; ++i) {
    const char* at = strstr(argv[i], "{}");
    if (at == NULL) {
      out[i] = argv[i];
      continue;
    }
    size_t head = (size_t)(at - argv[i]);
    out[i] = malloc(strlen(argv[i]) + strlen(number) + 1);
    memcpy(out[i], argv[i], head);
    strcpy(out[i] + head, number);
    strcat(out[i], at + 2);
  }
  return out;
}

static int setup_mode;
static int dev_null = -1;

// The steps of the set-up, each a bit of `steps` (see the usage above).
enum {
  kPipe2 = 1,
  kSignals = 2,
  kSetsid = 4,
  kPdeath = 8,
  kStdin = 16,
  kClose = 32,
  kHello = 64,
  kFewSignals = 128
};
static const char* const kStepNames[] = {"pipe2", "signals", "setsid", "pdeath",
                                         "stdin", "close",   "hello",  "fewsignals"};
static int steps;

static int parse_steps(const char* list) {
  int bits = 0;
  char copy[256];
  snprintf(copy, sizeof copy, "%s", list);
  for (char* name = strtok(copy, ","); name != NULL; name = strtok(NULL, ",")) {
    int found = 0;
    for (int i = 0; i < (int)(sizeof kStepNames / sizeof *kStepNames); ++i) {
      if (strcmp(name, kStepNames[i]) == 0) {
        bits |= 1 << i;
        found = 1;
      }
    }
    if (!found && strcmp(name, "none") != 0) {
      fprintf(stderr, "baseline: unknown step '%s'\n", name);
      exit(2);
    }
  }
  return bits;
}

// What mtask's child does before its task runs (lib/src/run/child.cpp), without the guardian.
// Returns the descriptor the task writes its line to.
static int child_setup(int out, int err, pid_t parent) {
  if (steps & (kSignals | kFewSignals)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) {
      if (sig == SIGKILL || sig == SIGSTOP) continue;
      // fewsignals: only the 9 a run catches or ignores (what mtask's child resets).
      const int few = sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGCHLD ||
                      sig == SIGPIPE || sig == SIGWINCH || sig == SIGTSTP || sig == SIGTTIN ||
                      sig == SIGTTOU;
      if (!(steps & kFewSignals) || few) sigaction(sig, &action, NULL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
  }
  if (steps & kSetsid) setsid();
  if (steps & kPdeath) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(137);
  }
  if (steps & kStdin) {
    dup2(dev_null, 0);
    struct rlimit files;
    getrlimit(RLIMIT_NOFILE, &files);
  }
  if (steps & (kStdin | kPipe2 | kClose | kHello)) {
    dup2(out, 1);
    out = 1;
  }
  if (steps & kPipe2) dup2(err, 2);
  if (steps & kClose) syscall(SYS_close_range, 3U, ~0U, 0U);
  if (steps & kHello) {
    int hello[2] = {getpid(), getppid()};
    if (write(1, hello, sizeof hello) != sizeof hello) _exit(1);
  }
  return out;
}

static void spawn(struct Child* c, int index, char** exec_argv) {
  int p[2];
  int e[2] = {-1, -1};
  if (pipe2(p, O_CLOEXEC) != 0) exit(3);
  if ((steps & kPipe2) && pipe2(e, O_CLOEXEC) != 0) exit(3);
  char** argv = exec_argv != NULL ? make_argv(exec_argv, index) : NULL;
  sigset_t all, previous;
  if (steps & (kSignals | kFewSignals)) {
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, &previous);
  }
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) exit(3);
  if (pid == 0 && setup_mode) p[1] = child_setup(p[1], e[1], parent);
  if (pid == 0) {
    if (argv != NULL) {
      dup2(p[1], STDOUT_FILENO);
      execvp(argv[0], argv);
      _exit(127);
    }
    char line[64];
    int n = snprintf(line, sizeof line, "t%d... (1/1)\n", index);
    if (write(p[1], line, (size_t)n) != n) _exit(1);
    _exit(0);
  }
  close(p[1]);
  if (steps & (kSignals | kFewSignals)) sigprocmask(SIG_SETMASK, &previous, NULL);
  if (steps & kPipe2) {
    fcntl(e[0], F_SETFL, O_NONBLOCK);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    close(e[1]);
    close(e[0]);  // (mtask polls it too; here only its cost of creation counts)
  }
  c->pid = pid;
  c->fd = p[0];
  c->index = index;
  c->held_size = 0;
  c->hello_left = (steps & kHello) ? 2 * sizeof(int) : 0;
  c->prefix_size = (size_t)snprintf(c->prefix, sizeof c->prefix, "t%d %7d | ", index, (int)pid);
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr,
            "usage: baseline line N J | baseline exec N J ARGV... | baseline setup N J [STEPS]\n");
    return 2;
  }
  const int exec_mode = strcmp(argv[1], "exec") == 0;
  setup_mode = strcmp(argv[1], "setup") == 0;
  if (setup_mode) steps = argc > 4 ? parse_steps(argv[4]) : (1 << 7) - 1;
  dev_null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  // BASELINE_BALLAST_KB: that much heap, written once, so that every fork copies the page
  // tables of a parent as large as mtask (docs/performance.md, "Scaling").
  const char* ballast_kb = getenv("BASELINE_BALLAST_KB");
  if (ballast_kb != NULL) {
    const size_t size = (size_t)atol(ballast_kb) * 1024;
    char* ballast = malloc(size);
    if (ballast == NULL) return 3;
    memset(ballast, 1, size);
  }
  const int n = atoi(argv[2]);
  const int j = atoi(argv[3]);
  char** exec_argv = exec_mode ? argv + 4 : NULL;
  struct Child* running = calloc((size_t)j, sizeof *running);
  struct pollfd* fds = calloc((size_t)j, sizeof *fds);
  int in_flight = 0;
  int next = 1;
  int failed = 0;
  while (next <= n || in_flight > 0) {
    while (next <= n && in_flight < j) spawn(&running[in_flight++], next++, exec_argv);
    for (int i = 0; i < in_flight; ++i) fds[i] = (struct pollfd){running[i].fd, POLLIN, 0};
    if (poll(fds, (nfds_t)in_flight, -1) < 0 && errno != EINTR) return 3;
    for (int i = 0; i < in_flight;) {
      struct Child* c = &running[i];
      if (fds[i].revents == 0) {
        ++i;
        continue;
      }
      ssize_t got = read(c->fd, read_buf, sizeof read_buf);
      if (got > 0) {
        feed(c, read_buf, (size_t)got);
        ++i;
        continue;
      }
      if (got < 0 && errno == EINTR) {
        ++i;
        continue;
      }
      if (c->held_size > 0) put_line(c, c->held, c->held_size);
      close(c->fd);
      int status = 0;
      struct rusage usage;
      while (wait4(c->pid, &status, 0, &usage) < 0 && errno == EINTR) {
      }
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed = 1;
      // Keep the array dense: the last child takes this place (its poll result too).
      char* held = c->held;
      size_t cap = c->held_cap;
      running[i] = running[in_flight - 1];
      fds[i] = fds[in_flight - 1];
      running[in_flight - 1].held = held;
      running[in_flight - 1].held_cap = cap;
      --in_flight;
    }
    flush_out();
  }
  return failed;
}
