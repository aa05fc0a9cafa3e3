"""The event files read back with TensorBoard's own reader (EventAccumulator)."""

import json
import signal
import struct
import subprocess
import time

import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

import graft_runs

from conftest import MIXTURE, run_graft


def accumulator(run):
    events = EventAccumulator(str(run / "tensorboard"), size_guidance={"scalars": 0, "images": 0, "histograms": 0})
    events.Reload()
    return events


def test_scalars_and_the_sample_grid_are_in_tensorboard(mixture_run):
    events = accumulator(mixture_run)
    tags = events.Tags()
    for tag in ["loss_d", "loss_g", "lr_g", "lr_d", "magnitude_ratio", "g_grad_norm/0.weight",
                "d_update_norm/4.weight", "eval/modesCovered", "eval/highQualityShare"]:
        assert tag in tags["scalars"], tag
    assert tags["images"] == ["samples"]
    metrics = graft_runs.load(mixture_run).metrics
    for tag in ["loss_d", "loss_g", "g_update_norm/2.weight"]:
        scalars = events.Scalars(tag)
        assert [s.step for s in scalars] == list(metrics["step"])
        assert [s.value for s in scalars] == pytest.approx(list(metrics[tag]), rel=1e-6)
    images = events.Images("samples")
    assert [i.step for i in images] == [100, 200]
    assert images[-1].encoded_image_string == (mixture_run / "samples" / "step-000200.png").read_bytes()
    png = (mixture_run / "samples" / "step-000200.png").read_bytes()
    assert (images[-1].width, images[-1].height) == struct.unpack(">II", png[16:24])
    assert images[-1].width == 44 + 440 + 16  # the scatter's plot with its axes
    assert [s.step for s in events.Scalars("eval/modesCovered")] == [100, 200]


def test_weight_histograms_describe_the_checkpointed_weights(mixture_run):
    # The last sample interval is the last step, whose weights the latest checkpoint holds.
    tensors, metadata = graft_runs.read_safetensors(mixture_run / "checkpoints" / "latest.safetensors")
    assert metadata["graft.step"] == "200"
    events = accumulator(mixture_run)
    for player, name in [("generator", "0.weight"), ("discriminator", "4.bias"), ("generator", "2.weight")]:
        histograms = events.Histograms(f"weights/{player}/{name}")
        assert [h.step for h in histograms] == [100, 200]
        last = histograms[-1].histogram_value
        weights = tensors[f"{player}.{name}"].astype("float64")
        assert last.num == weights.size and sum(last.bucket) == weights.size
        assert last.min == pytest.approx(weights.min()) and last.max == pytest.approx(weights.max())
        assert last.sum == pytest.approx(weights.sum(), abs=1e-5 * abs(weights).sum())
        assert last.bucket_limit[-1] == pytest.approx(weights.max())


def logged_steps(run):
    return [json.loads(line)["step"] for line in (run / "metrics.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT])
def test_a_stopped_and_resumed_run_logs_each_step_once(stop, graft, tmp_path):
    run = tmp_path / "run"
    arguments = [*map(str, MIXTURE), "--steps", "100000", "--log-every", "50", "--checkpoint-every", "300",
                 "--sample-every", "100000", "--evaluate-every", "0"]
    process = subprocess.Popen([graft, "train", *arguments, "--out", str(run)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    # Stopped once it has logged past a checkpoint (not after a set time); waits at most 5 minutes.
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        if (run / "metrics.jsonl").exists() and len(logged_steps(run)) >= 20:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be stopped"
    process.send_signal(stop)
    process.wait(timeout=60)
    before = logged_steps(run)
    steps = before[-1] + 200
    run_graft(graft, "train", "--resume", run, "--steps", steps)

    expected = list(range(50, steps + 1, 50))
    assert logged_steps(run) == expected
    events = accumulator(run)
    for tag in ["loss_d", "lr_g", "magnitude_ratio"]:
        assert [s.step for s in events.Scalars(tag)] == expected
    # One events file: the resume cut it back to the checkpoint's step and appended.
    assert len(list((run / "tensorboard").glob("events.out.tfevents.*"))) == 1
