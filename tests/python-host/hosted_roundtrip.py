"""Python hosts .NET: what a user does with BufferProtocol from /usr/bin/python3, observed and printed as JSON.

Run by tests/BufferProtocol.Python.Tests/PythonHostsDotNetTests.cs as
``python3 hosted_roundtrip.py LIBRARY_DIR`` (LIBRARY_DIR holds BufferProtocol.dll and BufferProtocol.Python.dll).
It checks nothing itself: it prints what both sides see (addresses, values, export and reference counts, whether
a bytearray can resize), one JSON object on the line after ``RESULT ``, and the test asserts on it. Live exports
are left at exit on purpose, so that the shutdown path (pythonnet's atexit unload, then interpreter finalisation)
runs with them; a line ``EXITED CLEANLY`` from an atexit handler that runs after the unload shows it finished.
"""

import atexit
import gc
import json
import os
import sys
import threading

# Registered before load(), so it runs after pythonnet's unload (atexit is last-in, first-out).
atexit.register(lambda: print("EXITED CLEANLY", flush=True))

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bp_clr_host  # noqa: E402

bp_clr_host.load()  # stands in for: from pythonnet import load; load("coreclr")
import clr  # noqa: E402

sys.path.append(sys.argv[1])
clr.AddReference("BufferProtocol")
clr.AddReference("BufferProtocol.Python")

import numpy as np  # noqa: E402
from System import AppDomain, Array, Double, GC, IntPtr  # noqa: E402
from System.Runtime.InteropServices import Marshal  # noqa: E402
from Python.Runtime import Finalizer  # noqa: E402
from BufferProtocol.Exporters import ArrayExporter, NativeBuffer  # noqa: E402
from BufferProtocol.Protocol import BufferRequest  # noqa: E402
from BufferProtocol.Python import PythonBuffers, PythonHost  # noqa: E402
from BufferProtocol.Views import MemoryView  # noqa: E402

result = {}


def net_address(exporter):
    """The address .NET exports, read through a short extra export of its own."""
    with exporter.GetBuffer(BufferRequest.Simple) as lease:
        return lease.Pointer.ToInt64()


def can_resize(data):
    try:
        data.append(0)
    except BufferError:
        return False
    data.pop()
    return True


# ---- start-up: the interpreter is running already, pythonnet is hosted ------------------------------------------
result["initialize_started_python"] = PythonHost.Initialize()
runtimes = [a for a in AppDomain.CurrentDomain.GetAssemblies() if a.GetName().Name == "Python.Runtime"]
result["python_runtime_locations"] = [a.Location for a in runtimes]
result["python_runtime_version"] = runtimes[0].GetName().Version.ToString()

# ---- .NET double[] -> NumPy, zero-copy -----------------------------------------------------------------------
values = Array.CreateInstance(Double, 1000)
exporter = ArrayExporter.Create[Double](values)
result["array_exports_before"] = exporter.ExportCount
x = PythonBuffers.ToPython(exporter)
a = np.asarray(x)
result["array_type"] = type(x).__module__ + "." + type(x).__name__
result["array_dtype"] = str(a.dtype)
result["array_shape"] = list(a.shape)
result["array_writable"] = bool(a.flags.writeable)
result["array_exports_while_numpy_holds"] = exporter.ExportCount
result["array_numpy_address"] = a.ctypes.data
result["array_net_address"] = net_address(exporter)
a[:] = 1.5  # NumPy writes, .NET reads the managed array
values[7] = -2.0  # .NET writes, NumPy reads
result["array_net_sees"] = [values[0], values[999], values[7]]
result["array_numpy_sees"] = [float(a[0]), float(a[7])]
del a, x
gc.collect()
result["array_exports_after"] = exporter.ExportCount
exporter.Dispose()

# ---- NativeBuffer (unmanaged memory) -> NumPy ---------------------------------------------------------------------
# nint parameters take System.IntPtr, and optional nint parameters must be passed (pythonnet does not convert
# int to IntPtr, and their default is stored as Int32 in metadata).
native = NativeBuffer.Allocate(IntPtr(16), IntPtr(64))
y = PythonBuffers.ToPython(native)
b = np.asarray(y)
result["native_dtype"] = str(b.dtype)
result["native_exports_while_numpy_holds"] = native.ExportCount
result["native_numpy_address"] = b.ctypes.data
result["native_net_address"] = net_address(native)
b[:] = np.arange(16, dtype=np.uint8) * 3
with native.GetBuffer(BufferRequest.Simple) as lease:
    Marshal.WriteByte(lease.Pointer, 5, 200)
with MemoryView(native) as view:
    result["native_net_sees"] = list(view.ToBytes())
result["native_numpy_sees"] = b.tolist()
del b, y
gc.collect()
result["native_exports_after"] = native.ExportCount
native.Dispose()

# ---- NumPy -> .NET: AcquireBuffer on a transposed (strided) array ------------------------------------------------
m = np.arange(12.0).reshape(3, 4).T
refs_before = sys.getrefcount(m)
buffer = PythonBuffers.AcquireBuffer(m, BufferRequest.FullRO)
result["acquire_refs_delta_while_held"] = sys.getrefcount(m) - refs_before
result["acquire_format"] = buffer.Format
result["acquire_layout"] = buffer.Layout.ToString()
result["acquire_numpy_layout"] = f"itemsize {m.itemsize}, shape {m.shape}, strides {m.strides}"
result["acquire_net_address"] = buffer.Pointer.ToInt64()
result["acquire_numpy_address"] = m.ctypes.data
view = MemoryView.FromBuffer(buffer)  # the view owns the buffer from here on
result["acquire_net_values"] = [list(row) for row in view.ToList()]
result["acquire_numpy_values"] = m.tolist()
view.Dispose()
result["acquire_released"] = buffer.IsReleased
# The release drops Py_buffer.obj's reference; pythonnet's own reference (the PyObject argument, kept as the
# buffer's Owner) goes once the buffer is gone and pythonnet's finalizer queue has run.
result["acquire_refs_delta_after_release"] = sys.getrefcount(m) - refs_before
del view, buffer
gc.collect()
GC.Collect()
GC.WaitForPendingFinalizers()
Finalizer.Instance.Collect()
result["acquire_refs_delta_after_collect"] = sys.getrefcount(m) - refs_before

# ---- NumPy -> .NET, writable: .NET writes into NumPy's memory ------------------------------------------------------
w = np.zeros(4)
with PythonBuffers.AcquireBuffer(w, BufferRequest.Full) as writable:
    Marshal.Copy(Array[Double]([1.0, 2.0, 3.0, 4.0]), 0, writable.Pointer, 4)
result["writable_numpy_sees"] = w.tolist()

# ---- release: a bytearray refuses to resize while .NET holds its buffer -------------------------------------------
data = bytearray(b"abcdefgh")
held = PythonBuffers.AcquireBuffer(data, BufferRequest.Simple)
result["bytearray_resizable_while_held"] = can_resize(data)
held.Dispose()
held.Dispose()  # exactly once
result["bytearray_resizable_after_dispose"] = can_resize(data)

view = MemoryView(PythonBuffers.AsBufferExporter(data))
result["bytearray_memoryview_bytes"] = list(view.ToBytes())
result["bytearray_resizable_while_memoryview"] = can_resize(data)
view.Dispose()
result["bytearray_resizable_after_memoryview"] = can_resize(data)


# Never disposed: the finalizer queues it and a drain releases it with the GIL (this thread holds it meanwhile).
def acquire_and_drop():
    PythonBuffers.AcquireBuffer(data, BufferRequest.Simple)


acquire_and_drop()
result["bytearray_resizable_while_leaked"] = can_resize(data)
gc.collect()
GC.Collect()
GC.WaitForPendingFinalizers()
PythonBuffers.DrainPendingReleases()
result["bytearray_resizable_after_finalizer"] = can_resize(data)

# ---- Python threads call .NET concurrently: each takes and drops the GIL as Python code does ----------------------
errors = []
counts = []


def worker(seed):
    try:
        for i in range(50):
            source = ArrayExporter.Create[Double](Array.CreateInstance(Double, 8))
            c = np.asarray(PythonBuffers.ToPython(source))
            c[:] = seed * 1000 + i
            with PythonBuffers.AcquireBuffer(c, BufferRequest.FullRO) as again:
                if again.Pointer.ToInt64() != c.ctypes.data:
                    errors.append("address differs")
            del c
            counts.append(source.ExportCount)
            source.Dispose()
    except Exception as error:  # reported, not raised: the test prints it
        errors.append(repr(error))


threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
result["threads_errors"] = errors
result["threads_export_counts"] = sorted(set(counts))
result["threads_iterations"] = len(counts)

# ---- left alive at exit: a NumPy view of .NET memory and a .NET view of NumPy memory --------------------------------
kept_exporter = ArrayExporter.Create[Double](Array.CreateInstance(Double, 4))
kept_array = np.asarray(PythonBuffers.ToPython(kept_exporter))
kept_buffer = PythonBuffers.AcquireBuffer(np.arange(3.0), BufferRequest.FullRO)

print("RESULT " + json.dumps(result), flush=True)
