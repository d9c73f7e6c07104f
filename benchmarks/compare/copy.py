#!/usr/bin/python3
"""Side-by-side copy benchmarks: BufferProtocol's BufferCopy against NumPy and CPython, in one run.

Usage (from the repository root, with Debian's CPython 3.11 + NumPy 1.24):

    /usr/bin/python3 benchmarks/compare/copy.py                   # run BenchmarkDotNet, time Python, print the table
    /usr/bin/python3 benchmarks/compare/copy.py --bdn-json FILE   # reuse a BenchmarkDotNet JSON report instead
    /usr/bin/python3 benchmarks/compare/copy.py --cases Slice,Stride2   # only these cases, both sides (A/B runs)

It times the cases of benchmarks/BufferProtocol.Benchmarks/Copying/CopyBenchmarks.cs in NumPy (``np.copyto`` into an
existing array, ``np.ascontiguousarray``) and CPython (``memoryview(x).tobytes('C')``, i.e. PyBuffer_ToContiguous) with
``timeit`` (wall clock, the median -- or with --statistic min the minimum -- of repeats of at least 0.2 s each; timed right before and after the BenchmarkDotNet run
of the same case, the faster median kept), runs (or reads) the BenchmarkDotNet results (the same statistic over its iterations), and prints a Markdown table with the ratios. Every case copies float64 items into C order:

    Transpose   a.T of a 2048x2048 array          Slice       a[::3, ::2] of a 2048x2048 array
    Permute4D   a 32^4 array transposed (3,1,0,2)  Stride2     a[::2] of 4 Mi items
    Tiny        a 4x4 array transposed             Contiguous  a C-contiguous 2048x2048 array

"into" is BufferCopy.ToContiguous into an existing block (compare with np.copyto); "alloc" mallocs the result
(NativeMemory.Alloc), copies into it and frees it (compare with np.ascontiguousarray, which mallocs its result);
"ToArray" returns a new managed byte[] (compare with memoryview.tobytes, which returns a new bytes object);
"MemoryCopy" is Buffer.MemoryCopy of the same byte count, the physical limit.
"""
import argparse
import json
import os
import platform
import sys
import time

import numpy as np

from compare_common import BDN_STATISTIC, ROOT, STATISTIC, fmt_time, run_benchmarkdotnet, window_time
CASES = ["Transpose", "Slice", "Permute4D", "Stride2", "Tiny", "Contiguous"]
N = 2048


def arrays():
    a = np.arange(N * N, dtype=np.float64).reshape(N, N)
    return {
        "Transpose": a.T,
        "Slice": a[::3, ::2],
        "Permute4D": np.arange(32 ** 4, dtype=np.float64).reshape(32, 32, 32, 32).transpose(3, 1, 0, 2),
        "Stride2": a.reshape(-1)[::2],
        "Tiny": np.arange(16, dtype=np.float64).reshape(4, 4).T,
        "Contiguous": a,
    }


def time_python(repeats, cases, statistic):
    results = {}
    for name, x in arrays().items():
        if name not in cases:
            continue
        out = np.empty(x.shape, dtype=x.dtype)
        view = memoryview(x)
        ns = {"np": np, "x": x, "out": out, "view": view}
        results[name] = {
            "copyto": window_time("np.copyto(out, x)", ns, repeats, statistic),
            "ascontiguousarray": window_time("np.ascontiguousarray(x)", ns, repeats, statistic),
            "tobytes": window_time("view.tobytes('C')", ns, repeats, statistic),
            "bytes": x.nbytes,
        }
        view.release()
        print(f"python: {name} done", file=sys.stderr)
    return results


def run_copy_benchmarks(extra, cases):
    # BenchmarkDotNet matches a filter against the name with its parameters: ...CopyBenchmarks.Into(Case: "Slice").
    filters = (["*CopyBenchmarks*"] if cases == CASES else [f'*CopyBenchmarks*(Case: "{case}")*' for case in cases])
    return run_benchmarkdotnet("CopyBenchmarks", filters, extra, "copy-compare")


def read_benchmarkdotnet(path, statistic):
    """{case: {method: seconds per call}} from a BenchmarkDotNet JSON report, by `statistic` over its iterations."""
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    results = {}
    for b in report["Benchmarks"]:
        case = b["Parameters"].split("=", 1)[1]
        results.setdefault(case, {})[b["Method"]] = b["Statistics"][BDN_STATISTIC[statistic]] / 1e9
    return results, report.get("HostEnvironmentInfo", {})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bdn-json", help="a BenchmarkDotNet JSON report to read instead of running BenchmarkDotNet")
    parser.add_argument("--repeats", type=int, default=15, help="timeit repeats per Python case (default 15)")
    parser.add_argument("--cases", help="comma-separated cases to run (default: all): " + ",".join(CASES))
    parser.add_argument("--statistic", choices=sorted(STATISTIC), default="median",
                        help="median (default): the typical window of each side; min: the best window of each side, "
                             "the steadier figure on a shared machine")
    parser.add_argument("bdn_args", nargs="*", help="extra arguments for BenchmarkDotNet (after --)")
    args = parser.parse_args()
    cases = CASES if not args.cases else [c for c in CASES if c in args.cases.split(",")]
    unknown = set(args.cases.split(",")) - set(CASES) if args.cases else set()
    if unknown:
        parser.error("unknown cases: " + ", ".join(sorted(unknown)))

    # Python is timed before and after BenchmarkDotNet and the faster of the two medians is kept: on a shared machine
    # load that comes and goes then counts against this library, not against NumPy. Each case is its own
    # BenchmarkDotNet run between its two Python timings, so both sides of a row are measured minutes apart at most.
    load_before = os.getloadavg()
    python, dotnet, host = {}, {}, {}
    for group in ([cases] if args.bdn_json else [[case] for case in cases]):
        before = time_python(args.repeats, group, args.statistic)
        report = args.bdn_json or run_copy_benchmarks(args.bdn_args, group)
        results, host = read_benchmarkdotnet(report, args.statistic)
        dotnet.update({case: results[case] for case in group if case in results})
        after = time_python(args.repeats, group, args.statistic)
        for case, times in before.items():
            python[case] = {key: min(value, after[case][key]) for key, value in times.items()}
    load_after = os.getloadavg()

    print("| case | result | into | np.copyto | speed-up | alloc | np.ascontiguousarray | speed-up "
          "| ToArray | memoryview.tobytes | speed-up | Buffer.MemoryCopy | into / MemoryCopy |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for case in cases:
        p, d = python[case], dotnet.get(case, {})
        into, alloc, to_array, memcpy = d.get("Into"), d.get("Alloc"), d.get("ToArray"), d.get("MemoryCopy")
        if into is None or alloc is None or to_array is None or memcpy is None:
            print(f"| {case} | missing from the BenchmarkDotNet report |")
            continue
        size = p["bytes"]
        size_text = f"{size / 2 ** 20:.1f} MiB" if size >= 2 ** 20 else f"{size} B"
        # np.ascontiguousarray of an array that is already C-contiguous returns it: there is no copy to compare.
        asc = ("returns `a` (no copy) | —" if case == "Contiguous"
               else f"{fmt_time(p['ascontiguousarray'])} | {p['ascontiguousarray'] / alloc:.2f}×")
        print(f"| {case} | {size_text} | {fmt_time(into)} | {fmt_time(p['copyto'])} | {p['copyto'] / into:.2f}× "
              f"| {fmt_time(alloc)} | {asc} "
              f"| {fmt_time(to_array)} | {fmt_time(p['tobytes'])} | {p['tobytes'] / to_array:.2f}× "
              f"| {fmt_time(memcpy)} | {into / memcpy:.2f} |")
    print()
    print(f"Python {platform.python_version()}, NumPy {np.__version__}; "
          f".NET {host.get('RuntimeVersion', '?')}, {host.get('ProcessorName', platform.processor() or '?')}, "
          f"{host.get('PhysicalCoreCount', '?')} cores; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
          f"BenchmarkDotNet report{'' if args.bdn_json else 's (one run per case)'} under {os.path.relpath(os.path.dirname(report), ROOT)}; "
          f"statistic: {args.statistic}; {time.strftime('%Y-%m-%d %H:%M')}")


if __name__ == "__main__":
    main()
