#!/usr/bin/env python3
"""Markdown table of bench/pretrain/sizes.sh results: python3 bench/pretrain/table.py DIR"""
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
