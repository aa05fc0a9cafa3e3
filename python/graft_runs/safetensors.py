"""A reader of the safetensors format (Graft's checkpoints) with numpy alone."""

import json
import struct

import numpy as np

_DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32,
           "U8": np.uint8, "I8": np.int8, "U64": np.uint64, "BOOL": np.bool_}


def read_safetensors(path):
    """Returns (tensors, metadata): numpy arrays by name, and the header's string metadata."""
    with open(path, "rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(size))
        data = f.read()
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, entry in header.items():
        start, end = entry["data_offsets"]
        dtype = _DTYPES.get(entry["dtype"])
        if dtype is None:
            raise ValueError(f"{path}: tensor {name} has dtype {entry['dtype']}, which this reader does not know")
        tensors[name] = np.frombuffer(data[start:end], dtype=dtype).reshape(entry["shape"]).copy()
    return tensors, metadata
