#!/usr/bin/env python3
"""Paired gains of each method/row over random, from committed study results (cells/*.json).

For every (budget, seed) where the row and random both finished: gain = (random − row) / random test log-loss, in %.
Prints, per row and budget, the mean gain, the number of pairs and how many of them beat random; then the mean over
budgets, and the same against `tov` on the pairs both have (the question an ablation row answers).
Usage: bench/tov/paired_gains.py [--ref ROW] RESULTS_FOLDER [RESULTS_FOLDER ...]   (markdown on stdout)
--ref ROW pairs the last column against ROW instead of `tov` (e.g. --ref tov-bucketed for a row that changes one thing from it).
"""
import glob, json, os, sys

def load(folder):
    cells = {}
    for path in glob.glob(os.path.join(folder, "cells", "*.json")):
        c = json.load(open(path))
        cells[(c["method"], c["budget"], c["seed"])] = c["test_loss"]
    return cells

def gain(ref, x):
    return (ref - x) / ref * 100

args = sys.argv[1:]
ref = "tov"
if args[:1] == ["--ref"]:
    ref, args = args[1], args[2:]

for folder in args:
    cells = load(folder)
    name = os.path.basename(os.path.normpath(folder))
    rows = sorted({m for m, _, _ in cells}, key=lambda m: (m != "random", m != ref, m))
    budgets = sorted({b for _, b, _ in cells})
    print(f"\n### {name}\n")
    head = " | ".join(f"b{b}: vs random (wins)" for b in budgets)
    print(f"| row | seeds | {head} | mean vs random | mean vs {ref}, paired (wins) |")
    print("|---|---|" + "---:|" * (len(budgets) + 2))
    for m in rows:
        if m == "random":
            continue
        parts, all_gains, vs_tov = [], [], []
        seeds = set()
        for b in budgets:
            pairs = [(s, gain(cells[("random", b, s)], cells[(m, b, s)]))
                     for (mm, bb, s) in cells if mm == m and bb == b and ("random", b, s) in cells]
            seeds |= {s for s, _ in pairs}
            if pairs:
                g = [x for _, x in pairs]
                parts.append(f"{sum(g) / len(g):+.1f}% ({sum(x > 0 for x in g)}/{len(g)})")
                all_gains += g
            else:
                parts.append("–")
            if m != ref:
                vs_tov += [gain(cells[(ref, b, s)], cells[(m, b, s)]) for (mm, bb, s) in cells
                           if mm == m and bb == b and (ref, b, s) in cells]
        mean = f"{sum(all_gains) / len(all_gains):+.1f}%" if all_gains else "–"
        tov = f"{sum(vs_tov) / len(vs_tov):+.1f}% ({sum(x > 0 for x in vs_tov)}/{len(vs_tov)})" if vs_tov else "–"
        print(f"| {m} | {','.join(map(str, sorted(seeds)))} | {' | '.join(parts)} | {mean} | {tov} |")
