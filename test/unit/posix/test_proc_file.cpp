// Reading small /proc files whole, or their start with one read into a fixed buffer.
#include <unistd.h>

#include <string>

#include <catch2/catch.hpp>

#include "posix/proc_file.hpp"

TEST_CASE("proc file: the whole of a file, appended", "[proc_file]") {
  std::string text = "before ";
  REQUIRE(mtask::posix::read_proc_file("/proc/self/stat", text));
  CHECK(text.starts_with("before " + std::to_string(getpid()) + " ("));
  CHECK(text.ends_with("\n"));
  // Larger than one read of the helper's buffer: all of it still comes.
  std::string maps;
  REQUIRE(mtask::posix::read_proc_file("/proc/self/smaps", maps));
  CHECK(maps.size() > 4096);
  CHECK(maps.ends_with("\n"));
}

TEST_CASE("proc file: the start of a file in a fixed buffer", "[proc_file]") {
  char buffer[16];
  const ssize_t n = mtask::posix::read_proc_start("/proc/self/stat", buffer);
  REQUIRE(n == static_cast<ssize_t>(sizeof buffer));
  CHECK(std::string(buffer, sizeof buffer).starts_with(std::to_string(getpid()) + " ("));
}

TEST_CASE("proc file: a file that is not there", "[proc_file]") {
  std::string text;
  CHECK_FALSE(mtask::posix::read_proc_file("/proc/0/stat", text));
  CHECK(text.empty());
  char buffer[16];
  CHECK(mtask::posix::read_proc_start("/proc/0/stat", buffer) == -1);
}
