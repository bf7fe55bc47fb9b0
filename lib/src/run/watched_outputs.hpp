#pragma once

#include <functional>
#include <vector>

#include "run/loop.hpp"

namespace mtask::detail {

/// Descriptors (mtask's stdout) whose reader going away means nobody reads the output any
/// more. They are polled with no events asked for: poll reports POLLERR/POLLHUP the moment the
/// reader goes, even while every task is silent.
class WatchedOutputs final : public Source {
 public:
  WatchedOutputs(const std::vector<int>& fds, std::function<void()> on_hang_up)
      : fds_(fds), watching_(fds.size(), true), on_hang_up_(std::move(on_hang_up)) {}

  void watch(PollSet& set) override;
  void ready(std::size_t token, short revents) override;

 private:
  const std::vector<int>& fds_;  // not owned: the caller's
  std::vector<bool> watching_;   // per descriptor: still worth watching
  std::function<void()> on_hang_up_;
};

}  // namespace mtask::detail
