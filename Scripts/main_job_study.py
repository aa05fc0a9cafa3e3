#!/usr/bin/env python3
"""Measures a candidate main job over seeds and OpenBLAS core types (issue 13: a GAN's outcome for one
seed is a random draw that moves with the last bits of rounding, so the main job is judged by its
distribution over seeds x kernel sets, never by one seed).

    python3 Scripts/main_job_study.py NAME [--seeds 0-9] [--cores Haswell,Sandybridge,SkylakeX]
        [--jobs 2] [--root runs/main-job-study] -- [graft train flags...]

Each (core type, seed) is one `graft train` run with OPENBLAS_CORETYPE set and GRAFT_THREADS=1 (results
do not depend on the thread count), `jobs` at a time. Finished runs (summary.json present) are skipped,
so a stopped study resumes. Prints, per core type, the modes covered and high-quality share per seed,
and how many seeds reach >= 7 of 8; `--markdown` prints the same as a Markdown table row.
"""
import argparse, json, os, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

def seeds_arg(text):
    if "-" in text:
        a, b = text.split("-")
        return list(range(int(a), int(b) + 1))
    return [int(s) for s in text.split(",")]

def main():
    argv = sys.argv[1:]
    flags = []
    if "--" in argv:
        i = argv.index("--")
        argv, flags = argv[:i], argv[i + 1:]
    p = argparse.ArgumentParser()
    p.add_argument("name")
    p.add_argument("--seeds", type=seeds_arg, default=list(range(10)))
    p.add_argument("--cores", default="Haswell,Sandybridge,SkylakeX")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--root", default="runs/main-job-study")
    p.add_argument("--graft", default=".build/release/graft")
    p.add_argument("--markdown", action="store_true")
    p.add_argument("--no-run", action="store_true", help="only report what finished runs measured")
    a = p.parse_args(argv)
    root = Path(a.root) / a.name
    root.mkdir(parents=True, exist_ok=True)
    if a.no_run and (root / "flags.json").exists():
        flags = json.loads((root / "flags.json").read_text())
    else:
        (root / "flags.json").write_text(json.dumps(flags))
    cores = a.cores.split(",")
    cells = [(c, s) for c in cores for s in a.seeds]

    def run(cell):
        core, seed = cell
        out = root / f"{core}-seed{seed}"
        summary = out / "summary.json"
        if summary.exists() or a.no_run:
            return
        if out.exists():
            subprocess.run(["rm", "-rf", str(out)], check=True)
        env = dict(os.environ, OPENBLAS_CORETYPE=core, GRAFT_THREADS="1")
        with open(str(out) + ".log", "w") as log:
            subprocess.run([a.graft, "train", *flags, "--seed", str(seed), "--out", str(out)], env=env,
                           stdout=log, stderr=subprocess.STDOUT)

    start = time.time()
    with ThreadPoolExecutor(a.jobs) as pool:
        list(pool.map(run, cells))
    rows = []
    for core in cores:
        modes, quality, seconds = [], [], []
        for seed in a.seeds:
            try:
                s = json.loads((root / f"{core}-seed{seed}" / "summary.json").read_text())
                modes.append(s["mixture"]["modesCovered"])
                quality.append(s["mixture"]["highQualityShare"])
                seconds.append(s["wallSeconds"])
            except (OSError, KeyError, ValueError):
                if a.no_run:
                    continue  # not run (yet)
                modes.append(0)
                quality.append(0.0)
        good = sum(m >= 7 for m in modes)
        rows.append((core, modes, quality, good, seconds))
    if a.markdown:
        for core, modes, quality, good, _ in rows:
            if not modes:
                continue
            print(f"| {a.name} | `{' '.join(flags)}` | {core} | {' '.join(map(str, modes))} | {good}/{len(modes)} | "
                  f"{sum(modes)/len(modes):.1f} | {100*sum(quality)/len(quality):.0f}% |")
    else:
        print(f"{a.name}: {' '.join(flags)}")
        for core, modes, quality, good, secs in rows:
            q = " ".join(f"{100*x:.0f}" for x in quality)
            print(f"  {core:12s} modes {modes}  >=7: {good}/{len(modes)}  mean {sum(modes)/len(modes):.1f}  "
                  f"hq% [{q}]  s/run {sum(secs)/max(1,len(secs)):.1f}")
        print(f"  ({time.time()-start:.0f} s)")

if __name__ == "__main__":
    main()
