"""Runs that the tests train with the built `graft` (seconds each): GRAFT=/path/to/graft, or the
repository's .build/release/graft (`make test` or `swift build -c release` builds it)."""

import os
import subprocess
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def graft():
    binary = Path(os.environ.get("GRAFT", REPOSITORY / ".build" / "release" / "graft"))
    if not binary.exists():
        pytest.fail(f"{binary} does not exist: build graft first (swift build -c release), or set GRAFT")
    return str(binary)


def run_graft(graft, *arguments, cwd=None):
    """Runs graft; a failure shows its output."""
    done = subprocess.run([graft, *map(str, arguments)], capture_output=True, text=True, cwd=cwd)
    assert done.returncode == 0, f"graft {' '.join(map(str, arguments))} exited {done.returncode}:\n" \
                                 f"{done.stdout}\n{done.stderr}"
    return done.stdout


# Small and quick: the ring of 8 Gaussians with narrow MLPs.
MIXTURE = ["--steps", 200, "--width", 32, "--batch-size", 64, "--log-every", 20, "--sample-every", 100,
           "--checkpoint-every", 100, "--evaluate-every", 100, "--evaluation-samples", 200]


@pytest.fixture(scope="session")
def mixture_run(graft, tmp_path_factory):
    out = tmp_path_factory.mktemp("mixture") / "run"
    run_graft(graft, "train", *MIXTURE, "--tensorboard-histograms", "--out", out)
    return out


@pytest.fixture(scope="session")
def dcgan_run(graft, tmp_path_factory):
    """A DCGAN on Fashion-MNIST (Debian's dataset-fashion-mnist), a few steps, with an EMA generator."""
    out = tmp_path_factory.mktemp("dcgan") / "run"
    run_graft(graft, "train", "--dataset", "fashion-mnist", "--model", "dcgan", "--image-size", 28, "--width", 8,
              "--latent-dim", 16, "--batch-size", 16, "--data-limit", 64, "--steps", 4, "--log-every", 2,
              "--sample-every", 2, "--checkpoint-every", 2, "--ema", 0.9, "--out", out)
    return out


@pytest.fixture(scope="session")
def resnet_run(graft, tmp_path_factory):
    """The WGAN-GP ResNet on 32x32 Fashion-MNIST, narrow, two steps."""
    out = tmp_path_factory.mktemp("resnet") / "run"
    run_graft(graft, "train", "--dataset", "fashion-mnist", "--model", "resnet", "--loss", "wgan-gp", "--width", 8,
              "--latent-dim", 16, "--batch-size", 8, "--data-limit", 32, "--steps", 2, "--log-every", 1,
              "--sample-every", 2, "--checkpoint-every", 2, "--out", out)
    return out


@pytest.fixture(scope="session")
def sweep_dir(graft, tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "sweep"
    run_graft(graft, "sweep", "--optimizers", "adam,sgda", "--lrs", "0.001,0.01", "--seeds", 2, "--out", out,
              "--steps", 40, "--width", 16, "--batch-size", 32, "--log-every", 20, "--sample-every", 40,
              "--checkpoint-every", 40)
    return out
