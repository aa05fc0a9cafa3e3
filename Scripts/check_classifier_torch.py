#!/usr/bin/env python3
"""Cross-check Graft's Fashion-MNIST classifier and its FID with PyTorch and SciPy.

Loads Sources/GraftEval/Resources/fashion-classifier.safetensors into the same
network written in PyTorch (conv 3x3 p1 → ReLU → 2x2 pooling per stage, flatten,
Linear → F, ReLU, Linear F → 10; the architecture is read from the file's
metadata), classifies the Fashion-MNIST test set padded to 32x32 in [-1, 1], and
computes the Fréchet distance between the penultimate features of the two halves
of the test set the textbook way (scipy.linalg.sqrtm of Σ1·Σ2).

Compare with what Graft prints for the same quantities:

    .build/release/graft classifier test   # built by make run or make test
    python3 Scripts/check_classifier_torch.py [--weights PATH] [--data-dir DIR] \
        [--expect-accuracy 0.9163] [--expect-fid 0.839415]

With --expect-*, exits with status 1 when PyTorch disagrees (accuracy by more
than 0.002, FID by more than 1% relative).
"""

import argparse
import gzip
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors import safe_open

ROOT = Path(__file__).resolve().parent.parent


def read_idx(path):
    data = gzip.open(path).read() if str(path).endswith(".gz") else open(path, "rb").read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load_test_set(directory):
    d = Path(directory)
    images = read_idx(d / "t10k-images-idx3-ubyte.gz").astype(np.float32) / 127.5 - 1
    labels = read_idx(d / "t10k-labels-idx1-ubyte.gz").astype(np.int64)
    padded = np.full((images.shape[0], 1, 32, 32), -1, dtype=np.float32)
    padded[:, 0, 2:30, 2:30] = images
    return torch.from_numpy(padded), torch.from_numpy(labels)


def forward(tensors, architecture, images):
    x = images
    index = 0
    for _ in architecture["convChannels"]:
        x = F.relu(F.conv2d(x, tensors[f"body.{index}.weight"], tensors[f"body.{index}.bias"], padding=1))
        x = F.max_pool2d(x, 2) if architecture.get("pooling", "avg") == "max" else F.avg_pool2d(x, 2)
        index += 3
    x = x.flatten(1)
    index += 1  # the flatten layer
    features = F.relu(F.linear(x, tensors[f"body.{index}.weight"], tensors[f"body.{index}.bias"]))
    return features, F.linear(features, tensors["head.weight"], tensors["head.bias"])


def frechet(a, b):
    from scipy import linalg

    a, b = a.astype(np.float64), b.astype(np.float64)
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    with warnings.catch_warnings():
        # Dead ReLU features make the covariances singular; sqrtm warns but the trace is fine.
        warnings.simplefilter("ignore")
        root = linalg.sqrtm(s1 @ s2)
    if isinstance(root, tuple):
        root = root[0]
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(root.real))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weights", default=ROOT / "Sources/GraftEval/Resources/fashion-classifier.safetensors")
    parser.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--expect-accuracy", type=float)
    parser.add_argument("--expect-fid", type=float)
    args = parser.parse_args()

    with safe_open(str(args.weights), "pt") as f:
        metadata = f.metadata()
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    architecture = json.loads(metadata["graft.classifier.architecture"])
    images, labels = load_test_set(args.data_dir)
    with torch.no_grad():
        features, logits = forward(tensors, architecture, images)
    accuracy = (logits.argmax(1) == labels).float().mean().item()
    half = images.shape[0] // 2
    fid = frechet(features[:half].numpy(), features[half: 2 * half].numpy())
    print(f"architecture {architecture}, recorded accuracy {metadata.get('graft.classifier.test_accuracy')}")
    dead = int((features.std(0) == 0).sum())
    print(f"{dead} of {features.shape[1]} features are constant (dead ReLUs) on the test set")
    print(f"torch test accuracy {accuracy:.4f} on {images.shape[0]} images")
    print(f"scipy FID(test[0..<{half}], test[{half}..<{2 * half}]) = {fid:.6f}")
    ok = True
    if args.expect_accuracy is not None and abs(accuracy - args.expect_accuracy) > 0.002:
        print(f"MISMATCH: accuracy {accuracy:.4f} vs Graft's {args.expect_accuracy}")
        ok = False
    if args.expect_fid is not None and abs(fid - args.expect_fid) > 0.01 * max(abs(args.expect_fid), 1e-9):
        print(f"MISMATCH: FID {fid:.6f} vs Graft's {args.expect_fid}")
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
