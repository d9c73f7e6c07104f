#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian 12 machine with the .NET 10 SDK:
#   1. makes sure the oracle is there (Debian's CPython 3.11 with NumPy 1.24, _testbuffer and test_buffer,
#      libpython3.11 for the pythonnet tests, Pillow for the image interop tests), installing the Debian packages
#      with apt-get when run as root, or stopping with the exact command to run otherwise;
#   2. regenerates every oracle vector file live and compares it with the committed copy (drift check);
#   3. runs every .NET test project;
#   4. prints one closing line: "tests: N passed, N failed, N skipped".
# Environment: BUFFERPROTOCOL_PYTHON (oracle interpreter, default /usr/bin/python3),
#              BUFFERPROTOCOL_EXTRA_CASES (a folder of extra *.jsonl case files every case runner replays).
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
PY=${BUFFERPROTOCOL_PYTHON:-/usr/bin/python3}
export BUFFERPROTOCOL_PYTHON=$PY

# ---- 1. prerequisites -------------------------------------------------------------------------------
missing=()
[ -x "$PY" ] || missing+=(python3)
if [ -x "$PY" ]; then
  "$PY" -c 'import numpy' 2>/dev/null || missing+=(python3-numpy)
  "$PY" -c 'import _testbuffer, test.test_buffer' 2>/dev/null || missing+=(libpython3.11-testsuite)
  "$PY" -c 'import PIL.Image' 2>/dev/null || missing+=(python3-pil)
fi
ls /usr/lib/*-linux-gnu/libpython3.11.so.1.0 >/dev/null 2>&1 || missing+=(libpython3.11)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test.sh: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq "${missing[@]}" >&2 || { echo "test.sh: apt-get install failed" >&2; exit 2; }
  else
    echo "test.sh: missing ${missing[*]}. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
fi
command -v dotnet >/dev/null || { echo "test.sh: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0; failed=0; skipped=0

# ---- 2. oracle drift check ----------------------------------------------------------------------------
if "$PY" tests/oracle/generate.py --out "$work/vectors" 2>"$work/oracle.log"; then
  for committed in tests/oracle/vectors/*.jsonl; do
    name=$(basename "$committed")
    if cmp -s "$committed" "$work/vectors/$name"; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
      echo "FAILED oracle drift: $name differs from what the oracle produces now (regenerate: $PY tests/oracle/generate.py)" >&2
      diff <(head -c 200000 "$committed") <(head -c 200000 "$work/vectors/$name" 2>/dev/null) | head -20 >&2
    fi
  done
  for fresh in "$work"/vectors/*.jsonl; do
    [ -e "tests/oracle/vectors/$(basename "$fresh")" ] && continue
    failed=$((failed + 1))
    echo "FAILED oracle drift: $(basename "$fresh") is generated but not committed" >&2
  done
else
  failed=$((failed + 1))
  echo "FAILED oracle generation:" >&2; cat "$work/oracle.log" >&2
fi

# ---- 3. .NET tests ------------------------------------------------------------------------------------
if dotnet test BufferProtocol.sln -c Release --logger "trx" --results-directory "$work/trx" \
     -- RunConfiguration.TreatNoTestsAsError=false >"$work/dotnet.log" 2>&1; then :; fi
grep -E "^(  Failed |Failed!|Passed!|.*error [A-Z]+[0-9]+)" "$work/dotnet.log" | head -200 >&2
if ls "$work"/trx/*.trx >/dev/null 2>&1; then
  read -r p f s < <("$PY" - "$work"/trx/*.trx <<'PYEOF'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
p = f = s = 0
for path in sys.argv[1:]:
    c = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    p += int(c.get("passed")); f += int(c.get("failed")) + int(c.get("error")) + int(c.get("timeout")) + int(c.get("aborted"))
    s += int(c.get("notExecuted"))
print(p, f, s)
PYEOF
)
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  # A test project that failed to build or crashed leaves no trx of its own.
  expected=$(grep -c "<IsTestProject>true</IsTestProject>" $(git ls-files '*.csproj' 2>/dev/null || find . -name '*.csproj') 2>/dev/null | awk -F: '{s+=$2} END {print s}')
  got=$(ls "$work"/trx/*.trx | wc -l)
  if [ "$got" -lt "$expected" ]; then
    failed=$((failed + expected - got)); echo "FAILED: $((expected - got)) test project(s) produced no results (build error or crash)" >&2
    tail -40 "$work/dotnet.log" >&2
  fi
else
  failed=$((failed + 1))
  echo "FAILED: dotnet test produced no results (build error?)" >&2
  tail -60 "$work/dotnet.log" >&2
fi

echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
