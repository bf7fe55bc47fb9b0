#include "run/output_queues.hpp"

#include <algorithm>

#include "mtask/text/human.hpp"
#include "run/log.hpp"

namespace mtask::detail {
namespace {

/// Queued bytes beyond which the tasks' pipes are not read: enough to ride out a reader's
/// hiccup, small enough that a reader that never reads costs little memory.
constexpr std::size_t kBackedUp = 256 * 1024;

}  // namespace

OutputQueues::OutputQueues(const std::vector<QueuedOutput*>& outputs, Duration patience)
    : outputs_(outputs), progress_(outputs.size()), patience_(patience) {}

void OutputQueues::watch(PollSet& set) {
  const TimePoint now = Clock::now();
  for (std::size_t i = 0; i < outputs_.size(); ++i) {
    const int fd = outputs_[i]->queued_fd();
    if (fd < 0) progress_[i] = now;  // caught up: not stuck, whatever comes next
    set.add(fd, POLLOUT, i);
  }
}

void OutputQueues::ready(std::size_t token, short revents) {
  (void)revents;  // POLLERR: the write says why (EPIPE), and the output is broken from then on
  QueuedOutput& output = *outputs_[token];
  const std::size_t before = output.queued();
  output.write_queued();
  if (output.queued() < before) progress_[token] = Clock::now();
}

TimePoint OutputQueues::deadline() const {
  if (patient_) return kNever;
  TimePoint next = kNever;
  for (std::size_t i = 0; i < outputs_.size(); ++i) {
    if (outputs_[i]->queued() == 0) continue;
    next = std::min(next, give_up_at(i));
  }
  return next;
}

void OutputQueues::expire(TimePoint now) {
  if (patient_) return;
  for (std::size_t i = 0; i < outputs_.size(); ++i) {
    QueuedOutput& output = *outputs_[i];
    if (output.queued() == 0 || now < give_up_at(i)) continue;
    const std::size_t lost = output.queued();
    output.drop();
    log().warn(
        "while stopping, a reader of mtask's output took nothing for {:.3g}s: the "
        "{} it did not take and all further output to it are dropped",
        to_seconds(patience_), mtask::count_of(lost, "byte"));
  }
}

bool OutputQueues::backed_up() const {
  return std::any_of(outputs_.begin(), outputs_.end(),
                     [](const QueuedOutput* o) { return o->queued() >= kBackedUp; });
}

bool OutputQueues::empty() const {
  return std::all_of(outputs_.begin(), outputs_.end(),
                     [](const QueuedOutput* o) { return o->queued() == 0; });
}

void OutputQueues::lose_patience(TimePoint now) {
  if (!patient_) return;
  patient_ = false;
  impatient_since_ = now;
}

void OutputQueues::resume(Duration stopped_for) {
  for (TimePoint& progress : progress_) progress += stopped_for;
  if (!patient_) impatient_since_ += stopped_for;
}

}  // namespace mtask::detail
