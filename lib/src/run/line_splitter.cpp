#include "mtask/run/line_splitter.hpp"

#include <algorithm>

#include "mtask/text/utf8.hpp"

namespace mtask {

void LineSplitter::finish_with(PieceSink sink) {
  if (!held_.empty()) {
    deliver(held_, false, sink);
    held_.clear();
  } else if (mid_line_) {
    deliver({}, false, sink);  // closes a line whose last piece was already delivered
  }
}

// Invariant between calls: held_.size() <= max_piece_, and held_ is never empty while
// mid_line_ (a piece is cut only when more bytes of the line are known than it takes).
void LineSplitter::take(std::string_view part, bool line_ends, PieceSink sink) {
  // Held bytes come first: top them up to one more than a piece and cut. Once the cut falls
  // among the new bytes, the rest of them are delivered from `part` without copying.
  while (!held_.empty() && held_.size() + part.size() > max_piece_) {
    const std::size_t had = held_.size();
    const std::size_t taken = std::min(part.size(), max_piece_ + 1 - had);
    held_.append(part.substr(0, taken));
    const std::size_t cut = piece_cut(held_);
    deliver(std::string_view(held_).substr(0, cut), true, sink);
    if (cut >= had) {
      part.remove_prefix(cut - had);
      held_.clear();
    } else {
      held_.erase(0, cut);
      part.remove_prefix(taken);
    }
  }

  if (held_.empty()) {
    while (part.size() > max_piece_) {
      const std::size_t cut = piece_cut(part);
      deliver(part.substr(0, cut), true, sink);
      part.remove_prefix(cut);
    }
    if (line_ends) {
      deliver(part, false, sink);
    } else {
      held_.assign(part);
    }
    return;
  }

  held_.append(part);
  if (line_ends) {
    deliver(held_, false, sink);
    held_.clear();
  }
}

std::size_t LineSplitter::piece_cut(std::string_view text) const {
  const std::size_t cut = utf8_safe_cut(text, max_piece_);
  // Only a limit below four bytes can leave nothing before a character; cut through it then.
  return cut > 0 ? cut : std::max<std::size_t>(max_piece_, 1);
}

void LineSplitter::deliver(std::string_view text, bool partial, PieceSink sink) {
  mid_line_ = partial;
  sink(text, partial);
}

}  // namespace mtask
