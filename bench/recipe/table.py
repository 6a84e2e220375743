#!/usr/bin/env python3
"""Markdown tables of judge-recipe dev studies (random subsets, validation curve per epoch):
python3 bench/recipe/table.py STUDY_DIR...   (each a folder `winnow experiment run` wrote, e.g. runs/recipe-instruct/*)

Per cell: the dev-test loss after the last epoch, the epoch with the lowest validation loss and that loss; then per
recipe and budget the mean over seeds of the last-epoch and the best-epoch validation loss, which says whether a larger
random subset gives a lower loss (the monotonicity the recipe must have)."""
import json, pathlib, statistics, sys

rows, curves, summary = [], [], {}
for d in map(pathlib.Path, sys.argv[1:]):
    recipe = json.loads((d / "study.json").read_text()).get("name", d.name) if (d / "study.json").exists() else d.name
    recipe = recipe.replace("instruct-recipe-", "").replace("ner-recipe-", "")
    for f in sorted((d / "cells").glob("*.json")):
        c = json.loads(f.read_text())
        v = c.get("validation_losses") or []
        best = min(range(len(v)), key=v.__getitem__) if v else None
        rows.append((recipe, c["budget"], c["seed"], c["test_loss"], best, v, c["finetune_seconds"]))
        s = summary.setdefault((recipe, c["budget"]), {"test": [], "last": [], "best": []})
        s["test"].append(c["test_loss"])
        if v:
            s["last"].append(v[-1]); s["best"].append(v[best])

print("| recipe | budget | seed | dev-test loss (last epoch) | best epoch on validation | validation loss: best / last | fine-tune s |")
print("|---|---:|---:|---:|---:|---|---:|")
for r, b, s, t, best, v, secs in sorted(rows):
    print(f"| {r} | {b} | {s} | {t:.4f} | {'' if best is None else best + 1} | "
          f"{'' if best is None else f'{v[best]:.3f} / {v[-1]:.3f}'} | {secs:.0f} |")
print()
print("| recipe | budget | seeds | mean dev-test loss (last epoch) | mean validation loss, last epoch | mean validation loss, best epoch |")
print("|---|---:|---:|---:|---:|---:|")
for (r, b), s in sorted(summary.items()):
    mean = lambda xs: f"{statistics.mean(xs):.3f}" if xs else ""
    print(f"| {r} | {b} | {len(s['test'])} | {mean(s['test'])} | {mean(s['last'])} | {mean(s['best'])} |")
print()
n = max((len(v) for *_, v, _ in rows), default=0)
print("| recipe | budget | seed | " + " | ".join(str(i + 1) for i in range(n)) + " |")
print("|---|---:|---:|" + "---:|" * n)
for r, b, s, t, best, v, secs in sorted(rows):
    print(f"| {r} | {b} | {s} | " + " | ".join(f"{x:.3f}" for x in v) + " |")
