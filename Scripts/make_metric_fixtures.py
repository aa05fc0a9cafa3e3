#!/usr/bin/env python3
"""Golden values of FID (pytorch-fid) and the Inception Score (torch-fidelity) for the GraftEval tests.

Writes into ``Tests/GraftEvalTests/Fixtures/metrics/``:

``features_a.npy``, ``features_b.npy``  float32 feature sets [300, 64] and [250, 64] (seed 29; b shifted
                                       and scaled, so the distance is far from 0)
``stats_a.npz``                        pytorch-fid's statistics of features_a, as its
                                       ``save_fid_stats`` writes them: ``np.savez(path, mu=, sigma=)``
                                       with ``mu = np.mean(act, axis=0)``, ``sigma = np.cov(act,
                                       rowvar=False)`` (float64)
``logits.npy``                         float32 logits [103, 100] (uneven splits of 10; 100 classes keep it small)
``expected.json``                      ``fid``: pytorch-fid's ``calculate_frechet_distance`` between the
                                       statistics of a and b; ``is_mean``/``is_std``: torch-fidelity's
                                       ``isc_features_to_metric(logits, splits=10)`` (shuffled with
                                       ``np.random.RandomState(2020)``, its default) and
                                       ``is_unshuffled_mean``/``_std`` (``shuffle=False``);
                                       ``permutation_2020_103``: ``RandomState(2020).permutation(103)``

Rerun from the repository root with ``python3 Scripts/make_metric_fixtures.py`` (needs numpy, scipy,
torch and ``pip install --no-deps pytorch-fid torch-fidelity torchvision``; made with pytorch-fid 0.3.0,
torch-fidelity 0.4.0, numpy 2, torch 2.13.0+cpu).
"""

import json
import sys
import types
from pathlib import Path

import numpy as np
import torch

sys.modules["torchvision._meta_registrations"] = types.ModuleType("torchvision._meta_registrations")
from pytorch_fid.fid_score import calculate_frechet_distance  # noqa: E402
from torch_fidelity.metric_isc import isc_features_to_metric  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT = REPO_ROOT / "Tests" / "GraftEvalTests" / "Fixtures" / "metrics"


def stats(act):
    """pytorch-fid's calculate_activation_statistics, after the network (whose activations it keeps in a
    float64 array: get_activations' pred_arr)."""
    act = act.astype(np.float64)
    return np.mean(act, axis=0), np.cov(act, rowvar=False)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(29)
    mixing = rng.normal(size=(64, 64)) / 8
    a = (rng.normal(size=(300, 64)) @ mixing + 0.5).astype(np.float32)
    b = (1.3 * rng.normal(size=(250, 64)) @ mixing + 0.7).astype(np.float32)
    np.save(OUT / "features_a.npy", a)
    np.save(OUT / "features_b.npy", b)
    mu_a, sigma_a = stats(a)
    mu_b, sigma_b = stats(b)
    np.savez(OUT / "stats_a.npz", mu=mu_a, sigma=sigma_a)
    fid = float(calculate_frechet_distance(mu_a, sigma_a, mu_b, sigma_b))

    logits = (rng.normal(size=(103, 100)) * 3).astype(np.float32)
    np.save(OUT / "logits.npy", logits)
    shuffled = isc_features_to_metric(torch.from_numpy(logits), splits=10)
    plain = isc_features_to_metric(torch.from_numpy(logits), splits=10, shuffle=False)
    expected = {
        "fid": fid,
        "is_mean": shuffled["inception_score_mean"],
        "is_std": shuffled["inception_score_std"],
        "is_unshuffled_mean": plain["inception_score_mean"],
        "is_unshuffled_std": plain["inception_score_std"],
        "permutation_2020_103": np.random.RandomState(2020).permutation(103).tolist(),
    }
    with open(OUT / "expected.json", "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print(json.dumps({k: v for k, v in expected.items() if not k.startswith("perm")}))


if __name__ == "__main__":
    main()
