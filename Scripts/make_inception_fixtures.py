#!/usr/bin/env python3
"""Golden outputs of pytorch-fid's FID Inception-v3 for the GraftEval tests, without its real weights.

pytorch-fid's network (``pytorch_fid.inception.fid_inception_v3``: torchvision's Inception3 with the
FIDInceptionA/C/E_1/E_2 blocks and a 1008-way fc) is built by pytorch-fid's own code, with its weight
download replaced by deterministic weights from a formula that Graft's test computes too
(``formula_weight`` below; the Swift twin is ``InceptionTestWeights`` in
Tests/GraftEvalTests/InceptionTests.swift). A random Inception's features barely depend on its input
unless its convolutions are He-scaled and its batch norms' statistics fit the activations, so the
convolutions are He-scaled and every batch norm's running mean and variance are calibrated: one
forward pass in training mode (momentum None, so each layer's statistics are exactly its batch's, and
each layer sees normalized inputs) over a calibration batch of random and Fashion-MNIST images.
Those statistics are committed (they are not a formula); the ~95 MB of weights are not.

Writes into ``Tests/GraftEvalTests/Fixtures/inception/``:

``bn_stats.safetensors``  every ``*.bn.running_mean`` and ``*.bn.running_var`` (F32), ~80 KB
``state_dict.json``       every name of the network's state dict in order, with its shape and dtype:
                          the names a real pt_inception-2015-12-05-6726825d.pth holds
``images_rgb.npy``        2 random RGB images in [0, 1], float32 [2, 3, 40, 48] (seed 2929)
``images_gray.npy``       3 Fashion-MNIST test images (indices 0, 1, 2) in [0, 1], float32 [3, 1, 28, 28]
                          (random ones if /usr/share/datasets/fashion-mnist is not installed)
``expected_{rgb,gray}.npz`` torch's outputs for them: ``pool`` [N, 2048] (pytorch-fid's
                          ``InceptionV3()`` features: bilinear resize to 299, 2x - 1, the network to
                          its average pool) and ``logits`` [N, 1008] (the same network's fc). Grayscale
                          images are replicated to three channels first, as Graft does.

Rerun from the repository root with ``python3 Scripts/make_inception_fixtures.py`` (needs torch,
``pip install --no-deps pytorch-fid torchvision``, numpy and safetensors; made with torch 2.13.0+cpu,
pytorch-fid 0.3.0, torchvision 0.29.2). PyPI's torchvision is a CUDA build whose C extension fails
beside the CPU torch; its Python modules (all pytorch-fid needs) import once
``torchvision._meta_registrations`` is stubbed, which this script does.
"""

import gzip
import json
import math
import sys
import types
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.modules["torchvision._meta_registrations"] = types.ModuleType("torchvision._meta_registrations")
import pytorch_fid.inception as fid_inception  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT = REPO_ROOT / "Tests" / "GraftEvalTests" / "Fixtures" / "inception"
FASHION = Path("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")
MASK = 0xFFFFFFFF


def name_hash(name):
    """FNV-1a, 32 bits, of the name's UTF-8 bytes."""
    h = 0x811C9DC5
    for b in name.encode():
        h = ((h ^ b) * 0x01000193) & MASK
    return h


def uniform(name, count):
    """count values in [-1, 1): murmur3's 32-bit finalizer of (i * 0x9E3779B1 + hash(name)) mod 2^32,
    over 2^31, minus 1 (exact in float64)."""
    x = (np.arange(count, dtype=np.uint64) * np.uint64(0x9E3779B1) + np.uint64(name_hash(name))) & np.uint64(MASK)
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x85EBCA6B)) & np.uint64(MASK)
    x ^= x >> np.uint64(13)
    x = (x * np.uint64(0xC2B2AE35)) & np.uint64(MASK)
    x ^= x >> np.uint64(16)
    return x.astype(np.float64) / 2.0**31 - 1.0


def formula_weight(name, shape):
    """The deterministic value of parameter `name` (float64 arithmetic, rounded once to float32)."""
    count = int(np.prod(shape)) if shape else 1
    u = uniform(name, count)
    if name.endswith("conv.weight") or name == "fc.weight":
        fan_in = int(np.prod(shape[1:]))
        # He-uniform for the convolutions (variance 2/fan_in, for ReLU); variance 1/fan_in for the fc.
        scale = math.sqrt(6.0 / fan_in) if name.endswith("conv.weight") else math.sqrt(3.0 / fan_in)
        values = u * scale
    elif name.endswith("bn.weight"):
        values = 1.0 + 0.25 * u
    elif name.endswith("bn.bias"):
        values = 0.25 * u
    elif name == "fc.bias":
        values = 0.1 * u
    elif name.endswith("running_mean"):
        values = np.zeros(count)
    elif name.endswith("running_var"):
        values = np.ones(count)
    else:
        raise ValueError(f"no formula for {name}")
    return torch.from_numpy(values.astype(np.float32).reshape(shape))


def formula_state_dict(template):
    sd = {}
    for name, t in template.items():
        if name.endswith("num_batches_tracked"):
            sd[name] = torch.zeros((), dtype=torch.int64)
        else:
            sd[name] = formula_weight(name, list(t.shape))
    return sd


def build_network(state_dict_for):
    """pytorch-fid's fid_inception_v3(), its download replaced by `state_dict_for(template)`."""
    original = fid_inception.load_state_dict_from_url
    holder = {}

    def fake_load(url, progress=True):
        assert url == fid_inception.FID_WEIGHTS_URL
        return holder["sd"]

    # The template: the network's own state dict names and shapes, from an unloaded construction.
    template = fid_inception._inception_v3(num_classes=1008, aux_logits=False, weights=None)
    for attr, block in [
        ("Mixed_5b", fid_inception.FIDInceptionA(192, pool_features=32)),
        ("Mixed_5c", fid_inception.FIDInceptionA(256, pool_features=64)),
        ("Mixed_5d", fid_inception.FIDInceptionA(288, pool_features=64)),
        ("Mixed_6b", fid_inception.FIDInceptionC(768, channels_7x7=128)),
        ("Mixed_6c", fid_inception.FIDInceptionC(768, channels_7x7=160)),
        ("Mixed_6d", fid_inception.FIDInceptionC(768, channels_7x7=160)),
        ("Mixed_6e", fid_inception.FIDInceptionC(768, channels_7x7=192)),
        ("Mixed_7b", fid_inception.FIDInceptionE_1(1280)),
        ("Mixed_7c", fid_inception.FIDInceptionE_2(2048)),
    ]:
        setattr(template, attr, block)
    holder["sd"] = state_dict_for(template.state_dict())
    fid_inception.load_state_dict_from_url = fake_load
    try:
        wrapper = fid_inception.InceptionV3([3])  # resize + normalize + blocks to the average pool
        net = fid_inception.fid_inception_v3()  # the same weights, with its fc
    finally:
        fid_inception.load_state_dict_from_url = original
    return wrapper.eval(), net.eval(), template.state_dict()


def fashion_images(count):
    if not FASHION.exists():
        print("Fashion-MNIST not installed: random grayscale images instead")
        return torch.rand(count, 1, 28, 28, generator=torch.Generator().manual_seed(2930))
    with gzip.open(FASHION) as f:
        data = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 1, 28, 28)
    return torch.from_numpy(data[:count].astype(np.float32) / 255.0)


def to_three_channels(x):
    return x.repeat(1, 3, 1, 1) if x.shape[1] == 1 else x


def calibrated_stats(template_sd):
    """Each batch norm's statistics over a calibration batch, through the formula network."""
    _, net, _ = build_network(formula_state_dict)
    calibration = torch.cat(
        [
            F.interpolate(torch.rand(6, 3, 32, 32, generator=torch.Generator().manual_seed(7)), size=(299, 299),
                          mode="bilinear", align_corners=False),
            F.interpolate(to_three_channels(fashion_images(16)[10:16]), size=(299, 299), mode="bilinear",
                          align_corners=False),
        ]
    ) * 2 - 1
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.momentum = None  # cumulative average: after one batch, exactly the batch's statistics
            m.reset_running_stats()
    net.train()
    with torch.no_grad():
        net(calibration)
    sd = net.state_dict()
    return {k: v.clone() for k, v in sd.items() if k.endswith("running_mean") or k.endswith("running_var")}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    stats = calibrated_stats(None)

    def calibrated(template):
        sd = formula_state_dict(template)
        sd.update(stats)
        return sd

    wrapper, net, template_sd = build_network(calibrated)
    names = [{"name": k, "shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", "")} for k, v in template_sd.items()]
    with open(OUT / "state_dict.json", "w") as f:
        json.dump({"names": names}, f, indent=0)
        f.write("\n")
    from safetensors.torch import save_file

    save_file({k: v.contiguous() for k, v in stats.items()}, str(OUT / "bn_stats.safetensors"))

    rgb = torch.rand(2, 3, 40, 48, generator=torch.Generator().manual_seed(2929))
    gray = fashion_images(3)
    for label, images in [("rgb", rgb), ("gray", gray)]:
        np.save(OUT / f"images_{label}.npy", images.numpy().astype(np.float32))
        x3 = to_three_channels(images)
        with torch.no_grad():
            pool = wrapper(x3)[0].flatten(1)
            resized = F.interpolate(x3, size=(299, 299), mode="bilinear", align_corners=False) * 2 - 1
            logits = net(resized)
            assert torch.allclose(net.fc(pool), logits, rtol=1e-5, atol=1e-5)
        np.savez(OUT / f"expected_{label}.npz", pool=pool.numpy(), logits=logits.numpy())
        # The features must depend on the image, or matching them proves little.
        spread = (pool - pool.mean(0)).norm(dim=1) / pool.norm(dim=1)
        print(f"{label}: pool mean {pool.mean():.4f}, relative distance from the batch mean {spread.tolist()}, "
              f"logits std {logits.std():.4f}")
    for p in sorted(OUT.iterdir()):
        print(f"{p.name}: {p.stat().st_size} bytes")


if __name__ == "__main__":
    main()
