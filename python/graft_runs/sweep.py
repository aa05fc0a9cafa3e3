"""A sweep: run directories under one folder (`graft sweep --out DIR`, an experiment's folder)."""

from pathlib import Path

import pandas as pd

from .run import flatten, load

# Settings that a sweep sets for both players alike, shown under one name when G's and D's agree.
_PAIRED = {
    "optimizer": ("generatorOptimizer", "discriminatorOptimizer"),
    "lr": ("generatorSettings.learningRate", "discriminatorSettings.learningRate"),
}


def run_directories(path):
    """The run directories under ``path`` (those with a config.json), in name order."""
    path = Path(path)
    return sorted(p.parent for p in path.rglob("config.json") if (p.parent / "metrics.jsonl").exists()
                  or (p.parent / "checkpoints").exists())


def axes(configs):
    """What the runs vary: {axis name: [value per run]}. Settings equal in every run are left out; a setting
    that G and D share in every run is one axis ("optimizer", "lr", as `graft sweep` names them); others are
    named by their config key ("schedule.decay")."""
    flat = [flatten(c, separator=".") for c in configs]
    keys = sorted({k for f in flat for k in f})
    varying = [k for k in keys if len({repr(f.get(k)) for f in flat}) > 1]
    result = {}
    for name, (g, d) in _PAIRED.items():
        if g in varying and d in varying and all(f.get(g) == f.get(d) for f in flat):
            result[name] = [f.get(g) for f in flat]
            varying.remove(g)
            varying.remove(d)
    for key in varying:
        result[key] = [f.get(key) for f in flat]
    return result


def load_sweep(path) -> pd.DataFrame:
    """Every run's metrics under ``path`` in one DataFrame, with a ``run`` column (the run's directory relative
    to ``path``) and one column per axis (what differs between the runs' configs: optimizer, lr, seed, ...).
    ``df.attrs["axes"]`` lists the axis columns."""
    path = Path(path)
    runs = [load(d) for d in run_directories(path)]
    if not runs:
        raise FileNotFoundError(f"no Graft runs (directories with config.json) under {path}")
    values = axes([r.config for r in runs])
    frames = []
    for i, run in enumerate(runs):
        frame = run.metrics.copy()
        frame.insert(0, "run", str(run.path.relative_to(path)))
        for j, (name, column) in enumerate(values.items()):
            frame.insert(1 + j, name, [column[i]] * len(frame))
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    table.attrs["axes"] = list(values)
    return table
