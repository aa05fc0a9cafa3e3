#!/usr/bin/env python3
"""Generate golden PyTorch fixtures for the GraftLayers/GraftOptimizers tests.

Writes three files into ``Tests/GraftLayersTests/Fixtures/``:

``layers.json``
    One case per layer configuration (linear, conv2d, conv_transpose2d,
    batchnorm1d/2d, layernorm, activations and the WGAN-GP ResNet blocks)::

        {"cases": [{"name": "...", "layer": "conv2d", "config": {...},
                    "mode": "train" | "eval",
                    "tensors": {"input": ..., "output": ...,
                                "grad_output": ..., "grad_input": ...,
                                "param.weight": ..., "grad.weight": ...,
                                "buffer.running_mean": ...,
                                "buffer_after.running_mean": ..., ...}}]}

    Every parameter is replaced by ``randn * 0.5`` before the forward (so
    affine BN/LN weights are not the trivial 1/0 defaults); batch-norm
    running statistics are set to ``running_mean = randn * 0.5`` and
    ``running_var = rand + 0.5`` (in both modes, so the train-mode momentum
    update is exercised with non-trivial old values). ``param.NAME`` /
    ``buffer.NAME`` are the values used in the forward, ``grad.NAME`` the
    parameter gradients after ``out.backward(grad_output)`` and
    ``buffer_after.NAME`` the buffers after the forward
    (``num_batches_tracked`` is skipped). Names are those of
    ``module.named_parameters()`` / ``named_buffers()``.

``optimizers.json``
    One case per optimizer configuration (torch.optim SGD, Adam, RMSprop,
    single-tensor code path: ``foreach=False``, ``fused=False``)::

        {"cases": [{"name": "...", "optimizer": "sgd" | "adam" | "rmsprop",
                    "config": {...torch keyword arguments...},
                    "steps": 50,
                    "tensors": {"p0": [3,4], "p1": [5],
                                "g0": [50,3,4], "g1": [50,5],
                                "e0": [50,3,4], "e1": [50,5]}}]}

    ``p0``/``p1`` are the initial parameters, ``g0[t]``/``g1[t]`` the
    gradients fed at step ``t`` and ``e0[t]``/``e1[t]`` the parameters after
    step ``t``. Config keys not present mean torch's defaults.

``optimizer_state.json``
    Long runs that check the optimizer *state* as well as the parameters
    (torch.optim single-tensor code, ``foreach=False``)::

        {"cases": [{"name": "...", "optimizer": "sgd" | "adam" | "rmsprop",
                    "config": {...torch keyword arguments...},
                    "steps": 1000, "checkpoints": [1, 10, 1000],
                    "tensors": {"p0": [3,4], "p1": [4], "p2": [40],
                                "s1.p0": ..., "s1.p0.exp_avg": ..., ...,
                                "s1000.p2.exp_avg_sq": ...}}]}

    ``pK`` are the initial parameters (``randn``), ``sT.pK`` the parameters
    after step ``T`` and ``sT.pK.KEY`` the optimizer state tensor ``KEY``
    (``exp_avg``, ``exp_avg_sq``, ``max_exp_avg_sq``, ``square_avg``,
    ``grad_avg``, ``momentum_buffer``) after step ``T``. The gradients are
    not stored: ``state_gradient(k, t, n)`` computes them from a hash of the
    parameter index, the step and the element index, with only exact double
    operations and one rounding to float32, so that the Swift test
    recomputes the same float32 values (``stateGradient`` in
    TorchGoldenLayerTests.swift). ``p2`` has 40 elements so that torch's
    vectorised CPU kernels run too (they take 32 floats at a time on AVX-512;
    smaller tensors go through the scalar loop only).

Every tensor is ``{"shape": [...], "data": [...]}`` where ``data`` is the
flat row-major list of elements; each element is the exact float32 value
written as a JSON double, so parsing it and converting to Float reproduces
the PyTorch value bit for bit.

Generation is deterministic: ``torch.set_num_threads(1)`` and
``torch.manual_seed(seed)`` with a fixed per-case seed.

Rerun from the repository root with::

    python3 Scripts/make_layer_fixtures.py

(requires PyTorch, see ``Scripts/requirements-dev.txt``). Use
``--out DIR`` to write somewhere else.
"""


import torch
import torch.nn as nn
import torch.nn.functional as F

from fixture_common import REPO_ROOT, randn, run, tensor_json

DEFAULT_OUT = REPO_ROOT / "Tests" / "GraftLayersTests" / "Fixtures"

STEPS = 50






# ----------------------------------------------------------------------------
# Reference ResNet blocks (WGAN-GP). Graft's ResidualBlock must match these
# exactly: same parameter names, same op order, nearest 2x upsampling in the
# generator block, 2x2 average pooling in the critic block.
# ----------------------------------------------------------------------------


class ResBlockUp(nn.Module):  # WGAN-GP ResNet generator block
    def __init__(s, cin, cout):
        super().__init__()
        s.bn1 = nn.BatchNorm2d(cin); s.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        s.bn2 = nn.BatchNorm2d(cout); s.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        s.shortcut = nn.Conv2d(cin, cout, 1)

    def forward(s, x):
        up = lambda t: F.interpolate(t, scale_factor=2, mode="nearest")
        h = s.conv1(up(F.relu(s.bn1(x))))
        h = s.conv2(F.relu(s.bn2(h)))
        return h + s.shortcut(up(x))


class ResBlockDown(nn.Module):  # WGAN-GP ResNet critic block (no normalization)
    def __init__(s, cin, cout):
        super().__init__()
        s.conv1 = nn.Conv2d(cin, cout, 3, padding=1); s.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        s.shortcut = nn.Conv2d(cin, cout, 1)

    def forward(s, x):
        h = s.conv2(F.relu(s.conv1(F.relu(x))))
        return F.avg_pool2d(h, 2) + F.avg_pool2d(s.shortcut(x), 2)


# ----------------------------------------------------------------------------
# Layers
# ----------------------------------------------------------------------------


def build_layer(kind, c):
    """Construct the torch module for a layer kind and its fixture config."""
    if kind == "linear":
        return nn.Linear(c["in"], c["out"], bias=c["bias"])
    if kind == "conv2d":
        return nn.Conv2d(c["in"], c["out"], c["kernel"], stride=c["stride"],
                         padding=c["padding"], bias=c["bias"])
    if kind == "conv_transpose2d":
        return nn.ConvTranspose2d(c["in"], c["out"], c["kernel"],
                                  stride=c["stride"], padding=c["padding"],
                                  output_padding=c["output_padding"],
                                  bias=c["bias"])
    if kind == "batchnorm1d":
        return nn.BatchNorm1d(c["features"], eps=c["eps"],
                              momentum=c["momentum"])
    if kind == "batchnorm2d":
        return nn.BatchNorm2d(c["features"], eps=c["eps"],
                              momentum=c["momentum"])
    if kind == "layernorm":
        return nn.LayerNorm(c["shape"], eps=c["eps"], elementwise_affine=True)
    if kind == "relu":
        return nn.ReLU()
    if kind == "leaky_relu":
        return nn.LeakyReLU(c["slope"])
    if kind == "tanh":
        return nn.Tanh()
    if kind == "sigmoid":
        return nn.Sigmoid()
    if kind == "softplus":
        return nn.Softplus()
    if kind == "resblock_up":
        return ResBlockUp(c["in"], c["out"])
    if kind == "resblock_down":
        return ResBlockDown(c["in"], c["out"])
    raise ValueError(f"unknown layer kind {kind!r}")


ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid", "softplus")

LAYER_SPECS = [
    # name, kind, config, mode, input shape
    ("linear_bias", "linear",
     {"in": 5, "out": 3, "bias": True}, "train", (4, 5)),
    ("linear_nobias", "linear",
     {"in": 5, "out": 3, "bias": False}, "train", (4, 5)),
    ("conv2d_3x3_s1_p1_bias", "conv2d",
     {"in": 3, "out": 4, "kernel": 3, "stride": 1, "padding": 1,
      "bias": True}, "train", (2, 3, 6, 6)),
    ("conv2d_4x4_s2_p1_nobias", "conv2d",
     {"in": 4, "out": 6, "kernel": 4, "stride": 2, "padding": 1,
      "bias": False}, "train", (2, 4, 8, 8)),
    ("conv_transpose2d_4x4_s2_p1", "conv_transpose2d",
     {"in": 4, "out": 3, "kernel": 4, "stride": 2, "padding": 1,
      "output_padding": 0, "bias": True}, "train", (2, 4, 3, 3)),
    ("conv_transpose2d_3x3_s2_p1_op1", "conv_transpose2d",
     {"in": 3, "out": 2, "kernel": 3, "stride": 2, "padding": 1,
      "output_padding": 1, "bias": True}, "train", (1, 3, 4, 4)),
    ("batchnorm1d_train", "batchnorm1d",
     {"features": 6, "eps": 1e-5, "momentum": 0.1}, "train", (8, 6)),
    ("batchnorm1d_eval", "batchnorm1d",
     {"features": 6, "eps": 1e-5, "momentum": 0.1}, "eval", (8, 6)),
    ("batchnorm2d_train", "batchnorm2d",
     {"features": 3, "eps": 1e-5, "momentum": 0.1}, "train", (4, 3, 5, 5)),
    ("batchnorm2d_eval", "batchnorm2d",
     {"features": 3, "eps": 1e-5, "momentum": 0.1}, "eval", (4, 3, 5, 5)),
    ("layernorm_1d", "layernorm",
     {"shape": [6], "eps": 1e-5}, "train", (4, 6)),
    ("layernorm_3d", "layernorm",
     {"shape": [3, 4, 4], "eps": 1e-5}, "train", (2, 3, 4, 4)),
    ("relu", "relu", {}, "train", (3, 7)),
    ("leaky_relu", "leaky_relu", {"slope": 0.2}, "train", (3, 7)),
    ("tanh", "tanh", {}, "train", (3, 7)),
    ("sigmoid", "sigmoid", {}, "train", (3, 7)),
    ("softplus", "softplus", {}, "train", (3, 7)),
    ("resblock_up", "resblock_up",
     {"in": 4, "out": 3}, "train", (2, 4, 4, 4)),
    ("resblock_down", "resblock_down",
     {"in": 3, "out": 4}, "train", (2, 3, 8, 8)),
]


def tracked_buffers(module):
    """Named buffers worth recording (everything but num_batches_tracked)."""
    return [(n, b) for n, b in module.named_buffers()
            if not n.endswith("num_batches_tracked")]


def gen_layer_case(seed, name, kind, config, mode, x_shape):
    """Run one layer forward/backward and collect its fixture tensors."""
    torch.manual_seed(seed)
    module = build_layer(kind, config)
    with torch.no_grad():
        for _, p in module.named_parameters():
            p.copy_(torch.randn(p.shape) * 0.5)
        for bname, b in tracked_buffers(module):
            if bname.endswith("running_mean"):
                b.copy_(torch.randn(b.shape) * 0.5)
            elif bname.endswith("running_var"):
                b.copy_(torch.rand(b.shape) + 0.5)
            else:
                raise AssertionError(f"unexpected buffer {bname}")
    module.train(mode == "train")

    tensors = {}
    for bname, b in tracked_buffers(module):
        tensors[f"buffer.{bname}"] = b.detach().clone()
    for pname, p in module.named_parameters():
        tensors[f"param.{pname}"] = p.detach().clone()

    scale = 2.0 if kind in ACTIVATIONS else 1.0
    x = (randn(*x_shape) * scale).requires_grad_(True)
    out = module(x)
    grad_out = randn(*out.shape)
    out.backward(grad_out)

    tensors.update({
        "input": x, "output": out, "grad_output": grad_out,
        "grad_input": x.grad,
    })
    for pname, p in module.named_parameters():
        tensors[f"grad.{pname}"] = p.grad
    for bname, b in tracked_buffers(module):
        tensors[f"buffer_after.{bname}"] = b.detach().clone()

    return {
        "name": name,
        "layer": kind,
        "config": config,
        "mode": mode,
        "tensors": {k: tensor_json(v) for k, v in tensors.items()},
    }


def gen_layers():
    """All layer cases, each with its own seed (its index in LAYER_SPECS)."""
    return [gen_layer_case(i, *spec) for i, spec in enumerate(LAYER_SPECS)]


# ----------------------------------------------------------------------------
# Optimizers
# ----------------------------------------------------------------------------


OPTIMIZER_SPECS = [
    # name, optimizer, config (torch keyword arguments)
    ("sgd_plain", "sgd", {"lr": 0.1}),
    ("sgd_momentum", "sgd", {"lr": 0.05, "momentum": 0.9}),
    ("sgd_nesterov_wd", "sgd",
     {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("sgd_dampening", "sgd",
     {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
    ("adam_gan", "adam",
     {"lr": 0.0002, "betas": [0.5, 0.999], "eps": 1e-8}),
    ("adam_wd", "adam",
     {"lr": 0.001, "betas": [0.5, 0.9], "eps": 1e-8, "weight_decay": 0.01}),
    ("adam_amsgrad", "adam",
     {"lr": 0.001, "betas": [0.9, 0.999], "eps": 1e-8, "amsgrad": True}),
    ("adam_large_eps", "adam",
     {"lr": 0.01, "betas": [0.9, 0.999], "eps": 0.1}),
    ("rmsprop", "rmsprop", {"lr": 0.01, "alpha": 0.99, "eps": 1e-8}),
    ("rmsprop_momentum_centered", "rmsprop",
     {"lr": 0.01, "alpha": 0.9, "eps": 1e-8, "momentum": 0.9,
      "centered": True, "weight_decay": 0.01}),
]


def build_optimizer(kind, params, config):
    """torch.optim optimizer forced onto the single-tensor code path."""
    kwargs = dict(config)
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    if kind == "sgd":
        return torch.optim.SGD(params, foreach=False, fused=False, **kwargs)
    if kind == "adam":
        return torch.optim.Adam(params, foreach=False, fused=False, **kwargs)
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, foreach=False, **kwargs)
    raise ValueError(f"unknown optimizer {kind!r}")


def gen_optimizer_case(seed, name, kind, config):
    """Run STEPS optimizer steps on two parameters with fixed gradients."""
    torch.manual_seed(seed)
    p0 = randn(3, 4)
    p1 = randn(5)
    g0 = randn(STEPS, 3, 4)
    g1 = randn(STEPS, 5)
    tensors = {"p0": p0.clone(), "p1": p1.clone(), "g0": g0, "g1": g1}

    params = [p0.clone().requires_grad_(True), p1.clone().requires_grad_(True)]
    opt = build_optimizer(kind, params, config)
    e0, e1 = [], []
    for t in range(STEPS):
        params[0].grad = g0[t].clone()
        params[1].grad = g1[t].clone()
        opt.step()
        e0.append(params[0].detach().clone())
        e1.append(params[1].detach().clone())
    tensors["e0"] = torch.stack(e0)
    tensors["e1"] = torch.stack(e1)

    return {
        "name": name,
        "optimizer": kind,
        "config": config,
        "steps": STEPS,
        "tensors": {k: tensor_json(v) for k, v in tensors.items()},
    }


def gen_optimizers():
    """All optimizer cases, each seeded with its index in OPTIMIZER_SPECS."""
    return [gen_optimizer_case(i, *spec)
            for i, spec in enumerate(OPTIMIZER_SPECS)]


# ----------------------------------------------------------------------------
# Optimizer state over long runs
# ----------------------------------------------------------------------------


STATE_STEPS = 1000
STATE_CHECKPOINTS = [1, 10, 1000]
STATE_SHAPES = [(3, 4), (4,), (40,)]

STATE_SPECS = [
    # name, optimizer, config (torch keyword arguments). Hyperparameters are
    # Python doubles, as users give them; the point of these cases is that
    # Graft computes 1 - beta, 1 - alpha and the bias corrections from the
    # double, like torch, and not from a float32 rounding of it.
    ("adam_gan_999", "adam", {"lr": 0.0002, "betas": [0.5, 0.999], "eps": 1e-8}),
    ("adam_9999", "adam", {"lr": 0.001, "betas": [0.9, 0.9999], "eps": 1e-8}),
    ("adam_wd", "adam",
     {"lr": 0.001, "betas": [0.5, 0.9], "eps": 1e-8, "weight_decay": 0.01}),
    ("adam_amsgrad", "adam",
     {"lr": 0.001, "betas": [0.9, 0.999], "eps": 1e-8, "amsgrad": True}),
    ("rmsprop", "rmsprop", {"lr": 0.01, "alpha": 0.99, "eps": 1e-8}),
    ("rmsprop_centered", "rmsprop",
     {"lr": 0.001, "alpha": 0.999, "eps": 1e-8, "centered": True}),
    ("rmsprop_momentum", "rmsprop",
     {"lr": 0.001, "alpha": 0.9, "eps": 1e-8, "momentum": 0.9,
      "weight_decay": 0.01}),
    ("rmsprop_momentum_centered", "rmsprop",
     {"lr": 0.001, "alpha": 0.99, "eps": 1e-8, "momentum": 0.7,
      "centered": True}),
    ("sgd_momentum", "sgd", {"lr": 0.01, "momentum": 0.9}),
    ("sgd_dampening", "sgd", {"lr": 0.01, "momentum": 0.9, "dampening": 0.3}),
    ("sgd_nesterov_wd", "sgd",
     {"lr": 0.01, "momentum": 0.99, "nesterov": True, "weight_decay": 0.01}),
]

MASK64 = (1 << 64) - 1


def splitmix64(x):
    """SplitMix64's output function of the state ``x`` (64-bit arithmetic)."""
    z = (x + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def state_gradient(k, t, n):
    """The float32 gradient of parameter ``k`` (n elements) at step ``t``.

    Element i: a uniform number from a hash of (k, t, i), times a per-element
    scale 2^(i % 4 - 2), plus a per-element mean ((i % 3) - 1) / 2 whose sign
    flips every 250 steps (so the moments are not stationary and AMSGrad's
    maximum differs from the second moment). Every operation is exact in
    double; the one rounding is to float32, which the Swift test repeats.
    """
    sign = 1.0 if (t // 250) % 2 == 0 else -1.0
    values = []
    for i in range(n):
        u = splitmix64((k << 48) | (t << 16) | i)
        uniform = (u >> 40) * 2.0 ** -24                 # [0, 1), 24 bits
        scale = 2.0 ** (i % 4 - 2)
        mean = sign * 0.5 * (i % 3 - 1)
        values.append((uniform - 0.5) * 4.0 * scale + mean)
    return torch.tensor(values, dtype=torch.float64).to(torch.float32)


def gen_state_case(seed, name, kind, config):
    """STATE_STEPS steps on three parameters; parameters and state at the checkpoints."""
    torch.manual_seed(seed)
    initial = [randn(*shape) for shape in STATE_SHAPES]
    tensors = {f"p{k}": p.clone() for k, p in enumerate(initial)}
    params = [p.clone().requires_grad_(True) for p in initial]
    opt = build_optimizer(kind, params, config)
    for t in range(1, STATE_STEPS + 1):
        for k, p in enumerate(params):
            p.grad = state_gradient(k, t, p.numel()).reshape(p.shape)
        opt.step()
        if t in STATE_CHECKPOINTS:
            for k, p in enumerate(params):
                tensors[f"s{t}.p{k}"] = p.detach().clone()
                for key, value in opt.state[p].items():
                    if key != "step":
                        tensors[f"s{t}.p{k}.{key}"] = value.detach().clone()
    return {
        "name": name,
        "optimizer": kind,
        "config": config,
        "steps": STATE_STEPS,
        "checkpoints": STATE_CHECKPOINTS,
        "tensors": {k: tensor_json(v) for k, v in tensors.items()},
    }


def gen_optimizer_state():
    """All long-run optimizer cases, each seeded with its index in STATE_SPECS."""
    return [gen_state_case(i, *spec) for i, spec in enumerate(STATE_SPECS)]


GENERATORS = {
    "layers": gen_layers,
    "optimizers": gen_optimizers,
    "optimizer_state": gen_optimizer_state,
}


# ----------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------





def main():
    run(__doc__, DEFAULT_OUT, GENERATORS, lambda name, cases: {"cases": cases})


if __name__ == "__main__":
    main()
