// The multitasking lesson's program, line for line, with mtask::Process in the place of
// Python's multiprocessing.Process:
//
//   def sing(name, num):
//       print(f"{name} process: pid {os.getpid()}, parent pid {os.getppid()}")
//       for i in range(num):
//           print(f"[{name} {os.getpid()}] {name}... ({i + 1}/{num})")
//           time.sleep(0.5)
//
//   sing_process = multiprocessing.Process(target=sing, args=("sing", 3))
//   dance_process = multiprocessing.Process(target=dance, kwargs={"name": "dance", "num": 3})
//   sing_process.start(); dance_process.start()
//   sing_process.join(); dance_process.join()
//
// sing and dance run in two child processes at the same time: about 1.5 s, not 3.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "mtask/process.hpp"

namespace {

using namespace std::chrono_literals;

/// The lesson's task body: it runs in the child, so getpid() is the child's.
void sing(const std::string& name, int num) {
  std::printf("%s process: pid %d, parent pid %d\n", name.c_str(), getpid(), getppid());
  for (int i = 1; i <= num; ++i) {
    std::printf("  [%s %d] %s... (%d/%d)\n", name.c_str(), getpid(), name.c_str(), i, num);
    std::this_thread::sleep_for(500ms);
  }
}

/// Named arguments, like kwargs={"name": "dance", "num": 3}: a struct and designated
/// initializers.
struct DanceArgs {
  std::string name = "dance";
  int num = 1;
};

void dance(const DanceArgs& args) { sing(args.name, args.num); }

}  // namespace

int main() {
  // Line by line even into a pipe, as print(..., flush=True): the two processes' lines then
  // come out in the order they were printed.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::printf("main process: pid %d\n", getpid());

  mtask::Process sing_process(sing, "sing", 3);
  mtask::Process dance_process(dance, DanceArgs{.name = "dance", .num = 3});

  const auto begin = std::chrono::steady_clock::now();
  sing_process.start();  // fork: the child runs sing("sing", 3), the parent goes on at once
  dance_process.start();
  sing_process.join();  // wait for the child to end
  dance_process.join();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - begin;

  std::printf("sing process %d joined: exit %d\n", sing_process.pid(), *sing_process.exitcode());
  std::printf("dance process %d joined: exit %d\n", dance_process.pid(), *dance_process.exitcode());
  std::printf("both joined after %.2f s\n", took.count());
  return 0;
}
