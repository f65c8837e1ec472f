#!/usr/bin/python3
"""Replaces a generated block of docs/RESULTS.md: the text from `<!-- NAME:begin` to
`<!-- NAME:end -->` (markers included) becomes BLOCK, which carries its own markers. The report
scripts share it (firmware_report.py, classify_report.py, numerics-report.sh,
numerics-ablation.sh).

    scripts/results_block.py NAME RESULTS.md BLOCK_FILE      # from a shell script
    results_block.replace_block(path, name, block[, heading]) # from Python

A missing block is an error, unless `heading` is given: then the block is appended under it.
"""
import re
import sys


def replace_block(path, name, block, heading=None):
    text = open(path).read()
    pattern = re.compile(r"<!-- %s:begin.*?<!-- %s:end -->" % (re.escape(name), re.escape(name)), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    elif heading is not None:
        text = text.rstrip("\n") + "\n\n" + heading + "\n\n" + block + "\n"
    else:
        sys.exit(f"{path} has no <!-- {name}:begin --> ... <!-- {name}:end --> block")
    open(path, "w").write(text)


if __name__ == "__main__":
    name, path, block_file = sys.argv[1:4]
    replace_block(path, name, open(block_file).read().rstrip("\n"))
