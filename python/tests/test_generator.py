import numpy as np
import pytest

import graft_runs

from conftest import run_graft

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("fixture", ["mixture_run", "dcgan_run", "resnet_run"])
def test_generator_matches_graft_sample(fixture, graft, request, tmp_path):
    run = request.getfixturevalue(fixture)
    config = graft_runs.load(run).config
    z = np.random.default_rng(7).standard_normal((16, config["latentDimension"])).astype(np.float32)
    np.save(tmp_path / "z.npy", z)
    run_graft(graft, "sample", run, "--latents", tmp_path / "z.npy", "--npy", tmp_path / "out.npy",
              "--png", tmp_path / "out.png")
    expected = np.load(tmp_path / "out.npy")
    model = graft_runs.generator(run)
    assert isinstance(model, torch.nn.Module) and not model.training
    with torch.no_grad():
        produced = model(torch.from_numpy(z)).numpy()
    assert produced.shape == expected.shape
    assert np.abs(produced - expected).max() <= 1e-5
    # The comparison can fail: other latents give other samples.
    with torch.no_grad():
        other = model(torch.from_numpy(z[::-1].copy())).numpy()
    assert np.abs(other - expected).max() > 1e-3
