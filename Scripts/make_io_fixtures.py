#!/usr/bin/env python3
"""Generate the interop fixtures for the GraftIO tests: files written by NumPy
(and the reference safetensors writer) that Graft must read.

Writes into ``Tests/GraftIOTests/Fixtures/``:

``arange_f32.npy``       ``np.arange(12, dtype=float32).reshape(3, 4)``
``randn_f64.npy``        float64 standard normals, shape (2, 3, 2), seed 0
``labels_i64.npy``       int64 class labels ``[3, 1, 4, 1, 5, 9, 2, 6]``
``labels_i32.npy``       the same labels as int32
``scalar_f64.npy``       a 0-d float64 array holding -2.5
``empty_f32.npy``        float32 of shape (0, 3)
``highrank_f32.npy``     float32 [0, 1] of shape (2, 1, ..., 1), rank 16: the
                         one header here where NumPy's growth padding (room
                         for the first dimension to reach 21 digits) moves
                         the data to the next 64-byte boundary
``bigendian_f4.npy``     ``>f4``: Graft must reject it
``fortran_f4.npy``       a (2, 3) array in Fortran order: Graft must reject it
``numpy_written.safetensors``
                         ``weight`` F32 (2, 3) = arange(6)/4, ``bias`` F32 (3,)
                         = [-1, 0, 1], ``running_var`` F64 (4,) seeded normals,
                         ``scale`` F64 0-d = 0.1, and metadata
                         ``{"format": "np", "step": "42", "writer": ...}``
``expected.json``        the values of ``randn_f64.npy`` and of
                         ``running_var``, written with ``repr`` so that every
                         float64 round-trips exactly through JSON.

The safetensors file is written by ``safetensors.numpy.save_file`` (the
reference implementation, ``pip install safetensors``; the committed fixture
was made with safetensors 0.8.0). Where that package is not installed, a small
writer in this script that follows the format specification exactly is used
instead. The ``writer`` metadata entry records which one made the file.

Rerun from the repository root with::

    python3 Scripts/make_io_fixtures.py

(needs only NumPy). Use ``--out DIR`` to write somewhere else. All files
together are about 2 KB.
"""

import argparse
import json
import struct
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "Tests" / "GraftIOTests" / "Fixtures"

SAFETENSORS_DTYPES = {np.dtype("float32"): "F32", np.dtype("float64"): "F64"}


def write_safetensors_by_hand(tensors, metadata, path):
    """Write ``tensors`` (name -> C-contiguous little-endian array) per the
    safetensors specification: 8-byte little-endian header length, compact
    JSON header (``__metadata__`` first), padded with spaces to a multiple of
    8 bytes, then the tensors' bytes back to back. As in the reference writer,
    wider dtypes come first (so every tensor is aligned), then by name."""
    order = sorted(tensors, key=lambda n: (-tensors[n].dtype.itemsize, n))
    header = {"__metadata__": metadata} if metadata else {}
    offset = 0
    for name in order:
        array = tensors[name]
        header[name] = {
            "dtype": SAFETENSORS_DTYPES[array.dtype],
            "shape": list(array.shape),
            "data_offsets": [offset, offset + array.nbytes],
        }
        offset += array.nbytes
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for name in order:
            f.write(np.ascontiguousarray(tensors[name], dtype=tensors[name].dtype.newbyteorder("<")).tobytes())


def write_safetensors(tensors, metadata, path):
    """Write with the reference implementation when it is installed, else by hand."""
    try:
        import safetensors
        from safetensors.numpy import save_file
    except ImportError:
        metadata = dict(metadata, writer="make_io_fixtures.py")
        write_safetensors_by_hand(tensors, metadata, path)
        return "the hand-written writer in make_io_fixtures.py"
    metadata = dict(metadata, writer=f"safetensors {safetensors.__version__}")
    save_file(tensors, str(path), metadata=metadata)
    return f"safetensors {safetensors.__version__} (safetensors.numpy.save_file)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)

    rng = np.random.default_rng(0)
    randn = rng.standard_normal((2, 3, 2))
    running_var = rng.standard_normal(4)
    labels = np.array([3, 1, 4, 1, 5, 9, 2, 6], dtype=np.int64)

    np.save(out / "arange_f32.npy", np.arange(12, dtype=np.float32).reshape(3, 4))
    np.save(out / "randn_f64.npy", randn)
    np.save(out / "labels_i64.npy", labels)
    np.save(out / "labels_i32.npy", labels.astype(np.int32))
    np.save(out / "scalar_f64.npy", np.array(-2.5))
    np.save(out / "empty_f32.npy", np.zeros((0, 3), dtype=np.float32))
    np.save(out / "highrank_f32.npy", np.arange(2, dtype=np.float32).reshape((2,) + (1,) * 15))
    np.save(out / "bigendian_f4.npy", np.arange(4, dtype=">f4"))
    np.save(out / "fortran_f4.npy", np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))

    tensors = {
        "weight": (np.arange(6, dtype=np.float32) / 4).reshape(2, 3),
        "bias": np.array([-1, 0, 1], dtype=np.float32),
        "running_var": running_var,
        "scale": np.array(0.1),
    }
    writer = write_safetensors(tensors, {"format": "np", "step": "42"}, out / "numpy_written.safetensors")

    expected = {
        "randn_f64": {"shape": list(randn.shape), "data": randn.ravel().tolist()},
        "running_var": {"shape": list(running_var.shape), "data": running_var.tolist()},
    }
    with open(out / "expected.json", "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")

    total = sum(p.stat().st_size for p in out.iterdir())
    print(f"wrote {len(list(out.iterdir()))} files ({total} bytes) to {out}; safetensors by {writer}")


if __name__ == "__main__":
    main()
