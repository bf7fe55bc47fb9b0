#pragma once

#include <cstddef>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

namespace mtask {

/// The longest piece of a line mtask holds before delivering it (docs/output.md, "Long lines").
inline constexpr std::size_t kMaxLinePiece = 64 * 1024;

/// Assembles bytes read from a pipe into lines. Pieces of a line that arrive in several reads
/// are joined; a line longer than `max_piece` is delivered in pieces (never splitting a UTF-8
/// character), each but the last marked partial. Memory stays bounded by `max_piece`.
class LineSplitter {
 public:
  /// A sink that can be kept (feed() and finish() take any callable of this shape).
  using Sink = std::function<void(std::string_view text, bool partial)>;

  explicit LineSplitter(std::size_t max_piece = kMaxLinePiece) : max_piece_(max_piece) {}

  /// Feeds bytes; calls `sink(text, partial)` for each line (or piece) completed by them. A
  /// line that lies wholly inside `bytes` is passed as a view into `bytes`, without copying,
  /// valid as long as `bytes` is; only fragments held between feeds are copied, and a view of
  /// those is valid only during the call of `sink`. '\r' is data, not a line end.
  template <typename F>
  void feed(std::string_view bytes, F&& sink) {
    // The common line, whole in `bytes` and short, goes straight to `sink` (inlined, no call
    // through a pointer); the rest takes the general path.
    const char* at = bytes.data();
    const char* const end = at + bytes.size();
    while (at != end) {
      const auto* newline =
          static_cast<const char*>(std::memchr(at, '\n', static_cast<std::size_t>(end - at)));
      if (newline == nullptr) {
        take({at, static_cast<std::size_t>(end - at)}, false, PieceSink(sink));
        return;
      }
      const std::string_view line(at, static_cast<std::size_t>(newline - at));
      if (held_.empty() && line.size() <= max_piece_) {
        mid_line_ = false;
        sink(line, false);
      } else {
        take(line, true, PieceSink(sink));
      }
      at = newline + 1;
    }
  }
  /// At end of input: delivers a last line that had no newline (or, if its pieces were all
  /// delivered already, an empty last piece that ends it). Nothing when no line is open.
  template <typename F>
  void finish(F&& sink) {
    finish_with(PieceSink(sink));
  }
  /// True once a partial piece of a line has been delivered and until the rest of that line
  /// has been (text mode then keeps other tasks off the same destination).
  bool mid_line() const { return mid_line_; }
  /// Bytes held of an unfinished line.
  std::size_t pending() const { return held_.size(); }

 private:
  /// A reference to a sink of any type, called through one pointer (no copy, no allocation).
  class PieceSink {
   public:
    template <typename F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, PieceSink>) explicit PieceSink(F& f)
        : object_(const_cast<void*>(static_cast<const void*>(&f))),
          call_([](void* object, std::string_view text, bool partial) {
            (*static_cast<std::remove_reference_t<F>*>(object))(text, partial);
          }) {}
    void operator()(std::string_view text, bool partial) const { call_(object_, text, partial); }

   private:
    void* object_;
    void (*call_)(void*, std::string_view, bool);
  };

  void finish_with(PieceSink sink);
  /// Adds `part` (bytes of the current line, no newline) and delivers what is complete;
  /// `line_ends` when a newline followed it.
  void take(std::string_view part, bool line_ends, PieceSink sink);
  /// Where to cut the first piece of `text` (longer than max_piece_).
  std::size_t piece_cut(std::string_view text) const;
  void deliver(std::string_view text, bool partial, PieceSink sink);

  std::size_t max_piece_;
  std::string held_;
  bool mid_line_ = false;
};

}  // namespace mtask
