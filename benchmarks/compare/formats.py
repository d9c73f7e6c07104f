#!/usr/bin/python3
"""Times CPython's struct and NumPy's _dtype_from_pep3118 on the formats of FormatParseBenchmarks and prints
them next to the BenchmarkDotNet results, with ratios.

Usage (run the .NET benchmark first; use Debian's /usr/bin/python3, which has NumPy 1.24):

    dotnet run -c Release --project benchmarks/BufferProtocol.Benchmarks -- --filter '*FormatParse*' --exporters json
    /usr/bin/python3 benchmarks/compare/formats.py [path/to/...FormatParseBenchmarks-report-full.json]

Python side, per format (best of 5 repeats, each timing enough calls to last about 0.2 s):
  struct.calcsize   the module-level function (it caches compiled Structs, so this is mostly a cache lookup)
  struct.Struct     a fresh Struct(fmt).size: parses every time, the counterpart of ParseUncached
  _dtype_from_pep3118   NumPy's PEP 3118 parser (uncached)
Ratios are Python time / .NET time: how many times faster the .NET parser is.
"""
import glob
import json
import os
import struct
import sys
import timeit

from numpy.core._internal import _dtype_from_pep3118

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def load_cases():
    cases = []
    with open(os.path.join(HERE, "formats.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                name, fmt = line.split("\t")
                cases.append((name, fmt))
    return cases


def find_report(argv):
    if len(argv) > 1:
        return argv[1]
    pattern = os.path.join(ROOT, "**", "BenchmarkDotNet.Artifacts", "results", "*FormatParseBenchmarks-report-full*.json")
    found = sorted(glob.glob(pattern, recursive=True), key=os.path.getmtime)
    if not found:
        sys.exit("no BenchmarkDotNet JSON report found; run the benchmark with --exporters json first (see --help)")
    return found[-1]


def dotnet_results(path):
    """{(method, case name): mean ns} from a BenchmarkDotNet full JSON report."""
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    results = {}
    for b in report["Benchmarks"]:
        params = dict(p.split("=", 1) for p in b["Parameters"].split("&") if "=" in p)
        results[(b["Method"], params.get("Case"))] = b["Statistics"]["Mean"]
    return results


def python_time_ns(fn):
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    number = max(number, 1)
    return min(timer.repeat(repeat=5, number=number)) / number * 1e9


def accepts(fn):
    try:
        fn()
        return True
    except Exception:  # noqa: BLE001 - the reference refuses this format
        return False


def main():
    if "--help" in sys.argv or "-h" in sys.argv:
        print(__doc__)
        return
    path = find_report(sys.argv)
    dotnet = dotnet_results(path)
    print(f"BenchmarkDotNet report: {os.path.relpath(path, ROOT)}")
    header = (f"{'format':<16} {'.NET uncached':>13} {'.NET cached':>11} {'struct.calcsize':>15} {'Struct(f)':>10} "
              f"{'ratio':>6} {'numpy':>10} {'ratio':>6}")
    print(header)
    print("-" * len(header))
    for name, fmt in load_cases():
        ours = dotnet.get(("ParseUncached", name))
        cached = dotnet.get(("ParseCached", name))
        if ours is None:
            print(f"{name:<16} (not in the report)")
            continue
        cells = [f"{name:<16}", f"{ours:>10.0f} ns", f"{cached or 0:>8.0f} ns"]
        if accepts(lambda: struct.calcsize(fmt)):
            calcsize = python_time_ns(lambda: struct.calcsize(fmt))
            fresh = python_time_ns(lambda: struct.Struct(fmt).size)
            cells += [f"{calcsize:>12.0f} ns", f"{fresh:>7.0f} ns", f"{fresh / ours:>5.1f}x"]
        else:
            cells += [f"{'-':>15}", f"{'-':>10}", f"{'':>6}"]
        if accepts(lambda: _dtype_from_pep3118(fmt)):
            numpy_ns = python_time_ns(lambda: _dtype_from_pep3118(fmt).itemsize)
            cells += [f"{numpy_ns:>7.0f} ns", f"{numpy_ns / ours:>5.1f}x"]
        else:
            cells += [f"{'-':>10}", ""]
        print(" ".join(cells))


if __name__ == "__main__":
    main()
