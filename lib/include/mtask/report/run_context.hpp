#pragma once
// What a report says about the run beyond its events: facts the runner does not know.

#include <string>

namespace mtask {

/// Given to the reporters at construction.
struct RunContext {
  /// "K/N" when the run is one slice of the task list (--shard); empty otherwise
  /// (docs/output.md, "Shards").
  std::string shard{};
};

}  // namespace mtask
