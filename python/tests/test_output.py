"""graft's standard output reaches a pipe or file line by line, as a terminal gets it, so that a long
command's log (`graft reproduce ... > log`) can be followed while it runs."""

import signal
import subprocess


def test_a_reproductions_first_line_arrives_before_its_first_run_ends(graft, tmp_path):
    out = tmp_path / "reproduce"
    arguments = [graft, "reproduce", "mog", "--quick", "--out", out]
    process = subprocess.Popen(list(map(str, arguments)), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    try:
        first = process.stdout.readline()
        finished = list(out.rglob("summary.json"))
    finally:
        process.send_signal(signal.SIGTERM)  # A user's stop; nothing more to check here.
        process.communicate(timeout=120)
    assert first.startswith("reproduce: mog (quick)"), first
    # Block-buffered, the line would come only when graft exits, after its runs.
    assert not finished, f"the first line came after {len(finished)} runs had finished"
