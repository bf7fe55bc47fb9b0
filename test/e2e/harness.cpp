#include "harness.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include <catch2/catch.hpp>

namespace e2e {
namespace {

using Clock = std::chrono::steady_clock;

void append_from(int& fd, std::string& into) {
  char buffer[65536];
  const ssize_t n = read(fd, buffer, sizeof buffer);
  if (n > 0) {
    into.append(buffer, static_cast<std::size_t>(n));
  } else if (n == 0 || errno != EINTR) {
    close(fd);
    fd = -1;
  }
}

[[noreturn]] void exec_mtask(const std::vector<std::string>& args, const Options& options, int in,
                             int out, int err) {
  setpgid(0, 0);
  dup2(in >= 0 ? in : open("/dev/null", O_RDONLY | O_CLOEXEC), 0);
  dup2(out, 1);
  dup2(err, 2);
  if (options.stdin_closed) close(0);
  for (const int fd : options.closed_fds) close(fd);
  for (const std::string& entry : options.env) putenv(const_cast<char*>(entry.c_str()));
  if (options.cwd && chdir(options.cwd->c_str()) != 0) _exit(126);
  std::vector<char*> argv;
  for (const std::string& arg : options.prefix) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(const_cast<char*>(options.binary ? options.binary->c_str() : binary()));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  _exit(127);
}

/// VmHWM of a live process: its own peak resident memory so far, in KiB; 0 when gone.
long high_water_kb(pid_t pid) {
  const std::string status = read_proc("/proc/" + std::to_string(pid) + "/status");
  const std::size_t at = status.find("\nVmHWM:");
  return at == std::string::npos ? 0 : std::strtol(status.c_str() + at + 7, nullptr, 10);
}

}  // namespace

const char* binary() { return MTASK_BINARY; }

std::string read_proc(const std::string& path) {
  std::string text;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return text;
}

Action send_signal(std::chrono::milliseconds after, int sig, bool to_group) {
  return Action{after, [sig, to_group](pid_t pid) { kill(to_group ? -pid : pid, sig); }};
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

std::vector<std::string> Run::out_lines() const { return split_lines(out); }
std::vector<std::string> Run::err_lines() const { return split_lines(err); }

Run mtask(const std::vector<std::string>& args, const Options& options) {
  int out[2];
  int err[2];
  int in[2] = {-1, -1};
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  if (options.input && pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  Run run;
  const Clock::time_point start = Clock::now();
  run.pid = fork();
  if (run.pid < 0) throw std::runtime_error("fork");
  if (run.pid == 0) exec_mtask(args, options, in[0], out[1], err[1]);
  setpgid(run.pid, run.pid);
  close(out[1]);
  close(err[1]);
  if (options.input) {
    // Written while this process still holds the read end, so it can neither block (the text
    // fits in the pipe) nor raise SIGPIPE; the write end stays open until mtask has ended.
    if (write(in[1], options.input->data(), options.input->size()) < 0) {
      throw std::runtime_error("write to mtask's stdin");
    }
    close(in[0]);
    if (options.input_ends) {
      close(in[1]);
      in[1] = -1;
    }
  }
  int fds[2] = {out[0], err[0]};
  if (options.stderr_closed) {
    close(fds[1]);
    fds[1] = -1;
  }
  std::size_t next_action = 0;
  bool stdout_closed = !options.close_stdout;
  bool reaped = false;
  int wait_status = 0;
  while (fds[0] >= 0 || fds[1] >= 0 || !reaped) {
    const auto elapsed = Clock::now() - start;
    while (next_action < options.actions.size() && elapsed >= options.actions[next_action].after &&
           !reaped) {
      options.actions[next_action++].run(run.pid);
    }
    if (!stdout_closed && elapsed >= options.close_after) {
      if (fds[0] >= 0) close(fds[0]);
      fds[0] = -1;
      stdout_closed = true;
    }
    if (elapsed >= options.timeout && !run.timed_out) {
      run.timed_out = true;
      kill(-run.pid, SIGKILL);
      kill(run.pid, SIGKILL);
    }
    if (!reaped) run.peak_rss_kb = std::max(run.peak_rss_kb, high_water_kb(run.pid));
    rusage usage{};
    if (!reaped && wait4(run.pid, &wait_status, WNOHANG, &usage) == run.pid) {
      run.max_rss_kb = usage.ru_maxrss;
      run.cpu = std::chrono::duration<double>(
          static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
          static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6);
      reaped = true;
      run.wall = Clock::now() - start;
    }
    pollfd pfds[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
    if (poll(pfds, 2, 5) > 0) {
      if (pfds[0].revents != 0) append_from(fds[0], run.out);
      if (pfds[1].revents != 0) append_from(fds[1], run.err);
    }
    if (run.timed_out && elapsed >= options.timeout + std::chrono::seconds(5)) break;
  }
  for (int fd : {fds[0], fds[1], in[1]}) {
    if (fd >= 0) close(fd);
  }
  if (WIFEXITED(wait_status)) {
    run.status = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    run.signaled = true;
    run.status = 128 + WTERMSIG(wait_status);
  }
  return run;
}

bool alive(pid_t pid) {
  const std::string text = read_proc("/proc/" + std::to_string(pid) + "/stat");
  if (text.empty()) return false;
  const std::size_t paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] != 'Z';
}

pid_t guardian_of(pid_t parent) {
  DIR* proc = opendir("/proc");
  pid_t found = -1;
  while (const dirent* entry = readdir(proc)) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
    const std::string text = read_proc("/proc/" + std::string(entry->d_name) + "/stat");
    const std::size_t paren = text.rfind(')');
    if (paren == std::string::npos) continue;
    long ppid = 0, pgrp = 0, session = 0;
    char state = 0;
    if (std::sscanf(text.c_str() + paren + 2, "%c %ld %ld %ld", &state, &ppid, &pgrp, &session) !=
        4) {
      continue;
    }
    const long pid = std::strtol(entry->d_name, nullptr, 10);
    std::error_code error;
    const bool quiet = std::filesystem::read_symlink(
                           "/proc/" + std::string(entry->d_name) + "/fd/1", error) == "/dev/null";
    if (ppid == parent && session == pid && quiet) found = static_cast<pid_t>(pid);
  }
  closedir(proc);
  return found;
}

Action kill_guardian(std::chrono::milliseconds after, pid_t& killed) {
  return Action{after, [&killed](pid_t mtask) {
                  killed = guardian_of(mtask);
                  if (killed > 0) kill(killed, SIGKILL);
                }};
}

std::vector<pid_t> processes_with_marker(const std::string& marker) {
  std::vector<pid_t> found;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return found;
  while (const dirent* entry = readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    const std::string env = read_proc("/proc/" + std::string(entry->d_name) + "/environ");
    if (env.find(marker + std::string(1, '\0')) != std::string::npos &&
        alive(static_cast<pid_t>(pid))) {
      found.push_back(static_cast<pid_t>(pid));
    }
  }
  closedir(proc);
  return found;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "mtask-e2e-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

SharedBinary::SharedBinary() : path_(dir_.file("mtask")) {
  namespace fs = std::filesystem;
  fs::copy_file(binary(), path_);
  const fs::perms readable = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec;
  fs::permissions(dir_.path(), readable);
  fs::permissions(path_, readable);
}

void cannot_check(const std::string& why) {
  const char* ci = std::getenv("CI");
  if (ci != nullptr && *ci != '\0') FAIL("cannot check here (and CI is set): " << why);
  WARN("not checked: " << why);
}

std::vector<pid_t> left_after(const std::string& marker, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  std::vector<pid_t> left = processes_with_marker(marker);
  while (!left.empty() && Clock::now() < deadline) {
    poll(nullptr, 0, 20);
    left = processes_with_marker(marker);
  }
  return left;
}

Options marked(const std::string& marker, std::chrono::milliseconds timeout) {
  Options options;
  options.env = {marker};
  options.timeout = timeout;
  return options;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string unique_marker() {
  static int counter = 0;
  return "MTASK_E2E_MARK=" + std::to_string(getpid()) + "-" + std::to_string(++counter);
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Shell shell(const std::string& command) {
  Shell result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  std::size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace e2e
