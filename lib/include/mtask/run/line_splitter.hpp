#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace mtask {

/// The longest piece of a line mtask holds before delivering it (docs/output.md, "Long lines").
inline constexpr std::size_t kMaxLinePiece = 64 * 1024;

/// Assembles bytes read from a pipe into lines. Pieces of a line that arrive in several reads
/// are joined; a line longer than `max_piece` is delivered in pieces (never splitting a UTF-8
/// character), each but the last marked partial. Memory stays bounded by `max_piece`.
class LineSplitter {
 public:
  /// Receives a line without its newline, and whether more of the same line will follow.
  using Sink = std::function<void(std::string_view text, bool partial)>;

  explicit LineSplitter(std::size_t max_piece = kMaxLinePiece) : max_piece_(max_piece) {}

  /// Feeds bytes; calls `sink` for each line (or piece) completed by them. A line that lies
  /// wholly inside `bytes` is passed as a view into `bytes`, without copying; only fragments
  /// held between feeds are copied. '\r' is data, not a line end.
  void feed(std::string_view bytes, const Sink& sink);
  /// At end of input: delivers a last line that had no newline (or, if its pieces were all
  /// delivered already, an empty last piece that ends it). Nothing when no line is open.
  void finish(const Sink& sink);
  /// True once a partial piece of a line has been delivered and until the rest of that line
  /// has been (text mode then keeps other tasks off the same destination).
  bool mid_line() const { return mid_line_; }
  /// Bytes held of an unfinished line.
  std::size_t pending() const { return held_.size(); }

 private:
  /// Adds `part` (bytes of the current line, no newline) and delivers what is complete;
  /// `line_ends` when a newline followed it.
  void take(std::string_view part, bool line_ends, const Sink& sink);
  /// Where to cut the first piece of `text` (longer than max_piece_).
  std::size_t piece_cut(std::string_view text) const;
  void deliver(std::string_view text, bool partial, const Sink& sink);

  std::size_t max_piece_;
  std::string held_;
  bool mid_line_ = false;
};

}  // namespace mtask
