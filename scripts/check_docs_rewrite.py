"""The new text of an example whose output changed, keeping what did not change as the docs had
it: the lines whose masked form is the same stay as written, and the lines that changed take
the docs' PID for each task, so that a change of wording rewrites the lines that show it.

Part of scripts/check_docs (docs/docs-check.md, "When the output changes")."""

import difflib
import re

from check_docs_mask import harvest_pids, mask, order_like


def numbers_by_label(lines):
    return {label: pid for pid, label in harvest_pids(lines).items()}


def renumber(lines, old_of_new):
    """Replaces each new PID by the old one; padding of two spaces or more before it (a
    right-aligned column) grows or shrinks so that the column still ends where it did."""
    if not old_of_new:
        return lines
    number = re.compile(r"( *)(?<![\d.])(" + "|".join(map(re.escape, old_of_new)) + r")(?![\d.])")

    def replace(m):
        pad, new = m.group(1), old_of_new[m.group(2)]
        if len(pad) >= 2:
            pad = " " * max(1, len(pad) + len(m.group(2)) - len(new))
        return pad + new

    return [number.sub(replace, line) for line in lines]


def rewrite(expected, actual, loose=False):
    """`actual` in the order of `expected`'s interleaving, renumbered, with the lines that did
    not change (masked) taken from `expected`."""
    old, new = numbers_by_label(expected), numbers_by_label(actual)
    actual = renumber(actual, {new[label]: old[label] for label in new
                               if label in old and new[label] != old[label]})
    want, got = mask(expected, loose), mask(actual, loose)
    order = order_like(want, got)
    got, actual = [got[i] for i in order], [actual[i] for i in order]
    result = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, want, got,
                                                       autojunk=False).get_opcodes():
        result += expected[i1:i2] if tag == "equal" else actual[j1:j2]
    return result
