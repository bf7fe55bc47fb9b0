// Did-you-mean: the edit distance and when a known word is close enough to suggest.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "mtask/text/suggest.hpp"

TEST_CASE("edit distance counts insertions, deletions, substitutions and swaps",
          "[text][suggest]") {
  CHECK(mtask::edit_distance("", "") == 0);
  CHECK(mtask::edit_distance("run", "run") == 0);
  CHECK(mtask::edit_distance("runn", "run") == 1);   // insertion
  CHECK(mtask::edit_distance("rn", "run") == 1);     // deletion
  CHECK(mtask::edit_distance("jobz", "jobs") == 1);  // substitution
  CHECK(mtask::edit_distance("urn", "run") == 1);    // two neighbours swapped
  CHECK(mtask::edit_distance("", "run") == 3);
  CHECK(mtask::edit_distance("kitten", "sitting") == 3);
  CHECK(mtask::edit_distance("timeout", "timeline") == mtask::edit_distance("timeline", "timeout"));
}

TEST_CASE("a suggestion only when the word is close", "[text][suggest]") {
  const std::vector<std::string> commands = {"run", "completion"};
  CHECK(mtask::closest("runn", commands) == "run");
  CHECK(mtask::closest("rnu", commands) == "run");
  CHECK(mtask::closest("complition", commands) == "completion");
  CHECK_FALSE(mtask::closest("x", commands));  // one letter: any word is one edit from nothing
  CHECK_FALSE(mtask::closest("start", commands));
  CHECK_FALSE(mtask::closest("rxyz", commands));
  CHECK(mtask::did_you_mean("runn", commands) == " (did you mean 'run'?)");
  CHECK(mtask::did_you_mean("deploy", commands).empty());
}

TEST_CASE("among long options, the closest wins, and the first on a tie", "[text][suggest]") {
  const std::vector<std::string> options = {"jobs",  "count",  "interval", "timeout",
                                            "color", "colour", "timeline", "timestamps"};
  CHECK(mtask::closest("jobz", options) == "jobs");
  CHECK(mtask::closest("colr", options) == "color");
  CHECK(mtask::closest("timestamp", options) == "timestamps");
  CHECK(mtask::closest("timout", options) == "timeout");
  CHECK(mtask::closest("intervall", options) == "interval");
  CHECK_FALSE(mtask::closest("frobnicate", options));
}
