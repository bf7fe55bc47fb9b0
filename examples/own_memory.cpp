// Each process has its own memory: the lesson's global list, filled in one child, is still
// empty in the parent after join and in a second child.
//
//   numbers = []
//   def add_numbers(): numbers.extend([0, 1, 2]); print(numbers)
//   def read_numbers(): print(numbers)
//   add_process = multiprocessing.Process(target=add_numbers, name="add")
//   add_process.start(); add_process.join()
//   print(numbers)                                   # still [] in the parent
//   read_process = multiprocessing.Process(target=read_numbers, name="read")
//   read_process.start(); read_process.join()        # [] in a second child too
//
// fork() gives the child a copy of the parent's memory (copied page by page as either side
// writes): the child's change is to its copy.
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "mtask/process.hpp"

namespace {

std::vector<int> numbers;  // a global: each process has its own copy

std::string show(const std::vector<int>& list) {
  std::string text = "[";
  for (std::size_t i = 0; i < list.size(); ++i) {
    text += (i == 0 ? "" : ", ") + std::to_string(list[i]);
  }
  return text + "]";
}

void hello(const char* name) {
  std::printf("%s process: pid %d, parent pid %d\n", name, getpid(), getppid());
}

void add_numbers() {
  hello("add");
  for (int i = 0; i < 3; ++i) numbers.push_back(i);
  std::printf("  [add %d] numbers = %s\n", getpid(), show(numbers).c_str());
}

void read_numbers() {
  hello("read");
  std::printf("  [read %d] numbers = %s\n", getpid(), show(numbers).c_str());
}

void run(mtask::Process& process) {
  process.start();
  const int code = process.join();
  std::printf("%s process %d joined: exit %d\n", process.name().c_str(), process.pid(), code);
}

}  // namespace

int main() {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::printf("main process: pid %d, numbers = %s\n", getpid(), show(numbers).c_str());
  mtask::Process add_process("add", add_numbers);
  run(add_process);
  std::printf("main process after join: numbers = %s\n", show(numbers).c_str());
  mtask::Process read_process("read", read_numbers);
  run(read_process);
  const bool unchanged = numbers.empty();
  std::printf("%s\n", unchanged ? "the child changed its own copy: the parent's is unchanged"
                                : "the parent's numbers changed: memory was shared");
  return unchanged ? 0 : 1;
}
