#pragma once
// The JSON Lines of a run with `-o json`, for the tests that read its events.

#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace e2e {

/// Every line of stdout as a JSON object; fails the test on a line that is not JSON.
inline std::vector<nlohmann::json> events_of(const Run& run) {
  std::vector<nlohmann::json> events;
  for (const std::string& line : run.out_lines()) {
    INFO("stdout line: " << line);
    nlohmann::json event;
    REQUIRE_NOTHROW(event = nlohmann::json::parse(line));
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace e2e
