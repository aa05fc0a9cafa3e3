#!/usr/bin/env python3
"""Insert one experiment's results.md (as `graft reproduce` wrote it) into RESULTS.md.

Usage: Scripts/add-results-section.py RUNS_ROOT NAME FIGURES_DIR [COMMENTARY]

RUNS_ROOT/NAME/results.md goes in verbatim, its headings one level down, before the first "## " section
after the current one (the line given by --before, default "## 2026-11-30, morning"); every figure it
links (.svg, .png, relative to the experiment's directory) is copied into FIGURES_DIR (inside the
repository) under a flat name and the link rewritten, so RESULTS.md shows them without the run
directories, which are not committed. A link to a picture that does not exist (a diverged run) is left
as it is: mend it by hand.
"""
import os
import re
import shutil
import sys

BEFORE = "\n## 2026-11-30, morning"


def main() -> None:
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    root, name, figures = sys.argv[1], sys.argv[2], sys.argv[3]
    commentary = sys.argv[4] if len(sys.argv) > 4 else ""
    directory = os.path.join(root, name)
    text = open(os.path.join(directory, "results.md"), encoding="utf-8").read()
    text = text.replace("## " + name + "\n", "", 1)
    text = re.sub(r"^### ", "#### ", text, flags=re.M)
    os.makedirs(figures, exist_ok=True)

    def link(match: re.Match) -> str:
        target = match.group(1)
        source = os.path.join(directory, target)
        if not os.path.exists(source):
            return match.group(0)
        flat = name + "-" + target.replace("/samples/", "-").replace("/", "-")
        shutil.copy(source, os.path.join(figures, flat))
        return "](" + os.path.join(figures, flat) + ")"

    text = re.sub(r"\]\(([^)]+\.(?:png|svg))\)", link, text)
    results = open("RESULTS.md", encoding="utf-8").read()
    if BEFORE not in results:
        sys.exit("RESULTS.md has no line " + BEFORE.strip() + ": edit BEFORE in this script")
    section = "### " + name + "\n\n" + text + "\n" + commentary + "\n"
    results = results.replace(BEFORE, "\n" + section + BEFORE, 1)
    open("RESULTS.md", "w", encoding="utf-8").write(results)


if __name__ == "__main__":
    main()
