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
* ring8-seeds: N independent GANs of the `ring8-mlp` preset (Graft's default
  TrainingConfig, what `graft sweep --preset ring8-mlp` trains per seed),
  batched the way a PyTorch user batches seeds: stacked weights [N, in, out]
  and torch.baddbmm, one process. G 16->128->128->2 from a 16-D Gaussian
  latent, D 2->128->128->1, ReLU, PyTorch's default Linear init (per member),
  batch 256 per member, hinge loss, Adam(1e-3, 0.5, 0.999) for both players
  with the preset's cosine decay over 8000 steps (lr set each iteration);
  one D step + one G step for all N at once. Each member's loss is its own
  batch mean and the members' losses are summed, so every member's gradient
  is its own; torch.optim.Adam on the stacked tensors is elementwise, so it is
  exactly N independent Adams. Differences from Graft's per-seed runs: the
  members draw from one random stream (so not Graft's seeds' numbers), and no
  logging, checkpoints, samples or evaluations are done (the bench times
  iterations only, on Graft's side too).
* theory-seeds: N independent copies of the `theory` workload (the `theory`
  preset), stacked: G neurons [N, 6, 100], D neurons [N, 6, 100], scale and
  bias [N, 1, 1], torch.bmm; minimax loss, layer-wise nSGDA (lr 0.02) per
  member: each member's slice of each tensor moves by lr along -g/||g|| with
  the norm over that member's slice only.
  For both seeds workloads the reported time is ms per member-step: the
  iteration time over N (--seeds-batch, default 32), and the replies carry
  "seeds_batch": N.
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
    python3 Benchmarks/torch_bench.py --workloads ring8-seeds,theory-seeds --seeds-batch 8

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


class StackedMLP:
    """N independent MLPs with ReLU between layers: weights [N, in, out], biases [N, 1, out]."""

    def __init__(self, n, widths):
        self.layers = []
        for fan_in, fan_out in zip(widths, widths[1:]):
            # torch.nn.Linear's default init, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), per member.
            bound = 1 / math.sqrt(fan_in)
            w = ((torch.rand(n, fan_in, fan_out) * 2 - 1) * bound).requires_grad_(True)
            b = ((torch.rand(n, 1, fan_out) * 2 - 1) * bound).requires_grad_(True)
            self.layers.append((w, b))

    def parameters(self):
        return [t for layer in self.layers for t in layer]

    def __call__(self, x):
        for i, (w, b) in enumerate(self.layers):
            x = torch.baddbmm(b, x, w)
            if i < len(self.layers) - 1:
                x = F.relu(x)
        return x


def member_mean(t):
    """Each member's mean over its batch, summed over members: every member's gradient is its own."""
    return t.mean(dim=tuple(range(1, t.dim()))).sum()


def ring8_seeds(n, batch=256, latent=16, width=128, lr=1e-3, total_steps=8000):
    g = StackedMLP(n, [latent, width, width, 2])
    d = StackedMLP(n, [2, width, width, 1])
    g_params, d_params = g.parameters(), d.parameters()
    g_opt = torch.optim.Adam(g_params, lr=lr, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(d_params, lr=lr, betas=(0.5, 0.999))
    step_count = [0]

    def step():
        # The preset's cosine decay, stepped once per iteration.
        t = step_count[0] % total_steps
        step_count[0] += 1
        for opt in (g_opt, d_opt):
            for group in opt.param_groups:
                group["lr"] = lr * 0.5 * (1 + math.cos(math.pi * t / total_steps))
        real = ring8_batch(n * batch).view(n, batch, 2)
        with torch.no_grad():
            fake = g(torch.randn(n, batch, latent))
        d_loss = member_mean(F.relu(1 - d(real))) + member_mean(F.relu(1 + d(fake)))
        for p, grad in zip(d_params, torch.autograd.grad(d_loss, d_params)):
            p.grad = grad
        d_opt.step()
        g_loss = -member_mean(d(g(torch.randn(n, batch, latent))))
        for p, grad in zip(g_params, torch.autograd.grad(g_loss, g_params)):
            p.grad = grad
        g_opt.step()

    return step


def theory_seeds(n, batch=64, dim=100, neurons=6, lr=0.02, init_scale=0.1):
    scale0 = init_scale / math.sqrt(dim)
    v = (torch.randn(n, neurons, dim) * scale0).requires_grad_(True)
    w = (torch.randn(n, neurons, dim) * scale0).requires_grad_(True)
    a = torch.ones(n, 1, 1, requires_grad=True)
    b = torch.zeros(n, 1, 1, requires_grad=True)
    g_params, d_params = [v], [w, a, b]

    def d(x):
        return torch.bmm(x, w.transpose(1, 2)).pow(3).sum(2, keepdim=True) * a + b

    def g(z):
        return torch.bmm(z, v)

    def one_hot(k):
        return F.one_hot(torch.randint(neurons, (n, k)), neurons).float()

    @torch.no_grad()
    def nsgda(params, grads):
        # Layer-wise, per member: the norm is over each member's slice of the tensor.
        for p, grad in zip(params, grads):
            norm = grad.flatten(1).norm(dim=1)
            norm = torch.where(norm > 0, norm, torch.full_like(norm, math.inf))
            p.sub_(grad * (lr / norm).view(-1, *([1] * (grad.dim() - 1))))

    def step():
        real = 0.01 * torch.randn(n * batch, dim)
        real[torch.arange(n * batch), torch.randint(2, (n * batch,))] += 1
        real = real.view(n, batch, dim)
        with torch.no_grad():
            fake = g(one_hot(batch))
        d_loss = member_mean(F.softplus(-d(real))) + member_mean(F.softplus(d(fake)))
        nsgda(d_params, torch.autograd.grad(d_loss, d_params))
        g_loss = -member_mean(F.softplus(d(g(one_hot(batch)))))
        nsgda(g_params, torch.autograd.grad(g_loss, g_params))

    return step


SEEDS_WORKLOADS = ("ring8-seeds", "theory-seeds")


def make_workload(name, seeds_batch=32):
    if name == "ring8-seeds":
        return ring8_seeds(seeds_batch)
    if name == "theory-seeds":
        return theory_seeds(seeds_batch)
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


def serve(name, seeds_batch):
    """Times `name` once per request line on stdin (see the module docstring)."""
    fn = make_workload(name, seeds_batch)
    # The seeds workloads report ms per member-step: one iteration trains every member once.
    per = seeds_batch if name in SEEDS_WORKLOADS else 1
    print(json.dumps({"torch_version": torch.__version__, "ready": True}), flush=True)
    warmup = 3
    for line in sys.stdin:
        min_reps, min_seconds = line.split()
        seconds, reps = time_median(fn, int(min_reps), float(min_seconds), warmup=warmup)
        # Later rounds warm up with one iteration: caches cooled while the other side ran.
        warmup = 1
        reply = {"ms": seconds * 1e3 / per, "iterations": reps}
        if name in SEEDS_WORKLOADS:
            reply["seeds_batch"] = seeds_batch
        print(json.dumps(reply), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workloads", default="mlp-gan,dcgan,wgan-gp,theory")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--min-seconds", type=float, default=2.0)
    parser.add_argument("--min-reps", type=int, default=10)
    parser.add_argument("--seeds-batch", type=int, default=32,
                        help="N, the seeds batched in ring8-seeds and theory-seeds")
    parser.add_argument("--serve", action="store_true", help="time one workload on request (stdin)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.serve:
        serve(args.workloads, args.seeds_batch)
        return
    results = {}
    for name in args.workloads.split(","):
        seconds, reps = time_median(make_workload(name, args.seeds_batch), args.min_reps, args.min_seconds)
        if name in SEEDS_WORKLOADS:
            results[name] = {"ms": seconds * 1e3 / args.seeds_batch, "iterations": reps,
                             "seeds_batch": args.seeds_batch}
        else:
            results[name] = {"ms": seconds * 1e3, "iterations": reps}
    print(json.dumps({"torch_version": torch.__version__, "threads": args.threads, "workloads": results}))


if __name__ == "__main__":
    main()
