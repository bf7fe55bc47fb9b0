#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <array>
#include <cstddef>

#include "mtask/events.hpp"
#include "mtask/run/line_splitter.hpp"
#include "posix/unique_fd.hpp"
#include "run/adopted.hpp"
#include "run/child.hpp"
#include "run/loop.hpp"
#include "run/stop_policy.hpp"
#include "run/task_cpu.hpp"

namespace mtask::detail {

/// One end of a task's output: its pipe and the line being assembled from it.
struct TaskPipe {
  posix::UniqueFd fd;
  LineSplitter lines;
  TimePoint last_read{};

  bool open() const { return fd.valid(); }
  bool mid_line() const { return open() && lines.mid_line(); }
};

/// A task that has been forked and not yet reported as ended. Owned by Children.
struct Slot {
  Slot(const Task& of, std::size_t at, pid_t forked, Duration kill_after)
      : task(of), index(at), pid(forked), stop(kill_after, [this](int sig) { stop_step(sig); }) {}
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

  const Task& task;
  std::size_t index;              // in the run's list of tasks
  pid_t pid;                      // also its process group
  std::array<TaskPipe, 2> pipes;  // indexed by Stream
  Hello hello{};
  std::size_t hello_read = 0;
  bool started = false;  // its start event has been given out
  // Its process has exited (seen with WNOWAIT). While its pipes are held it stays a zombie,
  // unreaped, so that its pid still pins its group id (docs/design.md, "Stopping").
  bool exited = false;
  bool reaped = false;
  int wait_status = 0;
  rusage usage{};
  TimePoint forked_at{};
  TimePoint reaped_at{};      // when its exit was first seen (it may be reaped later)
  bool outlived = false;      // something the task started held its pipes after it exited
  bool noticed_stop = false;  // its process was seen stopped by a signal (warned about once)
  StopPolicy stop;
  Adopted* adopted = nullptr;  // what mtask adopted of the task is signalled with it
  TaskCpu cpu;                 // how its processes took turns on the CPU

  TaskPipe& pipe(Stream s) { return pipes[static_cast<std::size_t>(s)]; }
  const TaskPipe& pipe(Stream s) const { return pipes[static_cast<std::size_t>(s)]; }
  bool pipes_closed() const { return !pipes[0].open() && !pipes[1].open(); }
  bool said_hello() const { return hello_read == sizeof(Hello); }
  /// Sends `sig` to the task's process group (to the task alone while it has none yet) while
  /// its process is unreaped, and to what mtask adopted of the task; returns how many adopted
  /// processes it signalled.
  std::size_t signal(int sig) const;
  /// A step of the stop (SIGTERM, then SIGKILL): logged, then sent to the group.
  void stop_step(int sig) const;
};

}  // namespace mtask::detail
