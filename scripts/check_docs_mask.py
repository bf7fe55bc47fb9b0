"""Masks what varies from run to run in an output, and compares two outputs so masked.

Part of scripts/check_docs (docs/docs-check.md says what is masked and compared)."""

import difflib
import re


PID_SOURCES = [  # (regex, group of the pid, group of the name or a fixed name)
    (r"^(?:\[[^\]]*\] )?(\S+) +(\d+) [>|<+](?: |$)", 2, 1),
    (r"^[ !] +(\S+) +(\d+) +(\d+) ", 2, 1),
    (r"^(\S+) +(\d+) [│|]", 2, 1),
    (r"\(ppid (\d+)\)", 1, "parent"),
    (r"^[ !] +\S+ +\d+ +(\d+) ", 1, "parent"),
    (r"^parent (\d+):", 1, "parent"),
    (r"-> (?:child )?(\d+) \(([^)\s]+)\)", 1, 2),
    (r'"task":"([^"]*)","index":\d+,"pid":(\d+)', 2, 1),
    (r'"(?:ppid|parent_pid)":(\d+)', 1, "parent"),
    (r'"name":"mtask run"[^\n]*?"pid":(\d+)', 1, "parent"),
    (r'"name":"([^"]*)","cat":"task"[^\n]*?"pid":(\d+)', 2, 1),
    (r"^\d+\t([^\t]*)\t(\d+)\t(\d+)\t", 2, 1),
    (r"^\d+\t[^\t]*\t\d+\t(\d+)\t", 1, "parent"),
    (r"^main process: pid (\d+)", 1, "parent"),
    (r"^(\S+) process: pid (\d+)", 2, 1),
    (r"\[(\S+) (\d+)\]", 2, 1),
    (r"getpid\(\)=(\d+)", 1, None),
]


VALUE_MASKS = [
    (r"\[ *\d+\.\d{3}\]", "[⟨ts⟩]"),
    (r"\[\d\d:\d\d:\d\d\.\d{3}\]", "[⟨ts⟩]"),
    (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", "⟨date⟩"),
    (r'\b(time|timestamp|hostname)="[^"]*"', r'\1="⟨v⟩"'),
    (r'"(t|wall_s|user_s|sys_s|max_rss_kb|task_wall_sum_s|speedup|ts|dur|cpu_ms)":[-0-9.e+]+',
     r'"\1":⟨n⟩'),
    # How tasks took turns on the CPU: counts and waits, and whether a wait is known, vary.
    (r'"(vcsw|ivcsw|cpu_wait_s|sequential_s|cores|others_cpu_s)":(?:[-0-9.e+]+|null)',
     r'"\1":⟨n⟩'),
    (r',"cpu_wait_partial":true', ""),
    (r'"sequential_upper_bound":(?:true|false)', r'"sequential_upper_bound":⟨b⟩'),
    (r'(<property name="(?:cpu_wait_s|vcsw|ivcsw)" value=")[^"]*"', r'\1⟨v⟩"'),
    (r"\b(preempted|the CPU) \d+ times?\b", r"\1 ⟨n⟩ times"),
    (r"\d+(\.\d+)?x speedup", "⟨x⟩ speedup"),
    (r"\b\d+\.\d\dx\b", "⟨x⟩"),
    (r"\d+(\.\d+)? cores busy", "⟨n⟩ cores busy"),
    (r"cores busy of \d+", "cores busy of ⟨n⟩"),
    (r"\d+(\.\d+)? ?(KiB|MiB|GiB|B)\b", "⟨size⟩"),
    (r"\b\d+(\.\d+)? ?(ns|us|ms|s|m|h)\b", "⟨time⟩"),
    # A summary row's CPU wait ("-" where it is unknown, "+" when partial) and switches.
    (r"(?:⟨time⟩\+?|-)( +)\d+/\d+( +⟨size⟩)$", r"⟨wait⟩\1⟨switches⟩\2"),
    # The totals name the CPU wait only when it is large enough to matter.
    (r", ⟨time⟩ of it waiting for a CPU$", ""),
]
JOBLOG_TURNS = re.compile(r"^(\d+\t(?:[^\t]*\t){13})[^\t]*\t\d+\t\d+\t")
JOBLOG_ROW = re.compile(r"^(\d+\t[^\t]*\t\d+\t\d+\t)[^\t]*\t[^\t]*\t[^\t]*\t[^\t]*\t[^\t]*\t")
TIMELINE_ROW = re.compile(r"([│|])[█░#\-0-9╱▁/_ ]*[│|]\s*$")  # bars and state strips
# A CPU's row: which CPUs a run used, and how many, depends on the machine.
TIMELINE_CPU_ROW = re.compile(r"^CPU \d+ +[│|].*[│|]\s*$")
PREFIX = re.compile(r"^(\[[^\]]*\] )?(\S+)( +)(\d+) ([>|<+])(?: |$)")
TABLE_HEADER = re.compile(r"^\s+task\s+pid\s+ppid\s+status\s")  # widths follow the values
TIMELINE_AXIS = re.compile(r"^\s*[└+][┴─+\-]*[┘+]\s*$")


def harvest_pids(lines):
    """Maps each PID seen in the output to a label naming its task: pid:sing, pid:sing#2."""
    names, labels = {}, {}
    for line in lines:
        for pattern, pid_group, name in PID_SOURCES:
            for m in re.finditer(pattern, line):
                pid = m.group(pid_group)
                if pid in names:
                    continue
                names[pid] = name if name is None or isinstance(name, str) else m.group(name)
    seen = {}
    for pid, name in names.items():
        if name is None:
            continue
        seen[name] = seen.get(name, 0) + 1
        labels[pid] = f"⟨pid:{name}{'' if seen[name] == 1 else '#' + str(seen[name])}⟩"
    return labels


def mask(lines, loose=False):
    labels = harvest_pids(lines)
    pid_re = re.compile(r"(?<![\d.])(" + "|".join(map(re.escape, labels)) + r")(?![\d.])") \
        if labels else None
    out, after_axis = [], False
    for line in lines:
        if after_axis:
            out.append("⟨timeline labels⟩")
            after_axis = False
            continue
        if TIMELINE_CPU_ROW.match(line):  # one for one: --update maps masked lines to lines
            out.append("⟨cpu row⟩")
            continue
        if TIMELINE_AXIS.match(line):
            out.append("⟨timeline axis⟩")
            after_axis = True
            continue
        prefix = PREFIX.match(line)
        if prefix:  # the PID is right-aligned: where the mark stands says if names line up
            line = (f"{prefix.group(1) or ''}{prefix.group(2)}⟨:{prefix.start(5)}⟩ "
                    f"{prefix.group(4)} {line[prefix.start(5):]}")
        if TABLE_HEADER.match(line):
            line = " ".join(line.split())
        line = JOBLOG_TURNS.sub(r"\1⟨cpu_wait⟩\t⟨vcsw⟩\t⟨ivcsw⟩\t", line)
        line = JOBLOG_ROW.sub(r"\1⟨start⟩\t⟨wall⟩\t⟨user⟩\t⟨sys⟩\t⟨rss⟩\t", line)
        line = TIMELINE_ROW.sub(r"\1⟨bar⟩\1", line)
        if re.match(r"^\s+[│|]⟨bar⟩", line):  # a state strip, indented as wide as the PIDs
            line = line.lstrip()
        for pattern, replacement in VALUE_MASKS:
            line = re.sub(pattern, replacement, line)
        if pid_re:
            line = pid_re.sub(lambda m: labels[m.group(1)], line)
        if loose:
            line = re.sub(r"cores busy \(.*\)$", "cores busy (⟨conclusion⟩)", line)
            line = re.sub(r"⟨x⟩, .*$", "⟨x⟩, ⟨verdict⟩", line)
            line = line.replace("at most ", "")  # an upper bound where part of a wait was unseen
        line = re.sub(r" +⟨", " ⟨", line)
        line = re.sub(r"⟩ +", "⟩ ", line)
        # A summary row of a task that never started has dashes for PIDs, times and sizes, in
        # columns as wide as the run's values: only its words are compared.
        if re.match(r"^[ !] \S+ +- +- ", line):
            line = line[:2] + " ".join(line[2:].split())
        out.append(line.rstrip())
    return out


# ---- comparing ---------------------------------------------------------------------------------


TASK_LABEL = re.compile(r"⟨pid:(?!parent⟩)[^⟩]*⟩")
TABLE_ROW = re.compile(r"^[ !] \S+ ⟨pid:[^⟩]*⟩ ⟨pid:parent⟩ ")


def live_key(line):
    """The task a masked line belongs to when it is one of the lines tasks interleave (output,
    start and end lines, JSON events, job log rows...), else None (summary rows, timelines)."""
    label = TASK_LABEL.search(line)
    if label and not TABLE_ROW.match(line) and "⟨bar⟩" not in line:
        return label.group(0)
    return None


def items(masked):
    """Fixed lines as they are; each run of lines of tasks as one item: {task: [lines]}."""
    result = []
    for line in masked:
        key = live_key(line)
        if key is None:
            result.append(line)
            continue
        if not result or not isinstance(result[-1], dict):
            result.append({})
        result[-1].setdefault(key, []).append(line)
    return result


def order_like(want, got):
    """The indexes of `got`'s lines, each run of tasks' lines put in the order in which
    `want`'s run at the same place interleaves them (what is left after, as it came)."""
    def runs(lines):
        result = []
        for i, line in enumerate(lines):
            key = live_key(line)
            if key is None:
                result.append(i)
            elif result and isinstance(result[-1], list):
                result[-1].append((key, i))
            else:
                result.append([(key, i)])
        return result

    model, order = runs(want), []
    for n, part in enumerate(runs(got)):
        if not isinstance(part, list):
            order.append(part)
            continue
        queues = {}
        for key, i in part:
            queues.setdefault(key, []).append(i)
        taken = set()
        for key, _ in model[n] if n < len(model) and isinstance(model[n], list) else []:
            if queues.get(key):
                taken.add(queues[key][0])
                order.append(queues[key].pop(0))
        order += [i for _, i in part if i not in taken]
    return order


def same(expected, actual, loose=False):
    return items(mask(expected, loose)) == items(mask(actual, loose))


def describe(expected, actual, loose=False):
    want, got = mask(expected, loose), mask(actual, loose)
    got = [got[i] for i in order_like(want, got)]
    diff = difflib.unified_diff(want, got, "docs (masked)",
                                "run (masked)", lineterm="", n=2)
    return "\n".join(diff) or "(the same lines, but a task's lines in another order)"
