"""Draws the scaling curve of bench/run's scale scenario and prints its per-task table.

usage: curve.py RAW SVG
RAW: bench/out/raw.tsv (rows of scenarios "scale-N-jJ"); SVG: where to draw the curve
(docs/img/scaling.svg). Python 3's standard library only.
"""
import math
import re
import statistics
import sys
from collections import OrderedDict

# (label in the SVG, scenario's -j, program in raw.tsv, colour, dashed)
SERIES = [
    ("mtask -j 64", 64, "mtask -j 64", "#1f77b4", False),
    ("mtask -j 1000", 1000, "mtask -j 1000", "#2ca02c", False),
    ("C baseline (a) -j 64", 64, "baseline (a)", "#7f7f7f", False),
    ("C baseline (a) -j 1000", 1000, "baseline (a)", "#7f7f7f", True),
    ("C baseline (a) -j 64, parent as large as mtask", 64, "baseline (a), parent as large as mtask",
     "#9467bd", True),
    ("GNU parallel -j 64", 64, "parallel -j64 --line-buffer --tag", "#d62728", False),
]
SCENARIO = re.compile(r"^scale-(\d+)-j(\d+)$")


def load(path):
    """{(label): {tasks: {"wall": [...], "rss": [...], "ok": bool}}}"""
    series = OrderedDict((s[0], {}) for s in SERIES)
    with open(path) as f:
        for line in f:
            scenario, program, _role, wall, _u, _s, _rss, extra, verdict = line.rstrip("\n").split("\t")
            m = SCENARIO.match(scenario)
            if not m:
                continue
            tasks, jobs = int(m.group(1)), int(m.group(2))
            for label, j, prog, _colour, _dashed in SERIES:
                if j != jobs or prog != program:
                    continue
                point = series[label].setdefault(tasks, {"wall": [], "rss": [], "ok": True})
                point["wall"].append(float(wall))
                if extra != "-":
                    point["rss"].append(float(extra))
                point["ok"] = point["ok"] and verdict == "ok"
    return OrderedDict((k, v) for k, v in series.items() if v)


def per_task_us(point, tasks):
    return statistics.median(point["wall"]) / tasks * 1e6


def slope_kb(points):
    """Least-squares slope of peak RSS (kB) against tasks: the memory each task costs."""
    xs = [n for n, p in points.items() if p["rss"]]
    if len(xs) < 2:
        return None
    ys = [statistics.median(points[n]["rss"]) for n in xs]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else None


def table(series):
    sizes = sorted({n for points in series.values() for n in points})
    print("| program | " + " | ".join(f"{n:,} tasks" for n in sizes) +
          " | 10k / 1k | 100k / 1k | parent peak RSS | kB per task | correct |")
    print("|---|" + "---|" * len(sizes) + "---|---|---|---|---|")
    for label, points in series.items():
        cells = []
        for n in sizes:
            cells.append(f"{per_task_us(points[n], n):.0f} µs" if n in points else "-")

        def ratio(big):
            if big in points and 1000 in points:
                return f"{per_task_us(points[big], big) / per_task_us(points[1000], 1000):.2f}x"
            return "-"

        rss = [f"{statistics.median(points[n]['rss']):.0f}" for n in sizes
               if n in points and points[n]["rss"]]
        slope = slope_kb(points)
        ok = "ok" if all(p["ok"] for p in points.values()) else "BAD"
        print(f"| {label} | " + " | ".join(cells) + f" | {ratio(10000)} | {ratio(100000)} | "
              f"{' / '.join(rss) + ' kB' if rss else '-'} | "
              f"{'-' if slope is None else f'{slope:.3f}'} | {ok} |")
    print()
    print("Time per task: the median wall time of the whole run divided by its tasks. "
          "Peak RSS: the parent's own (VmHWM), at each size; kB per task: its slope.")


def svg(series, path):
    width, height = 760, 440
    left, right, top, bottom = 70, 200, 40, 50
    pw, ph = width - left - right, height - top - bottom
    sizes = sorted({n for points in series.values() for n in points})
    values = [per_task_us(p, n) for points in series.values() for n, p in points.items()]
    x_lo, x_hi = math.floor(math.log10(min(sizes))), math.ceil(math.log10(max(sizes)))
    y_lo, y_hi = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
    if x_hi == x_lo:
        x_hi += 1
    if y_hi == y_lo:
        y_hi += 1

    def x_of(n):
        return left + (math.log10(n) - x_lo) / (x_hi - x_lo) * pw

    def y_of(us):
        return top + ph - (math.log10(us) - y_lo) / (y_hi - y_lo) * ph

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="22" font-size="14" font-weight="bold">Time per task, '
           f'built-in tasks of one line (bench/run --only scale)</text>']
    for d in range(x_lo, x_hi + 1):
        x = left + (d - x_lo) / (x_hi - x_lo) * pw
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + ph}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{top + ph + 18}" text-anchor="middle">{10 ** d:,}</text>')
    for d in range(y_lo, y_hi + 1):
        for k in (1, 2, 5):
            v = k * 10.0 ** d
            if v > 10.0 ** y_hi:
                continue
            y = y_of(v)
            out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" '
                       f'stroke="{"#ddd" if k == 1 else "#f2f2f2"}"/>')
            out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#444"/>')
    out.append(f'<text x="{left + pw / 2}" y="{height - 10}" text-anchor="middle">tasks '
               f'(log scale)</text>')
    out.append(f'<text transform="translate(16 {top + ph / 2}) rotate(-90)" text-anchor="middle">'
               f'µs per task (wall / tasks, log scale)</text>')
    colours = {s[0]: (s[3], s[4]) for s in SERIES}
    for i, (label, points) in enumerate(series.items()):
        colour, dashed = colours[label]
        pts = [(x_of(n), y_of(per_task_us(points[n], n))) for n in sorted(points)]
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="' +
                   " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
        for x, y in pts:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
        ly = top + 14 + i * 20
        out.append(f'<line x1="{left + pw + 14}" y1="{ly - 4}" x2="{left + pw + 40}" y2="{ly - 4}" '
                   f'stroke="{colour}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{left + pw + 46}" y="{ly}">{label}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    raw, path = sys.argv[1], sys.argv[2]
    series = load(raw)
    if not series:
        print("curve.py: no scale rows in", raw, file=sys.stderr)
        return 1
    table(series)
    svg(series, path)
    print(f"The curve: {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
