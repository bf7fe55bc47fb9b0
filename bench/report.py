"""Turns bench/run's raw measurements into one table (markdown) and checks the targets.

usage: report.py META RAW
RAW columns: scenario program role wall user sys maxrss extra verdict (one row per run).
"""
import statistics
import sys
from collections import OrderedDict

LESSON_SLEEP = 1.5  # the lesson's own sleeping: its physical limit


def load(path):
    rows = OrderedDict()
    with open(path) as f:
        for line in f:
            scenario, program, role, wall, _u, _s, _rss, extra, verdict = line.rstrip("\n").split("\t")
            key = (scenario, program)
            entry = rows.setdefault(key, {"role": role, "wall": [], "extra": [], "verdicts": []})
            entry["wall"].append(float(wall))
            if extra != "-":
                entry["extra"].append(float(extra))
            entry["verdicts"].append(verdict)
    return rows


def verdict_of(verdicts):
    bad = [v for v in verdicts if v != "ok"]
    if not bad:
        return "ok"
    return f"{len(bad)}/{len(verdicts)} bad: {bad[0]}"


def fmt_time(seconds, scenario):
    if scenario == "instr/line":
        return f"{seconds:.0f} instr"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.3f} s"


def main():
    meta, raw = sys.argv[1], sys.argv[2]
    rows = load(raw)
    base = {}
    for (scenario, _program), e in rows.items():
        if e["role"] == "base":
            base[scenario] = statistics.median(e["wall"])
    base.setdefault("lesson", LESSON_SLEEP)
    base.setdefault("sampling", LESSON_SLEEP)

    with open(meta) as f:
        for line in f:
            print(line.rstrip("\n").lstrip("# "), end="  \n")
    print()
    print("| scenario | program | median | min–max | ratio to baseline | extra (median) | correct |")
    print("|---|---|---|---|---|---|---|")
    medians = {}
    extras = {}
    verdicts = {}
    for (scenario, program), e in rows.items():
        med = statistics.median(e["wall"])
        medians[(scenario, program)] = med
        extra = statistics.median(e["extra"]) if e["extra"] else None
        extras[(scenario, program)] = extra
        verdicts[(scenario, program)] = verdict_of(e["verdicts"])
        ratio = f"{med / base[scenario]:.2f}x" if scenario in base and base[scenario] > 0 else "-"
        if scenario == "timing":
            ratio = "-"
        span = f"{fmt_time(min(e['wall']), scenario)} – {fmt_time(max(e['wall']), scenario)}"
        if len(e["wall"]) == 1:
            span = f"(1 run)"
        extra_text = "-" if extra is None else f"{extra:g}"
        print(f"| {scenario} | {program} | {fmt_time(med, scenario)} | {span} | {ratio} | "
              f"{extra_text} | {verdicts[(scenario, program)]} |")

    print()
    print("Targets (ratios of medians from this run):")

    def m(scenario, program):
        return medians.get((scenario, program))

    def target(name, value, limit, better_low=True, unit="x"):
        if value is None:
            print(f"- {name}: not measured")
            return
        met = value <= limit if better_low else value >= limit
        sign = "<=" if better_low else ">="
        print(f"- {name}: {value:.2f}{unit} (target {sign} {limit}{unit}) {'MET' if met else 'MISSED'}")

    def ratio(a, b):
        return None if a is None or b is None else a / b

    target("startup: mtask (command) / xargs -P1",
           ratio(m("startup", "mtask (command)"), m("startup", "xargs -P1")), 1.2)
    target("startup: mtask (built-in) / xargs -P1",
           ratio(m("startup", "mtask (built-in)"), m("startup", "xargs -P1")), 1.2)
    target("1000 built-in: mtask / baseline (a)",
           ratio(m("spawn-builtin", "mtask -j 64"), m("spawn-builtin", "baseline (a)")), 1.5)
    target("1000 built-in: parallel / mtask",
           ratio(m("spawn-builtin", "parallel -j64 --line-buffer --tag"),
                 m("spawn-builtin", "mtask -j 64")), 20, better_low=False)
    target("1000 commands: mtask / xargs -P 64",
           ratio(m("spawn-cmd", "mtask -j 64"), m("spawn-cmd", "xargs -P 64")), 1.0)
    for s in ("tput-4x250k", "tput-100x10k"):
        target(f"{s}: mtask text / baseline (c)",
               ratio(m(s, "mtask text"), m(s, "baseline (c)")), 1.5)
        target(f"{s}: parallel --line-buffer / mtask text",
               ratio(m(s, "parallel --line-buffer --tag"), m(s, "mtask text")), 3,
               better_low=False)
        print(f"- {s}: mtask text {verdicts.get((s, 'mtask text'), '-')}, "
              f"mtask json {verdicts.get((s, 'mtask json'), '-')}")
    target("lesson: wall beyond 1.5 s", extras.get(("lesson", "mtask (text)")), 5, unit=" ms")
    target("lesson: parent CPU", extras.get(("lesson", "mtask (json): parent CPU ms")), 5,
           unit=" ms")
    tick = extras.get(("timing", "mtask: last tick error ms"))
    target("timing: |100th tick - schedule|", None if tick is None else abs(tick), 1, unit=" ms")
    target("memory: parent peak RSS, 1 task", extras.get(("memory-1task", "mtask, 1 task: parent kB")),
           4096, unit=" kB")
    target("memory: parent peak RSS, 1000 tasks", extras.get(("spawn-builtin", "mtask -j 64")),
           6144, unit=" kB")
    target("memory: parent peak RSS, 1000 commands", extras.get(("spawn-cmd", "mtask -j 64")),
           6144, unit=" kB")
    target("memory: parent peak RSS, 1 GB of output",
           extras.get(("memory", "mtask, 1 GB text: parent kB")), 6144, unit=" kB")


if __name__ == "__main__":
    main()
