# Correctness of one run's output: every line present, whole, in order per task.
# Task lines are "tK-N" (from seq -f or echo) or "NAME... (N/M)" (mtask's built-in tasks),
# with whatever prefix the program adds (taken as the last field), or the "text" of a JSON
# line event. Usage: awk -v names=t1,t2 -v m=M -f check.awk OUTPUT  (or -v k=K for t1..tK)
# Prints "ok" or "BAD: ..." and exits 0 / 1.
BEGIN {
  if (k > 0) for (i = 1; i <= k; ++i) want["t" i] = 1
  else { n = split(names, list, ","); for (i = 1; i <= n; ++i) want[list[i]] = 1 }
  bad = 0; torn = 0; seen = 0
}
{
  if (index($0, "\"event\":") > 0) {
    if (index($0, "\"event\":\"line\"") == 0) next
    if (!match($0, /"text":"[^"]*"/)) { torn++; next }
    text = substr($0, RSTART + 8, RLENGTH - 9)
  } else {
    text = $0
    sub(/^.*\| /, "", text)            # mtask, baselines: "name pid | text"
    sub(/^[^\t]*\t/, "", text)         # parallel --tag: "arg<TAB>text"
    sub(/^\[[^]]*\] /, "", text)       # concurrently: "[name] text"
  }
  if (match(text, /^t[0-9]+-[0-9]+$/)) {
    dash = index(text, "-"); name = substr(text, 1, dash - 1); num = substr(text, dash + 1) + 0
  } else if (match(text, /^[^ ]+\.\.\. \([0-9]+\/[0-9]+\)$/)) {
    dots = index(text, "... ("); name = substr(text, 1, dots - 1)
    num = substr(text, dots + 5) + 0
  } else {
    # concurrently reports "[0] echo t1-1 exited with code 0": not task output
    if (text ~ / exited with code /) next
    if (text ~ /t[0-9]+-[0-9]/ || text ~ /\.\.\. \(/) torn++
    next
  }
  if (!(name in want)) { torn++; next }
  if (num != last[name] + 1) bad++
  last[name] = num; seen++
}
END {
  missing = 0
  for (name in want) if (last[name] != m) missing++
  if (bad || torn || missing) {
    printf "BAD: %d torn, %d out of order, %d tasks incomplete (%d lines seen)\n", torn, bad, missing, seen
    exit 1
  }
  print "ok"
}
