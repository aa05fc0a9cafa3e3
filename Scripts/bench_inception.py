#!/usr/bin/env python3
"""Images per second of pytorch-fid's Inception-v3 in torch and in Graft, on the same CPU and images.

Builds pytorch-fid's network with the test formula's weights (Scripts/make_inception_fixtures.py),
saves its state dict with torch.save (a real-size .pth, ~95 MB, in a temporary directory: it is also
a check that Graft reads such a file), times torch on N random 32×32 RGB images (resized to 299 as
pytorch-fid does) in batches, then `graft features inception` on the same images, and compares their
pool features. Usage (from the repository root, after `make` or a release build):

    python3 Scripts/bench_inception.py [--images 100] [--batch-size 25] [--threads 2] [--graft .build/release/graft]

It imports pytorch-fid: install it with `pip install --no-deps pytorch-fid`, since its dependencies
replace the CPU torch wheel the other benches use with a multi-GB CUDA build.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_inception_fixtures as fixtures  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=25)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--graft", default=".build/release/graft")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    wrapper, net, template = fixtures.build_network(fixtures.formula_state_dict)
    images = torch.rand(args.images, 3, 32, 32, generator=torch.Generator().manual_seed(1))
    with tempfile.TemporaryDirectory() as tmp:
        weights = Path(tmp) / "pt_inception-formula.pth"
        torch.save(net.state_dict(), weights)
        np.save(Path(tmp) / "images.npy", images.numpy())

        with torch.no_grad():
            wrapper(images[: args.batch_size])  # warm-up
            start = time.perf_counter()
            torch_pool = torch.cat([wrapper(images[i : i + args.batch_size])[0].flatten(1)
                                    for i in range(0, args.images, args.batch_size)])
            torch_seconds = time.perf_counter() - start

        env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
        start = time.perf_counter()
        out = subprocess.run(
            [args.graft, "features", "inception", "--weights", str(weights), "--images", str(Path(tmp) / "images.npy"),
             "--out", str(Path(tmp) / "pool.npy"), "--batch-size", str(args.batch_size)],
            env=env, capture_output=True, text=True, check=True)
        graft_total = time.perf_counter() - start
        graft_pool = np.load(Path(tmp) / "pool.npy")
    error = np.abs(graft_pool - torch_pool.numpy()).max() / np.abs(torch_pool.numpy()).max()
    print(f"torch {torch.__version__}, {args.threads} threads: {args.images / torch_seconds:.2f} images/s "
          f"({torch_seconds:.1f} s for {args.images} images, batches of {args.batch_size})")
    print(f"graft: {out.stderr.strip()}  (whole process, loading the .pth included: {graft_total:.1f} s)")
    print(f"max relative difference of the pool features: {error:.2e}")


if __name__ == "__main__":
    main()
