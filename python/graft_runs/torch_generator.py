"""A run's generator in PyTorch, built from its config.json and loaded from its checkpoint, computing what
`graft sample` computes (Sources/GraftGAN/Models.swift builds the same layers in the same order, so the
checkpoint's names "generator.<index>.<tensor>" are the Sequential's own)."""

from pathlib import Path

import numpy as np

from .run import load
from .safetensors import read_safetensors


def _torch():
    try:
        import torch
    except ImportError as error:  # One line naming the fix.
        raise ImportError("graft_runs.generator needs PyTorch: pip install torch") from error
    return torch


def _build(config, tensors):
    torch = _torch()
    nn = torch.nn

    class Reshape(nn.Module):
        def __init__(self, shape):
            super().__init__()
            self.shape = tuple(shape)

        def forward(self, x):
            return x.reshape(x.shape[0], *self.shape)

    model, z, width = config["model"], config["latentDimension"], config["width"]
    if model == "mlp":
        return nn.Sequential(nn.Linear(z, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(), nn.Linear(width, 2))
    if model == "dcgan":
        size = config["imageSize"]
        if size not in (28, 32):
            raise ValueError(f"DCGAN image size {size} is not supported (28 or 32)")
        start, count = (4, 3) if size == 32 else (7, 2)
        top = width << (count - 1)
        layers = [nn.Linear(z, top * start * start), Reshape([top, start, start]), nn.BatchNorm2d(top), nn.ReLU()]
        c = top
        # The last transposed convolution's output channels are the images' (1 gray, 3 colour).
        kernels = {int(n.split(".")[1]): t for n, t in tensors.items()
                   if n.startswith("generator.") and n.endswith(".weight") and t.ndim == 4}
        channels = kernels[max(kernels)].shape[1]
        for stage in range(count):
            last = stage == count - 1
            out = channels if last else c // 2
            layers.append(nn.ConvTranspose2d(c, out, 4, stride=2, padding=1, bias=last))
            layers += [nn.Tanh()] if last else [nn.BatchNorm2d(out), nn.ReLU()]
            c = out
        return nn.Sequential(*layers)
    if model == "resnet":
        # ResidualBlock (Sources/GraftLayers/ResidualBlock.swift) with resample .up and batch norm.
        class UpBlock(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.bn1, self.conv1 = nn.BatchNorm2d(c), nn.Conv2d(c, c, 3, padding=1)
                self.bn2, self.conv2 = nn.BatchNorm2d(c), nn.Conv2d(c, c, 3, padding=1)
                self.shortcut = nn.Conv2d(c, c, 1)

            def forward(self, x):
                up = torch.nn.functional.interpolate(x, scale_factor=2, mode="nearest")
                h = torch.nn.functional.interpolate(torch.relu(self.bn1(x)), scale_factor=2, mode="nearest")
                h = self.conv2(torch.relu(self.bn2(self.conv1(h))))
                return h + self.shortcut(up)

        channels = tensors["generator.7.weight"].shape[0]
        return nn.Sequential(nn.Linear(z, width * 16), Reshape([width, 4, 4]), UpBlock(width), UpBlock(width),
                             UpBlock(width), nn.BatchNorm2d(width), nn.ReLU(), nn.Conv2d(width, channels, 3, padding=1),
                             nn.Tanh())
    raise NotImplementedError(
        f"graft_runs.generator builds the mlp, dcgan and resnet generators; this run's model is {model!r}")


def generator(path, checkpoint=None):
    """The generator of the run in ``path`` as a ``torch.nn.Module`` in eval mode (batch norm with its running
    statistics, as `graft sample`'s default), with the weights of ``checkpoint`` (default the latest): the
    exponential moving average's when the run keeps one (``emaDecay``), as `graft sample` uses. Input: latent
    vectors [N, latentDimension] (float32); output: [N, 2] points or [N, C, H, W] images in [-1, 1]."""
    torch = _torch()
    run = load(path)
    file = Path(checkpoint) if checkpoint else run.checkpoint
    tensors, _ = read_safetensors(file)
    model = _build(run.config, tensors)
    weights = "ema." if run.config.get("emaDecay") is not None else "generator."
    state = {}
    for name, value in model.state_dict().items():
        if name.endswith("num_batches_tracked"):
            state[name] = value
            continue
        # Batch-norm statistics are the generator's own; the average keeps parameters only.
        prefix = "generator." if name.endswith(("running_mean", "running_var")) else weights
        key = prefix + name
        if key not in tensors:
            raise KeyError(f"{file} has no tensor {key}: was it written by this run's model ({run.config['model']})?")
        array = tensors[key]
        if tuple(array.shape) != tuple(value.shape):
            raise ValueError(f"{file}: {key} has shape {list(array.shape)}, the model expects {list(value.shape)}")
        state[name] = torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32))
    model.load_state_dict(state)
    return model.eval()
