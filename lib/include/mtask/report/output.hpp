#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

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
};

/// Buffers output and writes it to a descriptor on flush() (or once 64 KiB are buffered, and
/// best-effort on destruction). Writes go on through partial writes and EINTR, and wait with
/// poll() on a non-blocking descriptor. The first failed write (EPIPE when the reader is gone,
/// or any other error) makes it broken: from then on output is dropped and flush() returns
/// false, silently — the caller reports, telling EPIPE from the rest by error(). The caller
/// must ignore SIGPIPE to get EPIPE at all.
class FdOutput final : public Output {
 public:
  explicit FdOutput(int fd) : fd_(fd) {}
  FdOutput(const FdOutput&) = delete;
  FdOutput& operator=(const FdOutput&) = delete;
  ~FdOutput() override;

  void write(std::string_view text) override;
  bool flush() override;
  /// True once a write has failed; output is dropped from then on.
  bool broken() const { return broken_; }
  int error() const override { return error_; }

 private:
  void write_out(std::string_view text);

  int fd_;
  // A fixed buffer rather than a std::string: reporters write a line in several small
  // pieces, and a bounds check and a memcpy per piece is all this needs on that path.
  std::unique_ptr<char[]> buffer_;
  std::size_t used_ = 0;
  bool broken_ = false;
  int error_ = 0;  ///< errno of the failed write
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
