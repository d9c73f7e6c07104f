"""What the side-by-side scripts (copy.py, memoryview.py) share: timing Python in windows, running BenchmarkDotNet
with a JSON exporter, and printing times.

Both sides time windows of at least 0.2 s and divide by the calls in them (timeit repeats here, BenchmarkDotNet
iterations there), so a statistic over the windows means the same on both sides.
"""
import glob
import os
import statistics
import subprocess
import sys
import timeit

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROJECT = os.path.join(ROOT, "benchmarks", "BufferProtocol.Benchmarks")

# "min" compares the best window of each side, "median" the typical one; BenchmarkDotNet's JSON names them so.
STATISTIC = {"median": statistics.median, "min": min}
BDN_STATISTIC = {"median": "Median", "min": "Min"}


def window_time(stmt, namespace, repeats, statistic="median"):
    """Seconds per call: `statistic` over `repeats` runs of at least 0.2 s each."""
    timer = timeit.Timer(stmt, globals=namespace)
    number, _ = timer.autorange()
    return STATISTIC[statistic](t / number for t in timer.repeat(repeats, number))


def run_benchmarkdotnet(benchmark_class, filters, extra, artifacts_name):
    """Runs BenchmarkDotNet with a JSON exporter; returns the newest JSON report of `benchmark_class`."""
    artifacts = os.path.join(ROOT, "BenchmarkDotNet.Artifacts", artifacts_name)
    command = ["dotnet", "run", "-c", "Release", "--project", PROJECT, "--", "--filter", *filters,
               "--exporters", "json", "--artifacts", artifacts] + extra
    print("running: " + " ".join(command), file=sys.stderr)
    subprocess.run(command, check=True, cwd=ROOT, stdout=sys.stderr)
    reports = sorted(glob.glob(os.path.join(artifacts, "results", f"*{benchmark_class}*-report*.json")),
                     key=os.path.getmtime)
    if not reports:
        sys.exit("no BenchmarkDotNet JSON report was written under " + artifacts)
    return reports[-1]


def fmt_time(seconds):
    if seconds < 1e-6:
        return f"{seconds * 1e9:.0f} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.2f} ms"
