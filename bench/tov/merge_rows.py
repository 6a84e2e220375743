#!/usr/bin/env python3
"""Merge rows run in a scratch copy of a study back into the study's committed results folder.

Why: on a 2-core machine two rows of one study run fastest as two processes, each on its own copy of the results
folder (the runner resumes a folder, and two runners must not write one folder). Their finished cells then come back
to the committed folder. This does that one way, instead of an ad hoc copy each session.

What it copies, per row: cells/ROW__b*__s*.json, subsets/ROW__b*__s*.{summary,composition}.json and
artifacts/ROW-s*/cost.json -- the files a study folder in bench/results keeps (the rest of artifacts/ is large and
rebuilt on resume). A row's name is matched exactly (tov does not take tov-ungated's files).

It refuses, before copying anything, when
  - the two folders' study.json name different studies or configs (name, config_hash), or
  - a file already in the study differs from the scratch copy's in a result (a cell is never overwritten; identical
    files are left alone, so a rerun is harmless). Files that differ only in how long a step took or where an artifact
    lay (JSON keys ending in `seconds` or `path`: the same cell run twice, in two copies) are the same result: the
    study's copy is kept and they are counted apart.
Usage: bench/tov/merge_rows.py --from SCRATCH_STUDY --into STUDY --row ROW [--row ROW ...] [--dry-run]
"""
import argparse, filecmp, glob, json, os, re, shutil, sys


def study_key(folder):
    path = os.path.join(folder, "study.json")
    if not os.path.exists(path):
        sys.exit(f"merge_rows: {path}: no study.json; is this a study results folder?")
    study = json.load(open(path))
    return study.get("name"), study.get("config_hash")


def without_run_details(value):
    """VALUE with every key ending in `seconds` or `path` removed, at any depth: what a rerun of the same cell changes."""
    if isinstance(value, dict):
        return {k: without_run_details(v) for k, v in value.items() if not (k.endswith("seconds") or k.endswith("path"))}
    if isinstance(value, list):
        return [without_run_details(v) for v in value]
    return value


def same_result(a, b):
    """True when two JSON files differ only in timings and artifact locations (see the module's docstring)."""
    try:
        return without_run_details(json.load(open(a))) == without_run_details(json.load(open(b)))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False


def row_files(folder, row):
    """(relative path) of every file of ROW that a committed study folder keeps."""
    esc = re.escape(row)
    cell = re.compile(rf"^{esc}__b\d+__s\d+\.json$")
    subset = re.compile(rf"^{esc}__b\d+__s\d+\.(summary|composition)\.json$")
    artifact = re.compile(rf"^{esc}-s\d+$")
    found = []
    for path in sorted(glob.glob(os.path.join(folder, "cells", "*.json"))):
        if cell.match(os.path.basename(path)):
            found.append(os.path.relpath(path, folder))
    for path in sorted(glob.glob(os.path.join(folder, "subsets", "*.json"))):
        if subset.match(os.path.basename(path)):
            found.append(os.path.relpath(path, folder))
    for path in sorted(glob.glob(os.path.join(folder, "artifacts", "*", "cost.json"))):
        if artifact.match(os.path.basename(os.path.dirname(path))):
            found.append(os.path.relpath(path, folder))
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--from", dest="src", required=True, help="the scratch copy's study folder")
    ap.add_argument("--into", dest="dst", required=True, help="the committed study folder")
    ap.add_argument("--row", action="append", required=True, help="a method or ablation row (repeatable)")
    ap.add_argument("--dry-run", action="store_true", help="say what would be copied, copy nothing")
    args = ap.parse_args()

    src_key, dst_key = study_key(args.src), study_key(args.dst)
    if src_key != dst_key:
        sys.exit(f"merge_rows: the folders hold different studies: {args.src} is {src_key}, {args.dst} is {dst_key}")

    plan, same, same_result_only, clashes = [], 0, 0, []
    for row in args.row:
        files = row_files(args.src, row)
        if not files:
            sys.exit(f"merge_rows: {args.src}: no files of row '{row}' (cells/{row}__b*__s*.json)")
        for rel in files:
            target = os.path.join(args.dst, rel)
            if not os.path.exists(target):
                plan.append(rel)
            elif filecmp.cmp(os.path.join(args.src, rel), target, shallow=False):
                same += 1
            elif same_result(os.path.join(args.src, rel), target):
                same_result_only += 1
            else:
                clashes.append(rel)
    if clashes:
        sys.exit("merge_rows: these files differ between the two folders; nothing was copied:\n  " + "\n  ".join(clashes))

    for rel in plan:
        print(("would copy " if args.dry_run else "copy ") + rel)
        if not args.dry_run:
            target = os.path.join(args.dst, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            tmp = target + ".tmp"
            shutil.copyfile(os.path.join(args.src, rel), tmp)
            os.replace(tmp, target)  # never a half-written cell that looks finished
    cells = sum(1 for rel in plan if rel.startswith("cells" + os.sep))
    print(f"{'would merge' if args.dry_run else 'merged'} {len(plan)} files ({cells} cells); {same} already there and identical"
          + (f"; {same_result_only} already there with the same result (timings or paths differ; the study's copy kept)"
             if same_result_only else ""))


if __name__ == "__main__":
    main()
