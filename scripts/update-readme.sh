#!/usr/bin/env bash
# Refreshes README.md from the examples the test suite compiles and runs:
#   tests/BufferProtocol.Tests/Readme/ReadmeExamples.cs             (core library)
#   tests/BufferProtocol.Python.Tests/Readme/ReadmePythonExamples.cs (needs Debian's Python 3.11 with NumPy)
#   the ```console blocks: bufview sessions, run by tests/Bufview.Tests/ReadmeTranscriptTests.cs
# Each README block after "<!-- snippet: Name -->" gets the code between "// begin-snippet: Name" and "// end-snippet",
# and the ```text block after it what the example prints. A new example needs its marker and an empty ```csharp block
# placed in README.md by hand first (the script does not decide where it belongs). Then review with `git diff README.md`.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUFFERPROTOCOL_UPDATE_README=1
# One project after the other: they all rewrite the same file.
dotnet test tests/BufferProtocol.Tests -c Release --filter "FullyQualifiedName~BufferProtocol.Tests.Readme" --nologo -v q
dotnet test tests/BufferProtocol.Python.Tests -c Release --filter "FullyQualifiedName~BufferProtocol.Python.Tests.Readme" --nologo -v q
dotnet test tests/Bufview.Tests -c Release --filter "FullyQualifiedName~ReadmeTranscriptTests" --nologo -v q
git --no-pager diff --stat README.md
