#!/usr/bin/env python3
"""PyTorch (CPU) side of `graft bench`: the same workloads, timed the same way.

`graft bench` runs this script for each workload and prints Graft's time,
PyTorch's time and their ratio. Run alone it prints one JSON object:

    {"torch_version": "...", "threads": N,
     "workloads": {"mlp-gan": {"ms": t, "iterations": k}, ...}}

Workloads (each mirrors Sources/GraftGAN/BenchmarkWorkload.swift):

* mlp-gan: ring8 MLP GAN, G 2->128->128->2 from a 2-D latent, D 2->128->128->1,
  ReLU, batch 256; one D step + one G step, non-saturating loss, Adam(1e-3).
* dcgan: 32x32 DCGAN, G linear 128->4*4*256, BN, ReLU, convT 256->128->64->1
  (4x4, stride 2, pad 1) with BN+ReLU between, tanh; D conv 1->64->128->256
  (4x4, stride 2, pad 1), BN after the 2nd and 3rd, LeakyReLU 0.2, linear to 1;
  batch 64, non-saturating loss, Adam(2e-4, 0.5, 0.999); D step + G step.
* wgan-gp: the same DCGAN with a critic without BN; one critic step with the
  gradient penalty (lambda 10, create_graph=True) + one G step, batch 64,
  Adam(1e-4, 0.5, 0.9).
* theory: the paper's synthetic setting, d=100, G = V^T z with 6 neurons and
  one-hot z, D(x) = a * sum_i <w_i, x>^3 + b with 6 neurons, data = 2 modes
  e_1, e_2 + N(0, 0.01^2), batch 64, minimax loss, layer-wise nSGDA (lr 0.02)
  for both players; D step + G step.
* conv2d: conv2d forward+backward, input [64,64,16,16], weight [128,64,4,4],
  stride 2, padding 1.
* matmul: 512x512 @ 512x512 float32.

As in Graft's trainer, each step differentiates with respect to the stepping
player's parameters only (torch.autograd.grad). Real batches are drawn fresh
each iteration for mlp-gan and theory (as Graft's trainer samples them); the
image workloads take them from a pool of 16 random batches (uniform in
[-1, 1]), as Graft's benchmark does, so that data loading is not measured.

Usage:
    python3 Benchmarks/torch_bench.py [--workloads mlp-gan,dcgan] [--threads 2]
    python3 Benchmarks/torch_bench.py --serve --workloads dcgan [--threads 2]

With --serve (how `graft bench` runs it), the script builds one workload,
prints {"torch_version": ..., "ready": true} and then, for each line
"MIN_REPS MIN_SECONDS" read from stdin, times the workload again and prints
{"ms": t, "iterations": k} on one line, until stdin closes. Graft and PyTorch
can so alternate in short rounds without starting Python each time, and each
pair of times is taken seconds apart.
"""

import argparse
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def time_median(fn, min_reps, min_seconds, warmup=3):
    """Median wall time (s) of fn() and the number of timed calls."""
    for _ in range(warmup):
        fn()
    times = []
    total = 0.0
    while len(times) < min_reps or total < min_seconds:
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        times.append(dt)
        total += dt
    return statistics.median(times), len(times)


def dcgan_init(module):
    # N(0, 0.02) weights and zero biases, as Graft's DCGAN (BN keeps weight 1, bias 0).
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        nn.init.zeros_(module.bias)


def dcgan_players(critic_bn):
    g = nn.Sequential(
        nn.Linear(128, 256 * 4 * 4), nn.Unflatten(1, (256, 4, 4)),
        nn.BatchNorm2d(256), nn.ReLU(),
        nn.ConvTranspose2d(256, 128, 4, 2, 1), nn.BatchNorm2d(128), nn.ReLU(),
        nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh())
    d_layers = [nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),
                nn.Conv2d(64, 128, 4, 2, 1)]
    if critic_bn:
        d_layers.append(nn.BatchNorm2d(128))
    d_layers += [nn.LeakyReLU(0.2), nn.Conv2d(128, 256, 4, 2, 1)]
    if critic_bn:
        d_layers.append(nn.BatchNorm2d(256))
    d_layers += [nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(256 * 4 * 4, 1)]
    d = nn.Sequential(*d_layers)
    g.apply(dcgan_init)
    d.apply(dcgan_init)
    return g, d


class TheoryG(nn.Module):
    def __init__(self, neurons=6, dim=100, init_scale=0.1):
        super().__init__()
        self.neurons = nn.Parameter(torch.randn(neurons, dim) * init_scale / math.sqrt(dim))

    def forward(self, z):
        return z @ self.neurons


class TheoryD(nn.Module):
    def __init__(self, neurons=6, dim=100, power=3, init_scale=0.1):
        super().__init__()
        self.neurons = nn.Parameter(torch.randn(neurons, dim) * init_scale / math.sqrt(dim))
        self.scale = nn.Parameter(torch.ones(1))
        self.bias = nn.Parameter(torch.zeros(1))
        self.power = power

    def forward(self, x):
        return (x @ self.neurons.t()).pow(self.power).sum(1, keepdim=True) * self.scale + self.bias


class NormalizedSGD:
    """Layer-wise nSGDA: each tensor moves by lr along -g/||g||."""

    def __init__(self, params, lr):
        self.params = list(params)
        self.lr = lr

    @torch.no_grad()
    def step(self, grads):
        for p, g in zip(self.params, grads):
            norm = g.norm()
            if norm > 0:
                p.add_(g, alpha=-self.lr / norm.item())


class AdamStep:
    """torch.optim.Adam fed with gradients from autograd.grad."""

    def __init__(self, params, **kw):
        self.params = list(params)
        self.opt = torch.optim.Adam(self.params, **kw)

    def step(self, grads):
        for p, g in zip(self.params, grads):
            p.grad = g
        self.opt.step()


def gan_iteration(g, d, g_opt, d_opt, real_batch, latent, batch, loss):
    """One D (critic) step and one G step, like Graft's Trainer.iterate."""
    g_params = list(g.parameters())
    d_params = list(d.parameters())

    def step():
        real = real_batch()
        z = latent(batch)
        with torch.no_grad():
            fake = g(z)
        if loss == "wgan-gp":
            d_loss = d(fake).mean() - d(real).mean()
            eps = torch.rand(batch, 1, 1, 1)
            x_hat = (real * eps + fake * (1 - eps)).requires_grad_(True)
            (gx,) = torch.autograd.grad(d(x_hat).sum(), x_hat, create_graph=True)
            norms = (gx.flatten(1).pow(2).sum(1) + 1e-12).sqrt()
            d_loss = d_loss + 10 * (norms - 1).pow(2).mean()
        else:
            d_loss = F.softplus(-d(real)).mean() + F.softplus(d(fake)).mean()
        d_opt.step(torch.autograd.grad(d_loss, d_params))
        z = latent(batch)
        out = d(g(z))
        if loss == "ns":
            g_loss = F.softplus(-out).mean()
        elif loss == "minimax":
            g_loss = -F.softplus(out).mean()
        else:
            g_loss = -out.mean()
        g_opt.step(torch.autograd.grad(g_loss, g_params))

    return step


def ring8_batch(n):
    k = torch.randint(8, (n,))
    angle = k.float() * (2 * math.pi / 8)
    centers = torch.stack([2 * torch.cos(angle), 2 * torch.sin(angle)], 1)
    return centers + 0.02 * torch.randn(n, 2)


def make_workload(name):
    if name == "mlp-gan":
        g = nn.Sequential(nn.Linear(2, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 2))
        d = nn.Sequential(nn.Linear(2, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 1))
        return gan_iteration(g, d, AdamStep(g.parameters(), lr=1e-3), AdamStep(d.parameters(), lr=1e-3),
                             lambda: ring8_batch(256), lambda n: torch.randn(n, 2), 256, "ns")
    if name in ("dcgan", "wgan-gp"):
        wgan = name == "wgan-gp"
        g, d = dcgan_players(critic_bn=not wgan)
        kw = dict(lr=1e-4, betas=(0.5, 0.9)) if wgan else dict(lr=2e-4, betas=(0.5, 0.999))
        pool = [torch.rand(64, 1, 32, 32) * 2 - 1 for _ in range(16)]
        return gan_iteration(g, d, AdamStep(g.parameters(), **kw), AdamStep(d.parameters(), **kw),
                             lambda: pool[torch.randint(len(pool), (1,)).item()],
                             lambda n: torch.randn(n, 128), 64, "wgan-gp" if wgan else "ns")
    if name == "theory":
        g, d = TheoryG(), TheoryD()
        def synthetic_batch():
            x = 0.01 * torch.randn(64, 100)
            x[torch.arange(64), torch.randint(2, (64,))] += 1
            return x

        def one_hot(n):
            return F.one_hot(torch.randint(6, (n,)), 6).float()

        return gan_iteration(g, d, NormalizedSGD(g.parameters(), 0.02), NormalizedSGD(d.parameters(), 0.02),
                             synthetic_batch, one_hot, 64, "minimax")
    if name == "conv2d":
        x = torch.randn(64, 64, 16, 16, requires_grad=True)
        w = (torch.randn(128, 64, 4, 4) * 0.02).requires_grad_(True)
        b = torch.zeros(128, requires_grad=True)
        seed = torch.randn(64, 128, 8, 8)

        def conv():
            y = F.conv2d(x, w, b, stride=2, padding=1)
            torch.autograd.grad(y, (x, w, b), seed)

        return conv
    if name == "matmul":
        a, b = torch.randn(512, 512), torch.randn(512, 512)
        out = torch.empty(512, 512)
        return lambda: torch.matmul(a, b, out=out)
    raise SystemExit(f"torch_bench.py: unknown workload '{name}'")


def serve(name):
    """Times `name` once per request line on stdin (see the module docstring)."""
    fn = make_workload(name)
    print(json.dumps({"torch_version": torch.__version__, "ready": True}), flush=True)
    warmup = 3
    for line in sys.stdin:
        min_reps, min_seconds = line.split()
        seconds, reps = time_median(fn, int(min_reps), float(min_seconds), warmup=warmup)
        # Later rounds warm up with one iteration: caches cooled while the other side ran.
        warmup = 1
        print(json.dumps({"ms": seconds * 1e3, "iterations": reps}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workloads", default="mlp-gan,dcgan,wgan-gp,theory")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--min-seconds", type=float, default=2.0)
    parser.add_argument("--min-reps", type=int, default=10)
    parser.add_argument("--serve", action="store_true", help="time one workload on request (stdin)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.serve:
        serve(args.workloads)
        return
    results = {}
    for name in args.workloads.split(","):
        seconds, reps = time_median(make_workload(name), args.min_reps, args.min_seconds)
        results[name] = {"ms": seconds * 1e3, "iterations": reps}
    print(json.dumps({"torch_version": torch.__version__, "threads": args.threads, "workloads": results}))


if __name__ == "__main__":
    main()
