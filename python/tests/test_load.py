import json
import sys
import subprocess

import graft_runs
import pytest


def test_load_reads_config_metrics_summary_evaluations_and_samples(mixture_run):
    run = graft_runs.load(mixture_run)
    assert run.config["model"] == "mlp" and run.config["steps"] == 200 and run.config["width"] == 32
    assert list(run.metrics["step"]) == list(range(20, 201, 20))
    lines = [json.loads(line) for line in (mixture_run / "metrics.jsonl").read_text().splitlines()]
    training = [line for line in lines if "eval" not in line]
    assert list(run.metrics["loss_d"]) == [line["loss_d"] for line in training]
    for group, norm in training[-1]["g_grad_norm"].items():
        assert run.metrics[f"g_grad_norm/{group}"].iloc[-1] == norm
    assert list(run.evaluations["step"]) == [100, 200]
    assert (run.evaluations["eval/modeCount"] == 8).all()
    assert run.summary["status"] == "finished" and run.summary["steps"] == 200
    assert run.evaluation is None  # No `graft evaluate` yet.
    assert [p.name for p in run.samples] == ["step-000100.png", "step-000200.png"]
    assert run.checkpoint.exists()


def test_load_refuses_a_directory_without_a_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="config.json"):
        graft_runs.load(tmp_path)


def test_everything_but_the_generator_works_without_torch(mixture_run):
    # torch made unimportable in a fresh interpreter.
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "import graft_runs\n"
        f"run = graft_runs.load({str(mixture_run)!r}); assert len(run.metrics) == 10\n"
        "try:\n"
        f"    graft_runs.generator({str(mixture_run)!r})\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "pip install torch" in done.stdout
