#pragma once

#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "mtask/queued_output.hpp"

namespace mtask {

/// Where a reporter writes: a buffer flushed in batches to a descriptor, or a string in tests.
class Output {
 public:
  virtual ~Output() = default;
  virtual void write(std::string_view text) = 0;
  /// Writes out what is buffered. Returns false once a write failed (the reader is gone, the
  /// disk is full); from then on output is dropped.
  virtual bool flush() { return true; }
  /// The errno of the first write that failed (EPIPE: the reader is gone; ENOSPC, EIO...); 0
  /// while none failed.
  virtual int error() const { return 0; }

  /// Writes `pieces` one after another, as write() of each would: copied into the buffer at
  /// once when they fit (the hot path of task lines), else one write() each.
  void write_pieces(std::initializer_list<std::string_view> pieces) {
    std::size_t size = 0;
    for (std::string_view piece : pieces) size += piece.size();
    if (char* to = room(size)) {
      for (std::string_view piece : pieces) {
        if (!piece.empty()) std::memcpy(to, piece.data(), piece.size());
        to += piece.size();
      }
      put_ = to;
      return;
    }
    for (std::string_view piece : pieces) write(piece);
  }
  /// Where up to `size` bytes may be put straight into the buffer, or nullptr when they do not
  /// fit (no buffer, or it would fill up: write() then decides). commit() says how many were.
  char* room(std::size_t size) {
    return static_cast<std::size_t>(end_ - put_) > size ? put_ : nullptr;
  }
  /// `size` bytes were put at room(): they are written as if by write().
  void commit(std::size_t size) { put_ += size; }

 protected:
  /// The free part of the buffer: from put_ to end_ (both null while there is none to use).
  char* put_ = nullptr;
  char* end_ = nullptr;
};

/// Buffers output and writes it to a descriptor on flush() (or once 64 KiB are buffered, and
/// best-effort on destruction). Writes go on through partial writes and EINTR, and wait with
/// poll() on a non-blocking descriptor. The first failed write (EPIPE when the reader is gone,
/// or any other error) makes it broken: from then on output is dropped and flush() returns
/// false, silently — the caller reports, telling EPIPE from the rest by error(). The caller
/// must ignore SIGPIPE to get EPIPE at all. After queue_when_slow(), writes to a pipe or
/// terminal never wait: what the reader does not take yet is queued (see QueuedOutput) — up to
/// a cap, beyond which a write waits for the reader after all, so that memory stays bounded
/// (docs/design.md, "When nobody reads").
class FdOutput final : public Output, public QueuedOutput {
 public:
  explicit FdOutput(int fd) : fd_(fd) {}
  FdOutput(const FdOutput&) = delete;
  FdOutput& operator=(const FdOutput&) = delete;
  /// Flushes; what is still queued is then written, waiting for the reader, unless dropped.
  ~FdOutput() override;

  void write(std::string_view text) override;
  bool flush() override;
  /// True once a write has failed; output is dropped from then on.
  bool broken() const { return shared_ != nullptr ? shared_->broken() : broken_; }
  int error() const override { return shared_ != nullptr ? shared_->error() : error_; }

  /// From now on writes never wait for the reader when the descriptor is a pipe, a FIFO or a
  /// terminal: the descriptor is made to name a non-blocking open file description of its own
  /// (opened anew through /proc/self/fd, so that the one the shell shares keeps its flags), and
  /// what the reader does not take yet is queued. False, and nothing changes, for anything else
  /// (a file or a device other than a terminal does not wait for a reader) or when it cannot
  /// be opened. Other writers to the same descriptor then see EAGAIN when the reader is slow.
  bool queue_when_slow();
  /// When `other` queues (queue_when_slow()) and this descriptor names the same pipe, FIFO or
  /// terminal (stdout and stderr after `2>&1`): from then on everything written here goes
  /// through `other`, in the order written, so that the two share one queue and a partial
  /// write of one never ends mid-line before the other writes. True when it does; this then
  /// queues nothing of its own. `other` must outlive this.
  bool share_queue_with(FdOutput& other);
  int queued_fd() const override;
  std::size_t queued() const override { return queue_.size() - queue_start_; }
  void write_queued() override;
  void drop() override;
  /// True once drop() was called.
  bool dropped() const { return dropped_; }

 private:
  void write_out(std::string_view text);
  void wait_below_cap();
  void fail();
  /// Bytes buffered, not yet written.
  std::size_t used() const {
    return put_ == nullptr ? 0 : static_cast<std::size_t>(put_ - buffer_.get());
  }
  /// Makes the whole buffer free (put_ at its start), or none when there is no buffer.
  void reset_room();

  int fd_;
  // A fixed buffer rather than a std::string: reporters write a line in several small
  // pieces, and a bounds check and a memcpy per piece is all this needs on that path.
  // put_ and end_ (Output) point into it while it takes writes.
  std::unique_ptr<char[]> buffer_;
  bool broken_ = false;
  bool dropped_ = false;
  int error_ = 0;         ///< errno of the failed write
  bool queuing_ = false;  ///< fd_ names a non-blocking description (queue_when_slow())
  std::string queue_;     ///< bytes from queue_start_ on wait for the reader
  std::size_t queue_start_ = 0;
  FdOutput* shared_ = nullptr;  ///< writes go through this one (share_queue_with())
};

/// Collects output in a string; for tests.
class StringOutput final : public Output {
 public:
  void write(std::string_view text) override { text_.append(text); }
  const std::string& str() const { return text_; }
  void clear() { text_.clear(); }

 private:
  std::string text_;
};

}  // namespace mtask
