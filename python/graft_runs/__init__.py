"""Graft runs in Python.

    import graft_runs
    run = graft_runs.load("runs/ring8-adam-adam-seed0")      # config, metrics (DataFrame), summary, ...
    table = graft_runs.load_sweep("runs/sweep")               # every run's metrics, axis values as columns
    g = graft_runs.generator("runs/ring8-adam-adam-seed0")    # torch.nn.Module (needs torch)
"""

from .run import Run, load
from .safetensors import read_safetensors
from .sweep import load_sweep


def generator(path, checkpoint=None):
    """The run's generator as a ``torch.nn.Module`` in eval mode (see ``graft_runs.torch_generator``)."""
    from .torch_generator import generator as build

    return build(path, checkpoint=checkpoint)


__all__ = ["Run", "load", "load_sweep", "generator", "read_safetensors"]
