#!/usr/bin/env python3
"""Generate the PyTorch `.pth` fixtures for the GraftIO tests (the restricted unpickler and the `.pth`
reader): small files written by ``torch.save`` that Graft must read, and pickles it must refuse.

Writes into ``Tests/GraftIOTests/Fixtures/torch/``:

``state_dict.pth``        ``torch.save`` (zip format, pickle protocol 2) of a module's ``state_dict()``:
                          an OrderedDict (with its ``_metadata`` attribute) holding float32 weights, a
                          batch norm's running statistics and its int64 ``num_batches_tracked``, and
                          three views of ONE shared storage: the base [3, 4], its transpose (non-
                          contiguous) and its row 1 (a storage offset of 4), plus a float64 tensor
``state_dict_legacy.pth`` the same dict saved with ``_use_new_zipfile_serialization=False`` (the format
                          before PyTorch 1.6, which older published weights use)
``state_dict.safetensors`` the float tensors of the same dict (``safetensors.torch.save_file``; views
                          made contiguous, as safetensors requires), for reading the same names
``expected.json``         every tensor of the dict: its dtype, shape and values (row-major), float64
                          values written with ``repr`` precision
``malicious_os_system.pth``   a zip whose data.pkl is a pickle calling ``os.system("echo pwned")``
                              through a GLOBAL (what ``pickle.dumps`` of a ``__reduce__`` writes)
``malicious_posix_system.pkl`` the same pickle alone, as written on Linux (``posix.system``)
``malicious_eval.pth``        a state dict whose pickle smuggles ``builtins.eval`` beside real tensors

Rerun from the repository root with ``python3 Scripts/make_pth_fixtures.py`` (needs torch and
safetensors; the committed files were made with torch 2.13.0+cpu, safetensors 0.8.0). All files together
are a few KB. Nothing here is ever unpickled by Python: the malicious pickles are written, not loaded.
"""

import io
import json
import os
import pickle
import zipfile
from collections import OrderedDict
from pathlib import Path

import torch

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT = REPO_ROOT / "Tests" / "GraftIOTests" / "Fixtures" / "torch"


class Small(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(4, 3)
        self.bn = torch.nn.BatchNorm2d(2)


def make_state_dict():
    torch.manual_seed(29)
    model = Small()
    with torch.no_grad():
        model.bn.running_mean.copy_(torch.tensor([0.25, -0.5]))
        model.bn.running_var.copy_(torch.tensor([1.5, 0.75]))
        model.bn.num_batches_tracked.fill_(7)
    sd = model.state_dict()  # an OrderedDict with a _metadata attribute
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 8 - 0.5
    sd["shared.base"] = base
    sd["shared.transposed"] = base.t()  # strides (1, 4): non-contiguous, same storage
    sd["shared.row1"] = base[1]  # storage offset 4, same storage
    sd["double"] = torch.tensor([[1.0 / 3, -2.0e-300], [1.0e300, 0.1]], dtype=torch.float64)
    assert sd["shared.transposed"].untyped_storage().data_ptr() == base.untyped_storage().data_ptr()
    return sd


def expected_json(sd):
    out = OrderedDict()
    for name, t in sd.items():
        values = t.contiguous().reshape(-1).tolist()
        out[name] = {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "data": values}
    return out


class SystemCall:
    """Pickles as a call of os.system: the classic malicious pickle."""

    def __reduce__(self):
        return (os.system, ("echo pwned",))


def write_zip_with_pickle(path, pickled):
    """A torch.save-shaped zip (archive/data.pkl, archive/version) around the given pickle bytes."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pickled)
        z.writestr("archive/byteorder", "little")
        z.writestr("archive/version", "3\n")


def malicious_eval_state_dict():
    """A real state dict's pickle with one entry that would call builtins.eval on loading."""
    buffer = io.BytesIO()
    torch.save(OrderedDict(weight=torch.ones(2), bias=torch.zeros(2)), buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as z:
        members = {name: z.read(name) for name in z.namelist()}
    pkl_name = next(n for n in members if n.endswith("/data.pkl"))
    original = members[pkl_name]
    # Protocol-2 opcodes spelled out: 'c' GLOBAL builtins eval, '(' MARK, 'X' BINUNICODE, 't' TUPLE,
    # 'R' REDUCE; inserted as a second value under the key "evil" just before the dict's last SETITEMS.
    payload = b"X\x04\x00\x00\x00evil" + b"cbuiltins\neval\n(X\x0c\x00\x00\x00print('hi!')tR"
    import pickletools

    # The position of the SETITEMS that fills the OrderedDict (found by parsing, not by searching bytes).
    index = next(pos for op, _, pos in pickletools.genops(original) if op.name == "SETITEMS")
    members[pkl_name] = original[:index] + payload + original[index:]
    with zipfile.ZipFile(OUT / "malicious_eval.pth", "w", compression=zipfile.ZIP_STORED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    sd = make_state_dict()
    torch.save(sd, OUT / "state_dict.pth")
    torch.save(sd, OUT / "state_dict_legacy.pth", _use_new_zipfile_serialization=False)
    from safetensors.torch import save_file

    floats = {k: v.contiguous().clone() for k, v in sd.items() if v.dtype == torch.float32}
    save_file(floats, str(OUT / "state_dict.safetensors"))
    with open(OUT / "expected.json", "w") as f:
        json.dump(expected_json(sd), f, indent=1)
        f.write("\n")

    # Pickles only: never loaded here.
    system_pickle = pickle.dumps(SystemCall(), protocol=2)
    assert b"system" in system_pickle
    (OUT / "malicious_posix_system.pkl").write_bytes(system_pickle)
    write_zip_with_pickle(
        OUT / "malicious_os_system.pth", system_pickle.replace(b"cposix\nsystem\n", b"cos\nsystem\n"))
    malicious_eval_state_dict()
    for p in sorted(OUT.iterdir()):
        print(f"{p.name}: {p.stat().st_size} bytes")


if __name__ == "__main__":
    main()
