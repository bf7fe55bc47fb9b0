#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mtask {

/// The columns a terminal gives the code point `cp`: 0 for combining marks and zero-width
/// format characters (U+200B, U+200D ...), 2 for East Asian wide and fullwidth characters (CJK,
/// emoji shown as pictures), 1 for everything else. From a table generated from the Unicode
/// database by scripts/gen_width_table.py (docs/output.md, "Columns").
std::size_t char_width(char32_t cp);

/// The columns `text` takes on a terminal: the sum of char_width over its characters; each
/// byte that is not valid UTF-8 counts as one column (a terminal shows a replacement
/// character). The one measure of text padded or cut to a width.
std::size_t display_width(std::string_view text);

/// The length in bytes of the longest prefix of `text` that takes at most `columns` columns.
/// It never ends inside a character, nor splits a wide character in two, and it keeps the
/// zero-width characters (combining marks) that follow the last character it holds.
std::size_t width_cut(std::string_view text, std::size_t columns);

/// Appends `text` to `out` padded with spaces to `columns` columns (on the left when
/// `right_aligned`); text already as wide or wider is appended as it is.
void append_padded(std::string& out, std::string_view text, std::size_t columns,
                   bool right_aligned = false);

}  // namespace mtask
