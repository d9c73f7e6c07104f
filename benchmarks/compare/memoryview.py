#!/usr/bin/python3
"""Side-by-side memoryview benchmarks: BufferProtocol's MemoryView against CPython's memoryview, in one run.

Usage (from the repository root, with Debian's CPython 3.11):

    /usr/bin/python3 benchmarks/compare/memoryview.py                   # run BenchmarkDotNet, time Python, print
    /usr/bin/python3 benchmarks/compare/memoryview.py --bdn-json FILE   # reuse a BenchmarkDotNet JSON report

It times the cases of benchmarks/BufferProtocol.Benchmarks/Views/MemoryViewBenchmarks.cs in CPython with ``timeit``
(wall clock, the median of repeats of at least 0.2 s each), runs (or reads) the BenchmarkDotNet results (median), and
prints a Markdown table with the ratios (CPython time / .NET time: above 1 means .NET is faster):

    ToList          memoryview(array('i', range(100_000))).tolist()
    EqualsStrided   a == b[::2], a = array('d') of 2**20 items, b of 2**21 with a's values at even positions
    IndexLoop       for i in range(100_000): s += m[i]
    ToBytesStrided  b[::2].tobytes()
"""
import argparse
import array
import json
import os
import platform
import time

from compare_common import ROOT, fmt_time, run_benchmarkdotnet, window_time
CASES = ["ToList", "EqualsStrided", "IndexLoop", "ToBytesStrided"]
INTS = 100_000
DOUBLES = 1 << 20


def index_loop(m, n):
    s = 0
    for i in range(n):
        s += m[i]
    return s


def time_python(repeats):
    ints = memoryview(array.array("i", range(INTS)))
    a = memoryview(array.array("d", map(float, range(DOUBLES))))
    wide = array.array("d", [-1.0]) * (2 * DOUBLES)
    wide[::2] = array.array("d", map(float, range(DOUBLES)))
    b = memoryview(wide)[::2]
    assert a == b and not b.c_contiguous
    ns = {"ints": ints, "a": a, "b": b, "index_loop": index_loop, "n": INTS}
    return {
        "ToList": window_time("ints.tolist()", ns, repeats),
        "EqualsStrided": window_time("a == b", ns, repeats),
        "IndexLoop": window_time("index_loop(ints, n)", ns, repeats),
        "ToBytesStrided": window_time("b.tobytes()", ns, repeats),
    }


def run_memoryview_benchmarks(extra):
    return run_benchmarkdotnet("MemoryViewBenchmarks", ["*MemoryViewBenchmarks*"], extra, "memoryview-compare")


def read_benchmarkdotnet(path):
    """{method: (median seconds, allocated bytes)} from a BenchmarkDotNet JSON report."""
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    results = {}
    for b in report["Benchmarks"]:
        allocated = (b.get("Memory") or {}).get("BytesAllocatedPerOperation")
        results[b["Method"]] = (b["Statistics"]["Median"] / 1e9, allocated)
    return results, report.get("HostEnvironmentInfo", {})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bdn-json", help="a BenchmarkDotNet JSON report to read instead of running BenchmarkDotNet")
    parser.add_argument("--repeats", type=int, default=15, help="timeit repeats per Python case (default 15)")
    parser.add_argument("bdn_args", nargs="*", help="extra arguments for BenchmarkDotNet (after --)")
    args = parser.parse_args()

    load_before = os.getloadavg()
    python = time_python(args.repeats)
    report = args.bdn_json or run_memoryview_benchmarks(args.bdn_args)
    dotnet, host = read_benchmarkdotnet(report)
    load_after = os.getloadavg()

    print("| case | CPython memoryview | MemoryView | CPython / .NET | .NET allocated |")
    print("|---|---:|---:|---:|---:|")
    for case in CASES:
        if case not in dotnet:
            print(f"| {case} | {fmt_time(python[case])} | missing from the BenchmarkDotNet report | | |")
            continue
        seconds, allocated = dotnet[case]
        alloc = f"{allocated / 2 ** 20:.1f} MiB" if allocated and allocated >= 2 ** 20 else f"{allocated} B"
        print(f"| {case} | {fmt_time(python[case])} | {fmt_time(seconds)} | {python[case] / seconds:.1f}× | {alloc} |")
    print()
    print(f"Python {platform.python_version()}; .NET {host.get('RuntimeVersion', '?')}, "
          f"{host.get('ProcessorName', platform.processor() or '?')}, {host.get('PhysicalCoreCount', '?')} cores; "
          f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
          f"BenchmarkDotNet report {os.path.relpath(report, ROOT)}; {time.strftime('%Y-%m-%d %H:%M')}")


if __name__ == "__main__":
    main()
