#include <chrono>
#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

#include "mtask/text/human.hpp"

using namespace std::chrono_literals;

TEST_CASE("human: durations in milliseconds below a second, else seconds", "[human]") {
  struct Case {
    std::chrono::nanoseconds d;
    std::string text;
  };
  const Case cases[] = {
      {0ns, "0.0 ms"},           {40us, "0.040 ms"}, {85'400ns, "0.085 ms"},
      {99'940ns, "0.100 ms"},    {100us, "0.1 ms"},  {830us, "0.8 ms"},
      {2500us, "2.5 ms"},        {25ms, "25.0 ms"},  {999'949'999ns, "999.9 ms"},
      {999'950'000ns, "1.00 s"}, {1s, "1.00 s"},     {1500ms, "1.50 s"},
      {90s, "90.00 s"},          {-2ms, "-2.0 ms"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.d.count());
    CHECK(mtask::human_duration(c.d) == c.text);
  }
}

TEST_CASE("human: sizes in KiB, MiB or GiB", "[human]") {
  struct Case {
    std::int64_t kib;
    std::string text;
  };
  const Case cases[] = {
      {0, "0 KiB"},
      {1023, "1023 KiB"},
      {1024, "1.0 MiB"},
      {1480, "1.4 MiB"},
      {1024 * 1024 - 1, "1024.0 MiB"},
      {1024 * 1024, "1.00 GiB"},
      {3 * 1024 * 1024 + 512 * 1024, "3.50 GiB"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.kib);
    CHECK(mtask::human_size(c.kib) == c.text);
  }
}

TEST_CASE("human: file reports give seconds with three decimals", "[human]") {
  CHECK(mtask::seconds_3(0ns) == "0.000");
  CHECK(mtask::seconds_3(2500us) == "0.003");
  CHECK(mtask::seconds_3(1500ms) == "1.500");
  CHECK(mtask::seconds_3(86400s) == "86400.000");
}

TEST_CASE("human: a count agrees with its noun", "[human]") {
  CHECK(mtask::count_of(0, "task") == "0 tasks");
  CHECK(mtask::count_of(1, "task") == "1 task");
  CHECK(mtask::count_of(2, "task") == "2 tasks");
  CHECK(mtask::count_of(1, "byte") == "1 byte");
  CHECK(mtask::count_of(1'000'000, "line") == "1000000 lines");
  CHECK(mtask::count_of(1, "child", "children") == "1 child");
  CHECK(mtask::count_of(3, "child", "children") == "3 children");
}
