#!/usr/bin/python3
"""Regenerates every oracle vector file.

Usage: /usr/bin/python3 tests/oracle/generate.py [--out DIR] [generator ...]

Without --out the committed vectors in tests/oracle/vectors are rewritten. Each ``gen_*.py`` module in
this folder is a generator; naming some runs only those.
"""
import argparse
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import oracle_common  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=os.path.join(HERE, "vectors"))
    parser.add_argument("generators", nargs="*")
    args = parser.parse_args()
    oracle_common.check_interpreter()
    os.makedirs(args.out, exist_ok=True)
    names = args.generators or sorted(f[:-3] for f in os.listdir(HERE) if f.startswith("gen_") and f.endswith(".py"))
    for name in names:
        module = importlib.import_module(name)
        module.generate(args.out)
        print(f"oracle: {name} done", file=sys.stderr)


if __name__ == "__main__":
    main()
