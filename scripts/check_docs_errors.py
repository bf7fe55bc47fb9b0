"""Checks a table of error messages of the docs: each row's example must give its message.

Part of scripts/check_docs (docs/docs-check.md, the `errors` directive)."""

import os
import re
import subprocess


def error_rows(block):
    """(message pattern, argument) for each row of a table of messages whose meaning gives an
    example in backticks; rows without one are counted apart."""
    rows, without = [], 0
    for number, line in enumerate(block.lines[2:], block.start + 3):
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        message = re.fullmatch(r"`(.*)`", cells[0]) if len(cells) >= 2 else None
        example = re.search(r"`([^`]+)`", cells[1]) if message else None
        if not example:
            without += 1
            continue
        # "..." opens a row of a hint, which follows any rule.
        text = message.group(1).replace("...", "…")
        pattern = ".*".join(re.escape(part) for part in text.split("…"))
        pattern = re.sub(r"'(?:[^'\\]|\\.)*'", "'.*'", pattern)  # a quoted unit, character...
        pattern = re.sub(r"\bN\b", r"\\d+", pattern)  # 'at byte N'
        argument = b"".join(
            bytes([int(part[2:], 16)]) if part.startswith("\\x") else
            chr(int(part[2:], 16)).encode("utf-8") if part.startswith("\\u") else
            part.encode("utf-8")
            for part in re.split(r"(\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4})", example.group(1)))
        template = block.directives["errors"] or "{}"
        rows.append((number, pattern, template.encode("utf-8").replace(b"{}", argument)))
    return rows, without


def check_error_table(block, mtask, env, root, timeout):
    problems = []
    rows, without = error_rows(block)
    for number, pattern, argument in rows:
        done = subprocess.run([mtask, "run", "--", argument], env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        first = done.stderr.decode("utf-8", "replace").split("\n")[0]
        # A rule may be followed by a hint in parentheses (docs/grammar.md).
        if done.returncode != 2 or not re.fullmatch(r"mtask: '.*': " + pattern + r"( \(.*\))?",
                                                     first):
            problems.append(f"{os.path.relpath(block.path, root)}:{number}: "
                            f"mtask run -- {argument!r} exits {done.returncode} and says\n"
                            f"  {first}\nnot the message of the table: {pattern}")
    return problems, len(rows), without
