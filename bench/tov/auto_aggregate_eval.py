#!/usr/bin/env python3
"""What auto_aggregate's choices would have given, from the committed cells (docs/tov-defaults.md, "Mean or sum chosen
from the target").

auto_aggregate only chooses the aggregation; the final fit on the whole target is the study's ordinary fit and the
selection is that of the row with the chosen aggregation. So per (study, seed) the choice (choices.csv, written from the
probe runs' RUN/auto-aggregate/choice.json) picks that seed's cells of the mean row (today's default) or of the summed
row, and this script pairs them against the mean row and against random. Checked once against a real cell of the
auto row: politics seed 0 at budget 50 gave 1.2322, the summed row's cell 1.2322.
The same reading serves auto_aggregate_probe=judge (bench/results/tov-aggjudge-2026-12-02; its choices have no
random-rows probe, shown as –).
Usage: bench/tov/auto_aggregate_eval.py CHOICES_CSV   (run from the repository root; markdown on stdout)
"""
import csv, json, sys

STUDIES = {  # study: (results folder, mean row, summed row)
    "ner-politics-offdomain-minilm": ("bench/results/politics-offdomain-2026-12-01/ner-politics-offdomain-minilm", "tov-top2-mix25", "tov-top2-sum"),
    "ner-music-mixed-minilm-tov": ("bench/results/tov-ablation-2026-12-01/ner-music-mixed-minilm-tov", "tov-top2-mix25", "tov-top2-sum"),
    "ner-science-wikipedia-minilm": ("bench/results/science-wikipedia-2026-12-01/ner-science-wikipedia-minilm", "tov-mix25", "tov-sum"),
}
BUDGETS = (50, 200)

def loss(folder, row, budget, seed):
    return json.load(open(f"{folder}/cells/{row}__b{budget}__s{seed}.json"))["test_loss"]

def gain(ref, x):
    return (ref - x) / ref * 100

choices = list(csv.DictReader(open(sys.argv[1])))
def fmt(text):
    return f"{float(text):.4f}" if text else "–"  # the judge probe has no random-rows probe

print("| study | seed | probe: mean / sum / random rows | chose | judge: sum vs mean, b50 / b200 | right |")
print("|---|---:|---|---|---|---|")
summary = {}
probe_gain, judge_gain = [], []  # the sum's % lower loss than the mean's: on the held-out part, and on test (both budgets' mean)
for c in choices:
    folder, mean_row, sum_row = STUDIES[c["study"]]
    seed = int(c["seed"])
    chosen = sum_row if c["chosen"] == "sum" else mean_row
    sum_vs_mean = [gain(loss(folder, mean_row, b, seed), loss(folder, sum_row, b, seed)) for b in BUDGETS]
    right = (sum(sum_vs_mean) > 0) == (c["chosen"] == "sum")
    probe_gain.append(gain(float(c["mean_loss"]), float(c["sum_loss"])))
    judge_gain.append(sum(sum_vs_mean) / len(sum_vs_mean))
    s = summary.setdefault(c["study"], {"def": [], "rand": [], "right": 0, "n": 0})
    s["n"] += 1
    s["right"] += right
    for b in BUDGETS:
        x = loss(folder, chosen, b, seed)
        s["def"].append(gain(loss(folder, mean_row, b, seed), x))
        s["rand"].append(gain(loss(folder, "random", b, seed), x))
    print(f"| {c['study']} | {seed} | {fmt(c['mean_loss'])} / {fmt(c['sum_loss'])} / {fmt(c['random_loss'])} | {c['chosen']} | "
          f"{sum_vs_mean[0]:+.1f}% / {sum_vs_mean[1]:+.1f}% | {'yes' if right else 'no'} |")
print()
print("| study | choices right (by the mean over both budgets) | auto vs today's default, paired (better / worse / same) | auto vs random |")
print("|---|---:|---:|---:|")
means = []
for study, s in summary.items():
    d = s["def"]
    means.append(sum(d) / len(d))
    print(f"| {study} | {s['right']}/{s['n']} | {sum(d) / len(d):+.2f}% ({sum(x > 0 for x in d)} / {sum(x < 0 for x in d)} / {sum(x == 0 for x in d)}) | "
          f"{sum(s['rand']) / len(s['rand']):+.1f}% |")
print(f"| mean over the studies | | {sum(means) / len(means):+.2f}% | |")

def ranks(v):
    order = sorted(range(len(v)), key=lambda i: v[i])
    r = [0] * len(v)
    for k, i in enumerate(order):
        r[i] = k
    return r

n = len(probe_gain)
if n > 2:
    rho = 1 - 6 * sum((a - b) ** 2 for a, b in zip(ranks(probe_gain), ranks(judge_gain))) / (n * (n * n - 1))
    print(f"\nHow well the probe's held-out difference (sum vs mean) ranks the judge's on test, over the {n} runs: Spearman {rho:.2f}.")
