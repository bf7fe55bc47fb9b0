#pragma once

#include <cstddef>

namespace mtask {

/// A destination whose writes never wait for a slow reader: what the reader does not take at
/// once waits in a queue, and the run's loop writes it out when the reader is ready, so that
/// signals and timeouts still work while nobody reads (docs/design.md, "When nobody reads").
class QueuedOutput {
 public:
  virtual ~QueuedOutput() = default;
  /// The descriptor to wait on for POLLOUT while bytes are queued; -1 while none are.
  virtual int queued_fd() const = 0;
  /// Bytes waiting for the reader.
  virtual std::size_t queued() const = 0;
  /// Writes what the reader takes now, without waiting.
  virtual void write_queued() = 0;
  /// Gives up on the reader: what is queued is dropped, and so is all output from now on.
  virtual void drop() = 0;
};

}  // namespace mtask
