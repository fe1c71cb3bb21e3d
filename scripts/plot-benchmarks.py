#!/usr/bin/env python3
"""Draws the plots at the top of docs/benchmarks.md from the measured tables in the same file.

Reads the markdown tables (the numbers as measured, with their commands and dates beside them) and
writes SVG files into docs/img/. No plotting library: plain SVG, so it runs wherever python3 does.
Run after adding measurements:  python3 scripts/plot-benchmarks.py
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "benchmarks.md")
OUT = os.path.join(ROOT, "docs", "img")
COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]


def table_after(text, heading, first_column):
    """Rows (lists of cells) of the first table after `heading` whose header starts with `first_column`."""
    start = text.index(heading)
    lines = text[start:].splitlines()
    rows, inside = [], False
    for line in lines:
        if line.startswith("| " + first_column + " |"):
            inside = True
            continue
        if inside:
            if line.startswith("|---"):
                continue
            if not line.startswith("|"):
                break
            rows.append([c.strip().strip("*") for c in line.strip("|").split("|")])
    if not rows:
        sys.exit("no table starting with '%s' after '%s' in %s" % (first_column, heading, DOC))
    return rows


class Svg:
    def __init__(self, title, width=640, height=360):
        self.w, self.h = width, height
        self.left, self.right, self.top, self.bottom = 70, 30, 40, 50
        self.parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">'
                      % (width, height), '<rect width="100%" height="100%" fill="white"/>',
                      '<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>' % (self.left, esc(title))]

    def plot_w(self):
        return self.w - self.left - self.right

    def plot_h(self):
        return self.h - self.top - self.bottom

    def y_axis(self, top_value, label, x=None, right=False):
        x = self.left if x is None else x
        self.parts.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (x, self.top, x, self.top + self.plot_h()))
        for i in range(5):
            v = top_value * i / 4
            y = self.top + self.plot_h() * (1 - i / 4)
            tx = x + 6 if right else x - 6
            anchor = "start" if right else "end"
            self.parts.append('<text x="%d" y="%d" text-anchor="%s">%s</text>' % (tx, y + 4, anchor, fmt(v)))
            if not right:
                self.parts.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#ddd"/>' % (x, y, x + self.plot_w(), y))
        lx = x + 50 if right else x - 55
        self.parts.append('<text transform="translate(%d,%d) rotate(-90)" text-anchor="middle">%s</text>'
                          % (lx, self.top + self.plot_h() / 2, esc(label)))

    def x_labels(self, labels, title):
        n = len(labels)
        for i, l in enumerate(labels):
            x = self.left + self.plot_w() * (i + 0.5) / n
            self.parts.append('<text x="%d" y="%d" text-anchor="middle">%s</text>' % (x, self.top + self.plot_h() + 16, esc(l)))
        self.parts.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>'
                          % (self.left, self.top + self.plot_h(), self.left + self.plot_w(), self.top + self.plot_h()))
        self.parts.append('<text x="%d" y="%d" text-anchor="middle">%s</text>'
                          % (self.left + self.plot_w() / 2, self.h - 10, esc(title)))

    def line(self, values, top_value, color, dashed=False):
        n = len(values)
        pts = []
        for i, v in enumerate(values):
            x = self.left + self.plot_w() * (i + 0.5) / n
            y = self.top + self.plot_h() * (1 - v / top_value)
            pts.append("%.1f,%.1f" % (x, y))
            self.parts.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>' % (x, y, color))
        self.parts.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>'
                          % (" ".join(pts), color, ' stroke-dasharray="6,4"' if dashed else ""))

    def bars(self, groups, top_value):
        """groups: list (per x label) of lists of values, one per series."""
        n = len(groups)
        per = len(groups[0])
        slot = self.plot_w() / n
        bw = slot * 0.8 / per
        for i, g in enumerate(groups):
            for j, v in enumerate(g):
                x = self.left + slot * i + slot * 0.1 + bw * j
                hgt = self.plot_h() * v / top_value
                self.parts.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>'
                                  % (x, self.top + self.plot_h() - hgt, bw - 2, hgt, COLORS[j % len(COLORS)]))

    def legend(self, names, dashed=()):
        x = self.left + 12  # inside the plot, top left, on a white box
        width = 36 + 7 * max(len(n) for n in names)
        self.parts.append('<rect x="%d" y="%d" width="%d" height="%d" fill="white" fill-opacity="0.85" stroke="#999"/>'
                          % (x - 6, self.top + 2, width, 18 * len(names) + 6))
        for i, name in enumerate(names):
            y = self.top + 10 + 18 * i
            self.parts.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="6"%s/>'
                              % (x, y, x + 18, y, COLORS[i % len(COLORS)], ' stroke-dasharray="4,2"' if i in dashed else ""))
            self.parts.append('<text x="%d" y="%d">%s</text>' % (x + 24, y + 4, esc(name)))

    def save(self, name):
        path = os.path.join(OUT, name)
        with open(path, "w") as f:
            f.write("\n".join(self.parts + ["</svg>"]) + "\n")
        print("wrote", os.path.relpath(path, ROOT))


def esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;")


def fmt(v):
    if v >= 1e6:
        return "%.1fM" % (v / 1e6)
    if v >= 1e3:
        return "%.0fk" % (v / 1e3)
    return "%.3g" % v


def nice_top(v):
    for m in (1, 2, 2.5, 5, 10):
        for e in range(-2, 10):
            if m * 10 ** e >= v:
                top = m * 10 ** e
                return top
    return v


def ratio_and_cpu_by_quality(text):
    rows = table_after(text, "## Compression ratio and speed by quality", "corpus")
    corpora = sorted({r[0] for r in rows})
    qualities = sorted({int(r[1]) for r in rows if r[2] == "22"})
    svg = Svg("Ratio (solid) and rows per CPU-second (dashed) by Brotli quality", 720, 380)
    svg.right = 80
    ratio_top = nice_top(max(float(r[6]) for r in rows))
    cpu_top = nice_top(max(float(r[5]) for r in rows))
    svg.y_axis(ratio_top, "ratio (NDJSON / sealed bytes)")
    svg.y_axis(cpu_top, "rows per CPU-second", x=svg.left + svg.plot_w(), right=True)
    svg.x_labels([str(q) for q in qualities], "quality (one writer thread, window 22)")
    names = []
    for i, c in enumerate(corpora):
        by_q = {int(r[1]): r for r in rows if r[0] == c and r[2] == "22"}
        svg.line([float(by_q[q][6]) for q in qualities], ratio_top, COLORS[i])
        svg.line([float(by_q[q][5]) for q in qualities], cpu_top, COLORS[i], dashed=True)
        names.append(c.replace(".prom", ""))
    svg.legend(names)
    svg.save("ratio-and-cpu-by-quality.svg")


def ingest_vs_spool(text):
    rows = table_after(text, "### Latest: decoded once", "quality")
    svg = Svg("remote_write ingest vs the spool writer alone (rows or samples per second)")
    top = nice_top(max(max(float(r[1]), float(r[2]), float(r[3])) for r in rows))
    svg.y_axis(top, "per second")
    svg.x_labels(["q" + r[0] for r in rows], "Brotli quality")
    svg.bars([[float(r[1]), float(r[2]), float(r[3])] for r in rows], top)
    svg.legend(["bench write, 1 thread", "bench write, 2 threads", "ingest, sealed"])
    svg.save("ingest-vs-spool.svg")


def upload_vs_sdk(text):
    rows = table_after(text, "### Throughput: the uploader against a plain loop", "concurrency")
    rows.sort(key=lambda r: int(r[0]))
    svg = Svg("Uploader vs a plain SDK putObject loop (MiB/s, medians)")
    top = nice_top(max(max(float(r[1]), float(r[2])) for r in rows))
    svg.y_axis(top, "MiB/s")
    svg.x_labels(["concurrency " + r[0] for r in rows], "same files, same S3 server, same client")
    svg.bars([[float(r[1]), float(r[2])] for r in rows], top)
    svg.legend(["Cistern uploader", "plain SDK loop"])
    svg.save("upload-vs-sdk.svg")


def main():
    with open(DOC) as f:
        text = f.read()
    os.makedirs(OUT, exist_ok=True)
    ratio_and_cpu_by_quality(text)
    ingest_vs_spool(text)
    upload_vs_sdk(text)


if __name__ == "__main__":
    main()
