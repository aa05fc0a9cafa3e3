"""Helpers shared by the golden-fixture scripts (make_engine_fixtures.py, make_layer_fixtures.py).

Fixture files are JSON: ``{..., "cases": [{"name": ..., "tensors": {NAME: {"shape", "data"}}}]}`` with
every float32 value written exactly (as a double), so the Swift tests read PyTorch's bits.
"""

import argparse
import json
from pathlib import Path

import torch

REPO_ROOT = Path(__file__).resolve().parent.parent


def tensor_json(t):
    """Return ``{"shape": [...], "data": [...]}`` for a tensor.

    The data is flattened row-major and each float32 element is widened to a
    Python float (double), which JSON writes with enough digits to round-trip
    the exact float32 value.
    """
    t = t.detach().to(torch.float32).contiguous()
    return {
        "shape": list(t.shape),
        "data": [float(x) for x in t.reshape(-1).double().tolist()],
    }


def randn(*shape, grad=False):
    """Standard-normal float32 CPU tensor, optionally requiring grad."""
    return torch.randn(*shape, dtype=torch.float32, requires_grad=grad)


def check_cases(fixture, cases):
    """Sanity-check that every tensor's data length matches its shape."""
    for case in cases:
        for tname, t in case["tensors"].items():
            n = 1
            for d in t["shape"]:
                n *= d
            if n != len(t["data"]):
                raise AssertionError(
                    f"{fixture}/{case['name']}/{tname}: shape {t['shape']} "
                    f"has {n} elements but data has {len(t['data'])}")


def run(doc, default_out, generators, wrap):
    """The command line of a fixture script: generate the named fixtures (all by default) into --out.

    ``generators`` maps a fixture name to a function returning its cases; ``wrap(name, cases)`` gives
    the JSON object written to ``NAME.json``.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_out,
                        help=f"output directory (default: {default_out})")
    parser.add_argument("fixtures", nargs="*", metavar="FIXTURE",
                        help=f"fixtures to generate (default: all of {', '.join(generators)})")
    args = parser.parse_args()
    unknown = [f for f in args.fixtures if f not in generators]
    if unknown:
        parser.error(f"unknown fixture(s): {', '.join(unknown)}")

    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.fixtures or list(generators):
        cases = generators[name]()
        check_cases(name, cases)
        path = args.out / f"{name}.json"
        with open(path, "w") as f:
            json.dump(wrap(name, cases), f, separators=(",", ":"))
            f.write("\n")
        print(f"wrote {path} ({len(cases)} cases, {path.stat().st_size} bytes)")
