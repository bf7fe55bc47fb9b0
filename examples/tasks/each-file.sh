#!/bin/sh
# A generated list: one task per text file under data/, in the command-line grammar, one to a
# line, read by mtask from standard input (`-f -`). Run it from this folder:
#   sh each-file.sh [OPTION...]     e.g. sh each-file.sh --junit report.xml
# The options go to `mtask run`; MTASK names the program (default: mtask on PATH).
set -eu
for file in data/*.txt; do
  name=$(basename "$file" .txt)
  printf 'count-%s=wc -l < %s\n' "$name" "$file"
done | "${MTASK:-mtask}" run -f - "$@"
