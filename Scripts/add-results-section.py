#!/usr/bin/env python3
"""Insert one experiment's results.md (as `graft reproduce` wrote it) into RESULTS.md.

Usage: Scripts/add-results-section.py RUNS_ROOT NAME FIGURES_DIR [COMMENTARY]

RUNS_ROOT/NAME/results.md goes in verbatim, its headings one level down, at the end of RESULTS.md's first
"## " section (the current round of results), before the next "## " heading; every figure it
links (.svg, .png, relative to the experiment's directory) is copied into FIGURES_DIR (inside the
repository) under a flat name and the link rewritten, so RESULTS.md shows them without the run
directories, which are not committed. A link to a picture that does not exist (a diverged run) is left
as it is: mend it by hand.
"""
import os
import re
import shutil
import sys


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
    first = results.find("\n## ")
    following = results.find("\n## ", first + 1) if first >= 0 else -1
    if following < 0:
        sys.exit("RESULTS.md needs a current \"## \" section followed by another \"## \" heading to insert before")
    section = "### " + name + "\n\n" + text + "\n" + commentary + "\n"
    results = results[:following] + "\n" + section + results[following:]
    open("RESULTS.md", "w", encoding="utf-8").write(results)


if __name__ == "__main__":
    main()
