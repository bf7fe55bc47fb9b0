"""Turns bench/run's raw measurements into one table (markdown) and checks the targets.

usage: report.py META RAW               prints the table
       report.py --docs FILE TABLE [scaling]
                                       puts TABLE (a printed table) into FILE, between the
                                       lines of MARKS below (for the results, or the scaling)
RAW columns: scenario program role wall user sys maxrss extra verdict (one row per run).
"""
import statistics
import sys
from collections import OrderedDict

LESSON_SLEEP = 1.5  # the lesson's own sleeping: its physical limit
MARKS = {
    "results": ("<!-- bench/run --docs: the table below is written by bench/run -->",
                "<!-- bench/run --docs: end of the table -->"),
    "scaling": ("<!-- bench/run --docs: the scaling table below is written by bench/run -->",
                "<!-- bench/run --docs: end of the scaling table -->"),
}
SAMPLED = "mtask (json, --trace: sampled): parent CPU ms"
TRUTH = "mtask -j 1000: median task wall ms"


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
        if scenario in ("timing", "timing-truth"):
            ratio = "-"
        span = f"{fmt_time(min(e['wall']), scenario)} – {fmt_time(max(e['wall']), scenario)}"
        if len(e["wall"]) == 1:
            span = f"(1 run)"
        extra_text = "-" if extra is None else f"{extra:g}"
        print(f"| {scenario} | {program} | {fmt_time(med, scenario)} | {span} | {ratio} | "
              f"{extra_text} | {verdicts[(scenario, program)]} |")

    print()
    print("Targets, from the medians of this run:")
    print()
    print("| target | measured | |")
    print("|---|---|---|")

    def m(scenario, program):
        return medians.get((scenario, program))

    def target(name, value, limit, better_low=True, unit="x"):
        sign = "<=" if better_low else ">="
        if value is None:
            print(f"| {name} {sign} {limit:g}{unit} | not measured | |")
            return
        met = value <= limit if better_low else value >= limit
        print(f"| {name} {sign} {limit:g}{unit} | {value:.2f}{unit} | {'met' if met else 'MISSED'} |")

    def ratio(a, b):
        return None if a is None or b is None else a / b

    for s, label in (("tput-4x250k", "4x250k"), ("tput-100x10k", "100x10k")):
        base_c = m(s, "baseline (c)")
        target(f"{label} text: mtask / C multiplexer (c)", ratio(m(s, "mtask text"), base_c), 1.3)
        target(f"{label} JSON: mtask / C multiplexer (c)", ratio(m(s, "mtask json"), base_c), 2.0)
        if s == "tput-4x250k":  # the peer's target is for a few long streams
            target(f"{label} text: `parallel --line-buffer` / mtask",
                   ratio(m(s, "parallel --line-buffer --tag"), m(s, "mtask text")), 3,
                   better_low=False)
    for s in ("tput-4x250k", "tput-100x10k"):
        for program in ("mtask text", "mtask json"):
            if (s, program) in verdicts and verdicts[(s, program)] != "ok":
                print(f"| {s}, {program}: every line whole and in order | "
                      f"{verdicts[(s, program)]} | MISSED |")
    spawn = m("spawn-builtin", "mtask -j 64")
    target("1000 built-in, -j 64: mtask / C fork (a)", ratio(spawn, m("spawn-builtin", "baseline (a)")), 1.6)
    target("1000 built-in, -j 64: GNU parallel / mtask",
           ratio(m("spawn-builtin", "parallel -j64 --line-buffer --tag"), spawn), 25, better_low=False)
    target("instructions per line, text: mtask / C multiplexer",
           ratio(m("instr/line", "mtask text"), m("instr/line", "baseline (c)")), 2.0)
    target("instructions per line, JSON: mtask / C multiplexer",
           ratio(m("instr/line", "mtask json"), m("instr/line", "baseline (c)")), 3.0)
    for j in (64, 1000):
        big, small = m(f"scale-10000-j{j}", f"mtask -j {j}"), m(f"scale-1000-j{j}", f"mtask -j {j}")
        target(f"time per task, -j {j}: 10,000 tasks / 1,000 tasks",
               None if big is None or small is None else (big / 10000) / (small / 1000), 1.15)
    target("startup: mtask (command) / xargs -P1",
           ratio(m("startup", "mtask (command)"), m("startup", "xargs -P1")), 1.2)
    target("startup: mtask (built-in) / xargs -P1",
           ratio(m("startup", "mtask (built-in)"), m("startup", "xargs -P1")), 1.2)
    target("1000 commands: mtask / xargs -P 64",
           ratio(m("spawn-cmd", "mtask -j 64"), m("spawn-cmd", "xargs -P 64")), 1.0)
    target("lesson: wall beyond 1.5 s", extras.get(("lesson", "mtask (text)")), 5, unit=" ms")
    target("lesson: parent CPU", extras.get(("lesson", "mtask (json): parent CPU ms")), 5,
           unit=" ms")
    target("sampling (a view asked for): parent CPU over the 1.5 s lesson",
           extras.get(("sampling", SAMPLED)), 75, unit=" ms")
    tick = extras.get(("timing", "mtask: last tick error ms"))
    target("timing: error of the 100th tick", None if tick is None else abs(tick), 1, unit=" ms")
    target("timing truth: median wall of 1000 tasks of 1 ms started at once",
           extras.get(("timing-truth", TRUTH)), 20, unit=" ms")
    target("memory: parent peak RSS, 1 task", extras.get(("memory-1task", "mtask, 1 task: parent kB")),
           4096, unit=" kB")
    target("memory: parent peak RSS, 1000 tasks", extras.get(("spawn-builtin", "mtask -j 64")),
           6144, unit=" kB")
    target("memory: parent peak RSS, 1000 commands", extras.get(("spawn-cmd", "mtask -j 64")),
           6144, unit=" kB")
    target("memory: parent peak RSS, 1 GB of output",
           extras.get(("memory", "mtask, 1 GB text: parent kB")), 6144, unit=" kB")

def into_docs(path, table_path, kind):
    begin_mark, end_mark = MARKS[kind]
    with open(path) as f:
        text = f.read()
    with open(table_path) as f:
        table = f.read().rstrip("\n")
    begin = text.find(begin_mark)
    end = text.find(end_mark)
    if begin < 0 or end < begin:
        sys.exit(f"report.py: {path} has no '{begin_mark}' ... '{end_mark}' section")
    text = text[: begin + len(begin_mark)] + "\n\n" + table + "\n\n" + text[end:]
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    if len(sys.argv) in (4, 5) and sys.argv[1] == "--docs":
        into_docs(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) == 5 else "results")
    else:
        main()
