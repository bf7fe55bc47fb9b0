#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "mtask/error.hpp"
#include "mtask/grammar/cpu_set.hpp"

using mtask::parse_cpus;

namespace {

const std::vector<int> kAllowed{0, 1, 2, 3, 6, 7};

std::string error_of(const std::string& text) {
  try {
    parse_cpus(text, kAllowed);
  } catch (const mtask::UsageError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a bare number takes the first N allowed CPUs", "[cpu_set]") {
  CHECK(parse_cpus("1", kAllowed) == std::vector<int>{0});
  CHECK(parse_cpus("2", kAllowed) == std::vector<int>{0, 1});
  CHECK(parse_cpus("5", kAllowed) == std::vector<int>{0, 1, 2, 3, 6});
  CHECK(parse_cpus("1", {4, 5}) == std::vector<int>{4});
}

TEST_CASE("a list takes exactly the CPUs it names, sorted and without repeats", "[cpu_set]") {
  CHECK(parse_cpus("0,2-3", kAllowed) == std::vector<int>{0, 2, 3});
  CHECK(parse_cpus("7,6,0", kAllowed) == std::vector<int>{0, 6, 7});
  CHECK(parse_cpus("1-1", kAllowed) == std::vector<int>{1});
  CHECK(parse_cpus("3,", kAllowed) == std::vector<int>{3});
  CHECK(parse_cpus("0-2,1-3", kAllowed) == std::vector<int>{0, 1, 2, 3});
}

TEST_CASE("bad core values name the rule and the bad CPU", "[cpu_set]") {
  CHECK(error_of("0") == "needs at least one CPU");
  CHECK(error_of("7") == "7 CPUs asked for, but mtask may use only 6 (0-3,6-7)");
  CHECK(error_of("0,4") == "CPU 4 is not available (mtask may use 0-3,6-7)");
  CHECK(error_of("2-5") == "CPU 4 is not available (mtask may use 0-3,6-7)");
  CHECK(error_of("3-1") == "range 3-1 goes backwards");
  CHECK(error_of("a") == "'a' is not a CPU number (use a count, e.g. 2, or a list, e.g. 0,2-3)");
  CHECK(error_of("0,,1") == "empty item in the CPU list");
  CHECK(error_of(",1") == "empty item in the CPU list");
  CHECK(error_of("-1").find("empty CPU number") == 0);
  CHECK(error_of("") == "needs a count of CPUs or a CPU list");
  CHECK(error_of("99999999999999999999") == "CPU 99999999999999999999 does not exist");
}

TEST_CASE("CPU lists are written in their shortest form", "[cpu_set]") {
  CHECK(mtask::format_cpus({}) == "");
  CHECK(mtask::format_cpus({0}) == "0");
  CHECK(mtask::format_cpus({0, 1, 2, 3, 6, 7}) == "0-3,6-7");
  CHECK(mtask::format_cpus({0, 2, 4}) == "0,2,4");
}

TEST_CASE("mtask may run on at least one CPU", "[cpu_set]") {
  const std::vector<int> cpus = mtask::allowed_cpus();
  REQUIRE_FALSE(cpus.empty());
  CHECK(std::is_sorted(cpus.begin(), cpus.end()));
}
