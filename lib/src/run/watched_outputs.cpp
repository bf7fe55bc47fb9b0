#include "run/watched_outputs.hpp"

namespace mtask::detail {

void WatchedOutputs::watch(PollSet& set) {
  for (std::size_t i = 0; i < fds_.size(); ++i) set.add(watching_[i] ? fds_[i] : -1, 0, i);
}

void WatchedOutputs::ready(std::size_t token, short revents) {
  watching_[token] = false;  // report once: a hung-up pipe stays ready forever
  if ((revents & (POLLERR | POLLHUP)) != 0) on_hang_up_();
}

}  // namespace mtask::detail
