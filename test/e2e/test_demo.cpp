// The demo of the README: two built-in tasks at once.
#include <regex>
#include <set>

#include <catch2/catch.hpp>

#include "harness.hpp"

TEST_CASE("the demo prints six lines from two children of mtask", "[e2e][demo]") {
  const e2e::Run run = e2e::mtask({"run", "sing:3", "dance:3"});
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);

  const std::regex task_line(R"(^(sing|dance) +(\d+) \| (sing|dance)\.\.\. \((\d)/3\)$)");
  const std::regex start_line(R"(^(sing|dance) +(\d+) > started \(ppid (\d+)\)$)");
  std::set<std::string> lines;
  std::set<long> pids;
  int starts = 0;
  for (const std::string& line : run.out_lines()) {
    std::smatch m;
    if (std::regex_match(line, m, task_line)) {
      CHECK(m[1] == m[3]);
      lines.insert(line.substr(line.find('|')));
      pids.insert(std::stol(m[2]));
    } else if (std::regex_match(line, m, start_line)) {
      ++starts;
      CHECK(std::stol(m[3]) == run.pid);  // the child's own getppid() is mtask
      CHECK(std::stol(m[2]) != run.pid);
    }
  }
  CHECK(starts == 2);
  CHECK(lines.size() == 6);
  CHECK(pids.size() == 2);
  CHECK(run.wall.count() > 1.4);
  CHECK(run.wall.count() < 2.9);  // together, not one after the other (3 s)
}
