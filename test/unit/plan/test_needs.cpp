// check_needs over a task list, whoever made it: names that are no task, a task that needs
// itself, cycles, and names that several tasks share.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "mtask/error.hpp"
#include "mtask/plan/needs.hpp"

namespace {

mtask::Task task(std::string name, std::vector<std::string> needs = {}) {
  mtask::Task made;
  made.name = std::move(name);
  made.needs = std::move(needs);
  return made;
}

/// The message check_needs throws for `tasks`, or "" when they are fine.
std::string error_of(const std::vector<mtask::Task>& tasks) {
  try {
    mtask::check_needs(tasks);
  } catch (const mtask::UsageError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("check_needs passes needs that name tasks, in any order", "[unit][needs]") {
  CHECK(error_of({}).empty());
  CHECK(error_of({task("a"), task("b")}).empty());
  CHECK(error_of({task("smoke", {"web", "db"}), task("web", {"db"}), task("db")}).empty());
  // A diamond is no cycle.
  CHECK(error_of({task("a", {"b", "c"}), task("b", {"d"}), task("c", {"d"}), task("d")}).empty());
  // A NAME of two tasks names both.
  CHECK(error_of({task("w"), task("w"), task("check", {"w"})}).empty());
}

TEST_CASE("check_needs refuses a name that is no task, and a task that needs itself",
          "[unit][needs]") {
  CHECK(error_of({task("a", {"x"})}) == "task 'a' needs 'x', which is no task");
  CHECK(error_of({task("a"), task("b", {"a", "c d"})}) == "task 'b' needs 'c d', which is no task");
  CHECK(error_of({task("a", {"a"})}) == "task 'a' needs itself");
  CHECK(error_of({task("a"), task("a", {"a"})}) == "task 'a' needs itself");
}

TEST_CASE("check_needs names the first cycle it meets", "[unit][needs]") {
  CHECK(error_of({task("a", {"b"}), task("b", {"a"})}) ==
        "tasks need each other in a cycle: a -> b -> a");
  CHECK(error_of({task("x"), task("a", {"x", "b"}), task("b", {"c"}), task("c", {"b"})}) ==
        "tasks need each other in a cycle: b -> c -> b");
  // Through a name that two tasks share: the second w needs c, which needs w.
  CHECK(error_of({task("w"), task("c", {"w"}), task("w", {"c"})}) ==
        "tasks need each other in a cycle: w -> c -> w");
}

TEST_CASE("check_needs walks a long chain without deep recursion", "[unit][needs]") {
  std::vector<mtask::Task> tasks;
  constexpr int kLength = 100'000;
  for (int i = 0; i < kLength; ++i) {
    tasks.push_back(task("t" + std::to_string(i),
                         i + 1 < kLength ? std::vector<std::string>{"t" + std::to_string(i + 1)}
                                         : std::vector<std::string>{}));
  }
  CHECK(error_of(tasks).empty());
  tasks.back().needs = {"t0"};
  // Cut in the middle: a line, not a page.
  CHECK(error_of(tasks) ==
        "tasks need each other in a cycle: t0 -> t1 -> t2 -> t3 -> t4 -> t5 -> t6 -> t7 -> t8 -> "
        "t9 -> t10 -> t11 -> t12 -> t13 -> t14 -> ... (99985 more) -> t0");
}
