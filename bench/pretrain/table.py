#!/usr/bin/env python3
"""Markdown tables of bench/pretrain/sizes.sh or long.sh results: python3 bench/pretrain/table.py DIR [--curves]"""
import json, pathlib, sys

root = pathlib.Path(sys.argv[1])
print("| preset | non-embedding / all parameters | steps | tokens seen | training CPU s | CPU s per step | tokens per CPU s | held-out loss untrained → trained (nats/token) | nats/byte | 6 CPU-h buys (steps ≈ tokens) |")
print("|---|---|---:|---:|---:|---:|---:|---|---:|---|")
for preset in ["tiny", "small", "medium", "large"]:
    f = root / f"{preset}.json"
    if not f.exists():
        continue
    r = json.loads(f.read_text())
    # Training CPU time: the curve's last point, taken at the last step (the report's total adds the final evaluation).
    cpu = r["Curve"][-1]["CpuSeconds"]
    per_step = cpu / r["Steps"]
    tokens_per_step = r["TokensSeen"] / r["Steps"]
    steps_6h = int(6 * 3600 / per_step)
    print(f"| {preset} | {r['NonEmbeddingParameters'] / 1e6:.1f}M / {r['Parameters'] / 1e6:.1f}M | {r['Steps']} | {r['TokensSeen']:,} | "
          f"{cpu:.0f} | {per_step:.1f} | {r['TokensSeen'] / cpu:.0f} | "
          f"{r['HeldOutLossUntrained']:.3f} → {r['HeldOutLossTrained']:.3f} | {r['HeldOutLossTrained'] / r['HeldOutBytesPerToken']:.3f} | "
          f"{steps_6h:,} ≈ {steps_6h * tokens_per_step / 1e6:.1f}M |")

# The held-out probe curves against CPU time, side by side (interpolated linearly between the curve's points; a point
# past a preset's last one is left empty). Mid-run points sit at another place of each run's linear-decay schedule,
# so only the last point of each run is a finished run; the rest shows whether the curves cross.
curves = {p: json.loads((root / f"{p}.json").read_text())["Curve"] for p in ["tiny", "small", "medium", "large"] if (root / f"{p}.json").exists()}
if len(sys.argv) > 2 and sys.argv[2] == "--curves" and curves:
    def at(curve, cpu):
        for a, b in zip(curve, curve[1:]):
            if a["CpuSeconds"] <= cpu <= b["CpuSeconds"]:
                t = (cpu - a["CpuSeconds"]) / max(1e-9, b["CpuSeconds"] - a["CpuSeconds"])
                return a["HeldOutLoss"] + t * (b["HeldOutLoss"] - a["HeldOutLoss"])
        return None
    last = max(c[-1]["CpuSeconds"] for c in curves.values())
    marks = [m for m in (5, 10, 20, 30, 45, 60, 75, 90, 120, 180, 240, 360) if m * 60 <= last]
    print()
    print("| CPU minutes | " + " | ".join(curves) + " |")
    print("|---:|" + "---:|" * len(curves))
    for m in marks:
        cells = [at(c, m * 60) for c in curves.values()]
        print(f"| {m} | " + " | ".join("" if v is None else f"{v:.3f}" for v in cells) + " |")
    print("| end of run | " + " | ".join(f"{c[-1]['HeldOutLoss']:.3f} at {c[-1]['CpuSeconds'] / 60:.0f} min" for c in curves.values()) + " |")
