#!/usr/bin/env python3
"""PyTorch CPU reference timings for comparison with Graft.

Measures, with ``torch.set_num_threads(N)`` (``--threads``, default 2):

* float32 square matmul n x n @ n x n for n in 256, 512, 1024, reported as
  GFLOP/s = 2 n^3 / median time;
* a DCGAN-sized conv2d layer, forward + backward: input [64,64,16,16]
  (requires grad), weight [128,64,4,4], bias [128], stride 2, padding 1;
  one iteration is ``out = conv2d(...)`` then ``out.backward(grad)`` with a
  fixed random ``grad``; reported as median milliseconds.

Prints one JSON object::

    {"matmul_gflops": {"256": x, "512": y, "1024": z},
     "conv2d_fwd_bwd_ms": t, "threads": N, "torch_version": "..."}

With ``--compare PATH_OR_CMD`` it also reads Graft's JSON (from the file if
the argument is an existing path, otherwise from the stdout of running it as
a shell command). Graft's JSON has the same ``matmul_gflops`` and
``conv2d_fwd_bwd_ms`` keys plus ``openblas_gflops`` (raw OpenBLAS sgemm,
same shape as ``matmul_gflops``). A human-readable table is printed, then a
final line ``RATIOS {...}`` with the comparison as JSON.

Usage::

    python3 Benchmarks/torch_bench.py [--threads 2]
    python3 Benchmarks/torch_bench.py --compare graft.json
    python3 Benchmarks/torch_bench.py --compare "swift run -c release graft-bench"
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

MATMUL_SIZES = (256, 512, 1024)
CONV_TARGET_RATIO = 1.5


def time_median(fn, warmup=3, min_reps=20, min_seconds=1.0, max_reps=10000):
    """Median wall time in seconds of ``fn()``.

    Runs ``warmup`` untimed calls, then timed calls until at least
    ``min_reps`` repetitions and ``min_seconds`` of total timed work have
    been done (capped at ``max_reps``).
    """
    for _ in range(warmup):
        fn()
    times = []
    total = 0.0
    while len(times) < max_reps and (len(times) < min_reps
                                     or total < min_seconds):
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        times.append(dt)
        total += dt
    return statistics.median(times)


def bench_matmul(n, **timing):
    """GFLOP/s of a float32 n x n @ n x n matmul."""
    a = torch.randn(n, n, dtype=torch.float32)
    b = torch.randn(n, n, dtype=torch.float32)
    out = torch.empty(n, n, dtype=torch.float32)

    def step():
        torch.matmul(a, b, out=out)

    t = time_median(step, **timing)
    return 2.0 * n ** 3 / t / 1e9


def bench_conv2d_fwd_bwd(**timing):
    """Median ms of DCGAN-sized conv2d forward + backward."""
    x = torch.randn(64, 64, 16, 16, dtype=torch.float32, requires_grad=True)
    w = torch.randn(128, 64, 4, 4, dtype=torch.float32, requires_grad=True)
    b = torch.randn(128, dtype=torch.float32, requires_grad=True)
    with torch.no_grad():
        out_shape = F.conv2d(x, w, b, stride=2, padding=1).shape
    grad = torch.randn(out_shape, dtype=torch.float32)

    def step():
        x.grad = None
        w.grad = None
        b.grad = None
        out = F.conv2d(x, w, b, stride=2, padding=1)
        out.backward(grad)

    return time_median(step, **timing) * 1e3


def run_torch_bench(threads, min_seconds=1.0, min_reps=20):
    """Run all PyTorch benchmarks and return the result dict."""
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    timing = {"min_seconds": min_seconds, "min_reps": min_reps}
    with torch.no_grad():
        matmul = {str(n): bench_matmul(n, **timing) for n in MATMUL_SIZES}
    conv_ms = bench_conv2d_fwd_bwd(**timing)
    return {
        "matmul_gflops": matmul,
        "conv2d_fwd_bwd_ms": conv_ms,
        "threads": threads,
        "torch_version": torch.__version__,
    }


def load_graft(path_or_cmd):
    """Graft's JSON, read from a file or from a shell command's stdout."""
    if os.path.isfile(path_or_cmd):
        with open(path_or_cmd) as f:
            return json.load(f)
    proc = subprocess.run(path_or_cmd, shell=True, capture_output=True,
                          text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"graft command failed (exit {proc.returncode}): "
                         f"{path_or_cmd}")
    return parse_json_output(proc.stdout)


def parse_json_output(text):
    """Parse JSON from command output.

    Accepts either the whole stdout being JSON, or (if the command also
    logs) the last line that parses as a JSON object.
    """
    text = text.strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                continue
    raise SystemExit("could not parse JSON from graft command output:\n"
                     + text[-2000:])


def as_number(value):
    """``float(value)`` or None if missing / not numeric."""
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def ratio(num, den):
    """num / den, or None if either is missing or den is zero."""
    if num is None or den is None or den == 0:
        return None
    return num / den


def fmt(value, spec):
    """Format a number with ``spec`` (e.g. "9.2f"), or a right-aligned
    "n/a" of the same width for None."""
    if value is None:
        width = spec.split(".")[0]
        return format("n/a", ">" + width) if width else "n/a"
    return format(value, spec)


def compare(graft, torch_res):
    """Build the comparison dict between Graft and PyTorch results."""
    g_mm = graft.get("matmul_gflops") or {}
    g_blas = graft.get("openblas_gflops") or {}
    rows = {}
    for n in MATMUL_SIZES:
        key = str(n)
        g = as_number(g_mm.get(key))
        o = as_number(g_blas.get(key))
        t = as_number(torch_res["matmul_gflops"].get(key))
        rows[key] = {
            "graft_gflops": g,
            "openblas_gflops": o,
            "torch_gflops": t,
            "graft_over_openblas": ratio(g, o),
            "graft_over_torch": ratio(g, t),
        }
    g_conv = as_number(graft.get("conv2d_fwd_bwd_ms"))
    t_conv = as_number(torch_res["conv2d_fwd_bwd_ms"])
    conv_ratio = ratio(g_conv, t_conv)
    return {
        "matmul": rows,
        "conv2d_fwd_bwd": {
            "graft_ms": g_conv,
            "torch_ms": t_conv,
            "graft_over_torch": conv_ratio,
            "target": CONV_TARGET_RATIO,
            "meets_target": (None if conv_ratio is None
                             else conv_ratio <= CONV_TARGET_RATIO),
        },
        "threads": torch_res["threads"],
        "graft_threads": graft.get("threads"),
    }


def print_table(cmp):
    """Print the comparison as a human-readable table."""
    print()
    print(f"matmul float32 n x n @ n x n (GFLOP/s, higher is better; "
          f"torch threads={cmp['threads']}, "
          f"graft threads={cmp['graft_threads'] or 'n/a'})")
    header = (f"{'n':>6} {'Graft':>9} {'OpenBLAS':>9} {'PyTorch':>9} "
              f"{'Graft/BLAS':>11} {'Graft/Torch':>12}")
    print(header)
    print("-" * len(header))
    for n, r in cmp["matmul"].items():
        print(f"{n:>6} {fmt(r['graft_gflops'], '9.2f')} "
              f"{fmt(r['openblas_gflops'], '9.2f')} "
              f"{fmt(r['torch_gflops'], '9.2f')} "
              f"{fmt(r['graft_over_openblas'], '11.3f')} "
              f"{fmt(r['graft_over_torch'], '12.3f')}")
    c = cmp["conv2d_fwd_bwd"]
    print()
    print("conv2d fwd+bwd [64,64,16,16] * [128,64,4,4] s2 p1 "
          "(ms, lower is better)")
    print(f"  Graft:       {fmt(c['graft_ms'], '.3f')}")
    print(f"  PyTorch:     {fmt(c['torch_ms'], '.3f')}")
    verdict = ("" if c["meets_target"] is None else
               "  (meets target)" if c["meets_target"] else
               "  (ABOVE target)")
    print(f"  Graft/Torch: {fmt(c['graft_over_torch'], '.3f')} "
          f"(target <= {CONV_TARGET_RATIO}){verdict}")
    print()


def main():
    parser = argparse.ArgumentParser(
        description="PyTorch CPU reference benchmarks (optionally compared "
                    "with Graft).")
    parser.add_argument("--threads", type=int, default=2,
                        help="torch.set_num_threads value (default: 2)")
    parser.add_argument("--compare", metavar="PATH_OR_CMD",
                        help="Graft's JSON: a file path, or a shell command "
                             "printing the JSON on stdout")
    parser.add_argument("--min-seconds", type=float, default=1.0,
                        help="minimum timed seconds per benchmark "
                             "(default: 1.0)")
    parser.add_argument("--min-reps", type=int, default=20,
                        help="minimum timed repetitions per benchmark "
                             "(default: 20)")
    args = parser.parse_args()

    graft = load_graft(args.compare) if args.compare else None
    res = run_torch_bench(args.threads, args.min_seconds, args.min_reps)
    print(json.dumps(res))
    if graft is not None:
        cmp = compare(graft, res)
        print_table(cmp)
        print("RATIOS " + json.dumps(cmp))


if __name__ == "__main__":
    main()
