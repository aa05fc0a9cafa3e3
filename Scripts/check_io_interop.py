#!/usr/bin/env python3
"""Open files that Graft wrote (.safetensors, .npy) with the Python tools, to
confirm by hand that they interoperate.

For each path it prints every tensor's name, dtype, shape and two checksums:
the float64 sum of the elements and the first 16 hex digits of the SHA-256 of
the elements as little-endian bytes (the same for any correct reader), and
checks the SHA-256 of the data section that Graft writes as graft.sha256.

A ``.npy`` file is loaded with ``np.load``. A ``.safetensors`` file is loaded
with every reader that is installed: a strict reader in this script (NumPy
only, always), ``safetensors.numpy`` (``pip install safetensors``) and
``safetensors.torch`` (PyTorch); the script checks that they all agree and
prints the metadata.

To get files to check, let the GraftIO tests write some::

    GRAFT_KEEP_IO_FILES=/tmp/graft-io swift test --filter GraftIOTests
    python3 Scripts/check_io_interop.py /tmp/graft-io/*

Exits with status 1 if a file cannot be read or the readers disagree.
"""

import hashlib
import json
import struct
import sys
from pathlib import Path

import numpy as np

SAFETENSORS_DTYPES = {"F32": "<f4", "F64": "<f8", "F16": "<f2", "I64": "<i8", "I32": "<i4", "U8": "|u1"}


def checksum(array):
    data = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
    return float(np.sum(array, dtype=np.float64)), hashlib.sha256(data).hexdigest()[:16]


def describe(name, array):
    total, digest = checksum(array)
    return f"  {name:<28} {str(array.dtype):<8} {str(tuple(array.shape)):<14} sum={total!r:<24} sha256={digest}"


def read_safetensors_by_hand(path):
    """A strict reader of the format that needs only NumPy: checks the header
    padding and that the tensors tile the data section exactly."""
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    if n % 8 != 0:
        print(f"  note: header length {n} is not a multiple of 8")
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    data = raw[8 + n :]
    # Graft writes the SHA-256 of the data section in the metadata; check it independently.
    if "graft.sha256" in metadata:
        digest = hashlib.sha256(data).hexdigest()
        if digest != metadata["graft.sha256"]:
            raise ValueError(f"data SHA-256 {digest} differs from graft.sha256 {metadata['graft.sha256']}")
        print("  graft.sha256 matches the data section")
    tensors, position = {}, 0
    for name, info in sorted(header.items(), key=lambda item: item[1]["data_offsets"]):
        begin, end = info["data_offsets"]
        if begin != position:
            raise ValueError(f"tensor {name!r} starts at {begin}, expected {position}")
        dtype = np.dtype(SAFETENSORS_DTYPES[info["dtype"]])
        if int(np.prod(info["shape"], dtype=np.int64)) * dtype.itemsize != end - begin:
            raise ValueError(f"tensor {name!r}: shape and dtype disagree with data_offsets")
        tensors[name] = np.frombuffer(data[begin:end], dtype=dtype).reshape(info["shape"])
        position = end
    if position != len(data):
        raise ValueError(f"{len(data) - position} bytes after the last tensor")
    return tensors, metadata


def check_safetensors(path):
    readers = {}
    tensors, metadata = read_safetensors_by_hand(path)
    readers["by hand (numpy)"] = tensors
    try:
        from safetensors import safe_open
        from safetensors.numpy import load_file
    except ImportError:
        print("  (safetensors not installed: pip install safetensors)")
    else:
        readers["safetensors.numpy"] = load_file(str(path))
        with safe_open(str(path), framework="np") as f:
            if (f.metadata() or {}) != metadata:
                raise ValueError(f"metadata differs: safetensors sees {f.metadata()}")
        try:
            import torch  # noqa: F401
            from safetensors.torch import load_file as load_torch
        except ImportError:
            print("  (torch not installed: skipping safetensors.torch)")
        else:
            readers["safetensors.torch"] = {k: v.numpy() for k, v in load_torch(str(path)).items()}

    print(f"  metadata: {json.dumps(metadata, sort_keys=True)}")
    for name in sorted(tensors):
        print(describe(name, tensors[name]))
    for reader, loaded in readers.items():
        if sorted(loaded) != sorted(tensors):
            raise ValueError(f"{reader} sees tensors {sorted(loaded)}")
        for name, array in loaded.items():
            reference = tensors[name]
            if array.dtype != reference.dtype or array.shape != reference.shape or checksum(array) != checksum(reference):
                raise ValueError(f"{reader} reads tensor {name!r} differently")
    print(f"  readers agree: {', '.join(readers)}")


def check_npy(path):
    array = np.load(path, allow_pickle=False)
    print(describe("(array)", array))
    if array.size <= 12:
        print(f"  values: {array.tolist()}")


def main(paths):
    if not paths:
        print(__doc__)
        return 2
    failed = False
    for path in paths:
        print(path)
        try:
            if path.endswith(".npy"):
                check_npy(path)
            elif path.endswith(".safetensors"):
                check_safetensors(path)
            else:
                print("  skipped: not .npy or .safetensors")
        except Exception as error:  # report every file, then fail
            print(f"  FAILED: {type(error).__name__}: {error}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
