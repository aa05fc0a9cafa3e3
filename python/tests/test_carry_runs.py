"""Scripts/carry-runs.py: a sweep's settled runs carried without their weights resume as finished."""

import json
import shutil
import subprocess
import sys
import tarfile

from conftest import REPOSITORY, run_graft

SCRIPT = REPOSITORY / "Scripts" / "carry-runs.py"
# The sweep_dir fixture's command (conftest.py).
SWEEP = ["sweep", "--optimizers", "adam,sgda", "--lrs", "0.001,0.01", "--seeds", 2, "--steps", 40, "--width", 16,
         "--batch-size", 32, "--log-every", 20, "--sample-every", 40, "--checkpoint-every", 40]


def carry(*arguments):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, arguments)], capture_output=True, text=True)


def test_restored_runs_are_skipped_and_give_the_same_table(graft, sweep_dir, tmp_path):
    archive = tmp_path / "runs.tar.xz"
    assert carry("save", sweep_dir, archive).returncode == 0
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert not any("checkpoints" in n or "tensorboard" in n for n in names)
    assert "adam-lr0.001-seed0/summary.json" in names
    assert "adam-lr0.001-seed0/samples/step-000040.png" in names

    restored = tmp_path / "restored"
    done = carry("restore", archive, restored)
    assert done.returncode == 0, done.stderr
    assert "8 runs restored" in done.stdout
    output = run_graft(graft, *SWEEP, "--out", restored)
    assert "8 already finished, 0 to go" in output
    assert (restored / "summary.md").read_text() == (sweep_dir / "summary.md").read_text()
    for run in sweep_dir.iterdir():
        if run.is_dir():
            for name in ["config.json", "summary.json", "metrics.jsonl"]:
                assert (restored / run.name / name).read_bytes() == (run / name).read_bytes()


def test_unsettled_runs_stay_behind_and_present_runs_are_kept(sweep_dir, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(sweep_dir, root)
    (root / "adam-lr0.01-seed1" / "summary.json").unlink()  # As if it were still training.
    archive = tmp_path / "runs.tar.xz"
    done = carry("save", root, archive, "--samples-of", "*-seed0")
    assert done.returncode == 0, done.stderr
    assert "7 settled runs of 8" in done.stdout
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert not any(n.startswith("adam-lr0.01-seed1/") for n in names)
    grids = sorted(n.split("/")[0] for n in names if "/samples/" in n)
    assert grids == ["adam-lr0.001-seed0", "adam-lr0.01-seed0", "sgda-lr0.001-seed0", "sgda-lr0.01-seed0"]

    target = tmp_path / "target"
    shutil.copytree(sweep_dir / "sgda-lr0.01-seed0", target / "sgda-lr0.01-seed0")
    (target / "sgda-lr0.01-seed0" / "summary.json").write_text("kept")
    done = carry("restore", archive, target)
    assert done.returncode == 0, done.stderr
    assert "6 runs restored; 1 already there" in done.stdout
    assert (target / "sgda-lr0.01-seed0" / "summary.json").read_text() == "kept"
    assert not list(target.glob(".restoring-*"))


def test_a_run_of_another_config_stops_the_restore_before_anything_is_written(sweep_dir, tmp_path):
    archive = tmp_path / "runs.tar.xz"
    assert carry("save", sweep_dir, archive).returncode == 0
    target = tmp_path / "target"
    other = target / "adam-lr0.001-seed0"
    other.mkdir(parents=True)
    config = json.loads((sweep_dir / "adam-lr0.001-seed0" / "config.json").read_text())
    config["config"]["seed"] = 99
    (other / "config.json").write_text(json.dumps(config))
    done = carry("restore", archive, target)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "holds a run of another config" in done.stderr
    assert sorted(p.name for p in target.iterdir()) == ["adam-lr0.001-seed0"]


def test_bad_input_gets_one_line(tmp_path):
    (tmp_path / "not-an-archive.tar.xz").write_text("hello")
    for arguments in [("restore", tmp_path / "not-an-archive.tar.xz", tmp_path / "out"),
                      ("save", tmp_path / "missing", tmp_path / "a.tar.xz"),
                      ("save", tmp_path, tmp_path / "a.tar.xz")]:
        done = carry(*arguments)
        assert done.returncode == 1
        assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr


def test_a_truncated_archive_gets_one_line_and_writes_nothing(sweep_dir, tmp_path):
    archive = tmp_path / "runs.tar.xz"
    assert carry("save", sweep_dir, archive).returncode == 0
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    done = carry("restore", archive, tmp_path / "out")
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
