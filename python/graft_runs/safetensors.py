"""Graft's checkpoints in numpy, read by the `safetensors` package (Hugging Face's own reader)."""

from safetensors import safe_open


def read_safetensors(path):
    """Returns (tensors, metadata): numpy arrays by name, and the header's string metadata."""
    with safe_open(str(path), framework="numpy") as f:
        metadata = dict(f.metadata() or {})
        tensors = {name: f.get_tensor(name) for name in f.keys()}
    return tensors, metadata
