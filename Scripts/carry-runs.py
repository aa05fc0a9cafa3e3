#!/usr/bin/env python3
"""Carries a sweep's or an experiment's settled runs to another machine without their weights.

    Scripts/carry-runs.py save runs/reproduce/grafting grafting-runs.tar.xz
    Scripts/carry-runs.py restore grafting-runs.tar.xz runs/reproduce/grafting

`save` packs, for every run under the root that has settled (its summary.json or failed.json is there),
the files `graft sweep` and `graft reproduce` read to skip it and to build their tables: the run's own
files (config.json, metrics.jsonl, summary.json, eval.json, failed.json, its logs) and its last sample
grid (`--samples-of GLOB`: only the runs whose directory name matches), but not its checkpoints,
TensorBoard events or earlier samples: kilobytes a run instead of megabytes. Runs still training stay
behind: elsewhere they start again from step 0.

`restore` unpacks such an archive under a root, never overwriting: a run directory already there is kept
as it is (the archive's copy of that run is skipped whole), and one that holds a run of another config
(its settings differ) stops the restore before anything is written. Running the same `graft reproduce`
(or `graft sweep`) command there then skips the restored runs and trains the rest. Restored runs have no
checkpoints, so they cannot be resumed, sampled or measured again (`graft evaluate`).

Why: a protocol longer than one sitting on a machine whose run directories do not last (a fresh
checkout, a scratch disk wiped between jobs) finishes over several sittings this way.
"""

import argparse
import fnmatch
import json
import lzma
import shutil
import sys
import tarfile
from pathlib import Path

RUN_FILES = {"config.json", "metrics.jsonl", "summary.json", "eval.json", "failed.json", "diverged.json"}


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


def run_directories(root):
    """Every run directory under `root` (a directory holding config.json), sorted."""
    return sorted(path.parent for path in root.rglob("config.json") if path.parent.is_dir())


def is_settled(run):
    return (run / "summary.json").exists() or (run / "failed.json").exists()


def carried_files(run, with_samples):
    """The files of `run` that travel: its own small files and logs, and (`with_samples`) its last sample grid."""
    files = [f for f in sorted(run.iterdir()) if f.is_file() and (f.name in RUN_FILES or f.suffix == ".log")]
    samples = sorted((run / "samples").glob("step-*.png")) if with_samples and (run / "samples").is_dir() else []
    return files + samples[-1:]


def settings(config_bytes):
    """A config.json's settings, without its provenance (the binary and machine that wrote it)."""
    try:
        return json.loads(config_bytes).get("config")
    except (ValueError, AttributeError):
        return None


def save(root, archive, samples_of):
    if not root.is_dir():
        fail(f"{root} is not a directory: give the sweep's or experiment's output directory")
    runs = run_directories(root)
    settled = [run for run in runs if is_settled(run)]
    if not settled:
        fail(f"{root} holds no settled run (no summary.json or failed.json under it): nothing to carry")
    partial = archive.with_name(archive.name + ".partial")
    with tarfile.open(partial, "w:xz", preset=9) as tar:
        for run in settled:
            for f in carried_files(run, fnmatch.fnmatchcase(run.name, samples_of)):
                info = tar.gettarinfo(str(f), arcname=str(f.relative_to(root)))
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                with open(f, "rb") as handle:
                    tar.addfile(info, handle)
    partial.replace(archive)
    print(f"{archive}: {len(settled)} settled runs of {len(runs)} ({archive.stat().st_size / 1024:.0f} KiB); "
          f"{len(runs) - len(settled)} not settled left behind")


def restore(archive, root):
    if not archive.is_file():
        fail(f"{archive} does not exist: give the .tar.xz that `carry-runs.py save` wrote")
    try:
        unpack(archive, root)
    except (tarfile.TarError, lzma.LZMAError, EOFError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        fail(f"{archive} is not a whole runs archive ({reason}): save it again with `carry-runs.py save`")


def unpack(archive, root):
    with tarfile.open(archive, "r:xz") as tar:
        members = tar.getmembers()
        for member in members:
            path = Path(member.name)
            if path.is_absolute() or ".." in path.parts or not member.isfile():
                fail(f"{archive} holds {member.name!r}, which is not a run file: refusing to unpack it")
        by_run = {}
        for member in members:
            path = Path(member.name)
            run = path.parent.parent if path.parent.name == "samples" else path.parent
            by_run.setdefault(run, []).append(member)
        # Check every run before writing anything.
        for run, files in by_run.items():
            config = next((m for m in files if Path(m.name).name == "config.json"), None)
            if config is None:
                fail(f"{archive}: {run} has no config.json: the archive is damaged; save it again")
            existing = root / run / "config.json"
            if (root / run).exists() and not existing.exists():
                fail(f"{root / run} is there without a config.json: move it away, then restore again")
            if existing.exists() and settings(existing.read_bytes()) != settings(tar.extractfile(config).read()):
                fail(f"{root / run} holds a run of another config: move it away, or restore under another root")
        restored = kept = 0
        for run, files in by_run.items():
            if (root / run / "config.json").exists():
                kept += 1
                continue
            # Each run whole or not at all: unpacked beside its place, then renamed into it.
            target = root / run
            staging = target.with_name(".restoring-" + target.name)
            shutil.rmtree(staging, ignore_errors=True)
            for member in files:
                path = staging / Path(member.name).relative_to(run)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(tar.extractfile(member).read())
            staging.rename(target)
            restored += 1
    print(f"{root}: {restored} runs restored; {kept} already there, kept as they are")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    s = commands.add_parser("save", help="pack the settled runs under ROOT into ARCHIVE (.tar.xz)")
    s.add_argument("root", type=Path)
    s.add_argument("archive", type=Path)
    s.add_argument("--samples-of", default="*", metavar="GLOB",
                   help="the runs (directory names) whose last sample grid travels (default: every run; "
                        "a grid is ~10-100 KB, the rest of a run ~5-20 KB compressed)")
    r = commands.add_parser("restore", help="unpack ARCHIVE under ROOT, never overwriting")
    r.add_argument("archive", type=Path)
    r.add_argument("root", type=Path)
    args = parser.parse_args()
    if args.command == "save":
        save(args.root, args.archive, args.samples_of)
    else:
        restore(args.archive, args.root)


if __name__ == "__main__":
    main()
