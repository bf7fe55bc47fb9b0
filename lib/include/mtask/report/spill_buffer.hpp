#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "mtask/report/output.hpp"

namespace mtask {

/// Bytes held for later (a task's output under --group, or for a JUnit report) in bounded
/// memory: up to `memory_limit` bytes in memory, and beyond that in a temporary file that is
/// unlinked as soon as it is made (O_TMPFILE, else mkstemp and unlink, in $TMPDIR or /tmp), so
/// nothing is left on disk however mtask ends. If no file can be made, what does not fit is
/// dropped and counted (see dropped()).
class SpillBuffer {
 public:
  /// The default memory limit: 1 MiB.
  static constexpr std::size_t kDefaultMemoryLimit = 1024 * 1024;

  explicit SpillBuffer(std::size_t memory_limit = kDefaultMemoryLimit)
      : memory_limit_(memory_limit) {}
  SpillBuffer(const SpillBuffer&) = delete;
  SpillBuffer& operator=(const SpillBuffer&) = delete;
  SpillBuffer(SpillBuffer&& other) noexcept;
  SpillBuffer& operator=(SpillBuffer&& other) noexcept;
  ~SpillBuffer();

  void append(std::string_view bytes);
  /// Bytes held, in memory and on disk.
  std::size_t size() const { return spilled_ + memory_.size(); }
  bool empty() const { return size() == 0; }
  /// True once part of the content lives in the temporary file.
  bool spilled() const { return fd_ >= 0; }
  /// Bytes that could not be kept because no temporary file could be made.
  std::size_t dropped() const { return dropped_; }
  /// Writes everything held to `out`, in chunks of at most 64 KiB, in order.
  void write_to(Output& out) const;
  /// The first `n` bytes held (fewer if fewer are held), read back from the file if needed.
  std::string head(std::size_t n) const;
  /// Forgets everything and closes the file.
  void clear();

 private:
  bool spill();

  std::size_t memory_limit_;
  std::string memory_;
  int fd_ = -1;
  std::size_t spilled_ = 0;  ///< bytes in the file
  std::size_t dropped_ = 0;
};

/// Opens an anonymous read-write file in $TMPDIR (or /tmp) that has no name on disk; -1 on
/// failure.
int open_anonymous_file();

}  // namespace mtask
