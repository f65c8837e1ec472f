#!/usr/bin/env python3
"""Checks that a target's files still compile as one translation unit.

The test command (scripts/test.sh) unity-builds atome_cli and atome_tests (ATOME_UNITY=ON,
batches of 8 files), but a developer's build compiles file by file. Two files that each define a
file-local name (a static function, a constant in an anonymous namespace) with the same spelling
compile apart and fail together, and which files share a batch changes as files are added. So
this check puts ALL of a target's files in one translation unit, with the union of their
per-file definitions, and compiles it with -fsyntax-only: stricter than any batching, and it
runs in a developer's (non-unity) build as the CTest UnityNames.

usage: check_unity_names.py BUILD/compile_commands.json TARGET [TARGET...]
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile


def compile_args(command):
    """The command's flags without its output, input and precompiled header."""
    args = shlex.split(command)
    kept, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a in ('-o', '-c', '-include'):
            skip = True
        elif not a.startswith('-Winvalid-pch'):
            kept.append(a)
    return kept


def check(entries, target):
    mine = [e for e in entries if f'/{target}.dir/' in e['command']]
    if not mine:
        print(f'check_unity_names: no files of target {target} in compile_commands.json')
        return False
    base = compile_args(mine[0]['command'])
    for e in mine[1:]:  # per-file definitions (set_source_files_properties) join the union
        base += [a for a in compile_args(e['command']) if a.startswith('-D') and a not in base]
    with tempfile.NamedTemporaryFile('w', suffix='.cpp', delete=False) as tu:
        tu.write(''.join(f'#include "{e["file"]}"\n' for e in mine))
    try:
        r = subprocess.run(base + ['-fsyntax-only', '-O0', tu.name],
                           capture_output=True, text=True, cwd=mine[0]['directory'])
    finally:
        os.unlink(tu.name)
    errors = [l for l in r.stderr.splitlines() if 'error:' in l]
    if r.returncode == 0:
        print(f'{target}: {len(mine)} files compile as one translation unit')
        return True
    print(f'{target}: {len(mine)} files do not compile as one translation unit; the unity build of '
          'the test command would fail. Give file-local names a file-specific spelling:')
    print('\n'.join(errors[:20]) or r.stderr[-2000:])
    return False


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[-1])
        return 2
    with open(sys.argv[1]) as f:
        entries = json.load(f)
    ok = [check(entries, t) for t in sys.argv[2:]]
    return 0 if all(ok) else 1


if __name__ == '__main__':
    sys.exit(main())
