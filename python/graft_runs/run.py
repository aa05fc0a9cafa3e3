"""One Graft run directory: config.json, metrics.jsonl, summary.json, eval.json, samples/, checkpoints/."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pandas as pd


def flatten(obj, prefix="", separator="/"):
    """Nested dicts as one level, keys joined with "/" ({"g_grad_norm": {"0.weight": 1}} -> "g_grad_norm/0.weight"),
    the names TensorBoard's tags use too; a config's with "." (its keys as config files and `graft info` name them)."""
    out = {}
    for key, value in obj.items():
        name = f"{prefix}{separator}{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.update(flatten(value, name, separator))
        else:
            out[name] = value
    return out


@dataclass
class Run:
    """A run as its files hold it."""

    path: Path
    #: Every setting (config.json's "config"), keys as in config files.
    config: dict
    #: One row per logged step: step, loss_d, loss_g, lr_g, lr_d, time and per-group norms ("g_grad_norm/0.weight").
    metrics: pd.DataFrame
    #: One row per evaluation during training (evaluate-every): step and the metrics ("eval/modes_covered", ...).
    evaluations: pd.DataFrame
    #: summary.json (written when the run finished), or None.
    summary: Optional[dict]
    #: eval.json (written by `graft evaluate`), or None.
    evaluation: Optional[dict]
    #: samples/step-NNNNNN.png, by step.
    samples: list = field(default_factory=list)
    #: config.json's "provenance" (build and machine), or None.
    provenance: Optional[dict] = None

    @property
    def checkpoint(self) -> Path:
        """The latest checkpoint (safetensors)."""
        return self.path / "checkpoints" / "latest.safetensors"


def _read_json(path):
    return json.loads(path.read_text()) if path.exists() else None


def load(path) -> Run:
    """Reads the run in directory ``path``."""
    path = Path(path)
    saved = _read_json(path / "config.json")
    if saved is None:
        raise FileNotFoundError(f"{path / 'config.json'} is missing: is {path} a Graft run directory?")
    rows, evaluations = [], []
    metrics_file = path / "metrics.jsonl"
    if metrics_file.exists():
        for line in metrics_file.read_text().splitlines():
            if not line.strip():
                continue
            obj = json.loads(line)
            if "eval" in obj:
                evaluations.append({"step": obj["step"], **flatten(obj["eval"], "eval")})
            else:
                rows.append(flatten(obj))
    metrics = pd.DataFrame(rows) if rows else pd.DataFrame(columns=["step"])
    # The step first; the rest in metrics.jsonl's (sorted) order.
    metrics = metrics[["step"] + [c for c in metrics.columns if c != "step"]]
    metrics = metrics.sort_values("step", kind="stable").reset_index(drop=True)
    samples = sorted((path / "samples").glob("step-*.png"))
    return Run(
        path=path,
        config=saved.get("config", saved),
        metrics=metrics,
        evaluations=pd.DataFrame(evaluations) if evaluations else pd.DataFrame(columns=["step"]),
        summary=_read_json(path / "summary.json"),
        evaluation=_read_json(path / "eval.json"),
        samples=samples,
        provenance=saved.get("provenance"),
    )
