#include <catch2/catch.hpp>

#include "mtask/error.hpp"
#include "mtask/plan/shard.hpp"

using mtask::parse_shard;
using mtask::Shard;

TEST_CASE("parse_shard reads K/N", "[unit][shard]") {
  CHECK(parse_shard("1/1") == Shard{1, 1});
  CHECK(parse_shard("2/4") == Shard{2, 4});
  CHECK(parse_shard("2/4").label() == "2/4");
  for (const char* bad : {"", "2", "0/4", "5/4", "2/0", "-1/4", "a/b", "2/4/1", " 2/4", "2/"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_shard(bad), mtask::UsageError);
  }
}

TEST_CASE("for N = 1..7 the slices of 20 tasks are disjoint and cover each task once",
          "[unit][shard]") {
  for (std::size_t n = 1; n <= 7; ++n) {
    for (std::size_t task = 0; task < 20; ++task) {
      int owners = 0;
      for (std::size_t k = 1; k <= n; ++k) owners += Shard{k, n}.has(task) ? 1 : 0;
      INFO("N=" << n << " task " << task);
      CHECK(owners == 1);
    }
  }
}
