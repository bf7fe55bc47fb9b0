// Did-you-mean: the edit distance and when a known word is close enough to suggest.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "suggest.hpp"

TEST_CASE("edit distance counts insertions, deletions, substitutions and swaps", "[app][suggest]") {
  CHECK(app::edit_distance("", "") == 0);
  CHECK(app::edit_distance("run", "run") == 0);
  CHECK(app::edit_distance("runn", "run") == 1);   // insertion
  CHECK(app::edit_distance("rn", "run") == 1);     // deletion
  CHECK(app::edit_distance("jobz", "jobs") == 1);  // substitution
  CHECK(app::edit_distance("urn", "run") == 1);    // two neighbours swapped
  CHECK(app::edit_distance("", "run") == 3);
  CHECK(app::edit_distance("kitten", "sitting") == 3);
  CHECK(app::edit_distance("timeout", "timeline") == app::edit_distance("timeline", "timeout"));
}

TEST_CASE("a suggestion only when the word is close", "[app][suggest]") {
  const std::vector<std::string> commands = {"run", "completion"};
  CHECK(app::closest("runn", commands) == "run");
  CHECK(app::closest("rnu", commands) == "run");
  CHECK(app::closest("complition", commands) == "completion");
  CHECK_FALSE(app::closest("x", commands));  // one letter: any word is one edit from nothing
  CHECK_FALSE(app::closest("start", commands));
  CHECK_FALSE(app::closest("rxyz", commands));
  CHECK(app::did_you_mean("runn", commands) == " (did you mean 'run'?)");
  CHECK(app::did_you_mean("deploy", commands).empty());
}

TEST_CASE("among long options, the closest wins, and the first on a tie", "[app][suggest]") {
  const std::vector<std::string> options = {"jobs",  "count",  "interval", "timeout",
                                            "color", "colour", "timeline", "timestamps"};
  CHECK(app::closest("jobz", options) == "jobs");
  CHECK(app::closest("colr", options) == "color");
  CHECK(app::closest("timestamp", options) == "timestamps");
  CHECK(app::closest("timout", options) == "timeout");
  CHECK(app::closest("intervall", options) == "interval");
  CHECK_FALSE(app::closest("frobnicate", options));
}
