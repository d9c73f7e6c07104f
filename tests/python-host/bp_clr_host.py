"""A ctypes stand-in for ``clr_loader.get_coreclr`` + ``pythonnet.load()``, so that ``import clr`` works here.

The ``pythonnet`` and ``clr_loader`` Python packages come from PyPI, which this repository's machines cannot
reach; the NuGet package pythonnet 3.2.1 (its ``Python.Runtime.dll``) and the .NET host (``libhostfxr.so``) are
here. What those Python packages do to start .NET inside a running CPython is small, and this module does the
same steps in the same order with ctypes instead of cffi, so that the tests exercise the path a user's
``from pythonnet import load; load("coreclr")`` takes:

1. ``clr_loader.util.find_dotnet_root``: ``DOTNET_ROOT``, else the folder of the real ``dotnet`` on ``PATH``.
2. ``clr_loader.ffi.load_hostfxr``: the newest ``<root>/host/fxr/<version>/libhostfxr.so`` that loads.
3. ``clr_loader.hostfxr._get_handle``: ``hostfxr_initialize_for_runtime_config(config, {size, host_path=NULL,
   dotnet_root}, &handle)``; a negative result is an error (``clr_loader.util.check_result``).
4. ``clr_loader.hostfxr._get_load_func``: ``hostfxr_get_runtime_delegate(handle,
   hdt_load_assembly_and_get_function_pointer, &fn)``.
5. ``pythonnet.load``: ``fn(Python.Runtime.dll, "Python.Runtime.Loader, Python.Runtime", "Initialize", NULL,
   NULL, &entry)``, then ``entry(b"", 0)`` -- the empty byte string tells ``Loader.Initialize`` that Python hosts
   .NET (``Runtime.PythonDLL = null``: the C API comes from this process) -- and 0 is success; then
   ``atexit.register(unload)``.
6. ``pythonnet.unload`` (at exit): ``Loader.Shutdown(b"full_shutdown")`` (``PythonEngine.Shutdown``, which runs
   the shutdown handlers libraries registered), then ``hostfxr_close``.

Like cffi, a ctypes ``CFUNCTYPE`` call releases the GIL around the call; ``Loader.Initialize`` takes it back
with ``Py.GIL()``, so the .NET side starts exactly as it does under the real packages.

Usage, with Debian's ``/usr/bin/python3``::

    import bp_clr_host
    bp_clr_host.load()                        # pythonnet.load("coreclr"), Python.Runtime from the NuGet cache
    import clr
    clr.AddReference("/path/to/BufferProtocol.Python.dll")

Differences from the real packages, none of which the tests depend on: no Mono or .NET Framework, no runtime
properties or generated runtimeconfig, Linux and macOS only (``char_t`` is UTF-8 there; Windows' hostfxr takes
UTF-16).
"""

import atexit
import ctypes
import glob
import os
import shutil
import sys

__all__ = ["PYTHONNET_VERSION", "find_dotnet_root", "find_python_runtime", "load", "unload", "HostfxrError"]

#: The pythonnet NuGet package whose Python.Runtime.dll is loaded (Directory.Packages.props pins the same one).
PYTHONNET_VERSION = "3.2.1"

#: The runtime configuration beside this file: the shared framework Microsoft.NETCore.App 10.0 (net10.0).
DEFAULT_RUNTIME_CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bp_clr_host.runtimeconfig.json")

# hostfxr.h: enum hostfxr_delegate_type (the 6th member).
_HDT_LOAD_ASSEMBLY_AND_GET_FUNCTION_POINTER = 5


class HostfxrError(RuntimeError):
    """A hosting call returned a negative status (an HRESULT such as 0x80008096, framework not found)."""

    def __init__(self, call, status):
        self.status = status & 0xFFFFFFFF
        super().__init__(f"{call} failed with 0x{self.status:08X}")


class _InitializeParameters(ctypes.Structure):
    # struct hostfxr_initialize_parameters { size_t size; const char_t *host_path; const char_t *dotnet_root; }
    _fields_ = [("size", ctypes.c_size_t), ("host_path", ctypes.c_char_p), ("dotnet_root", ctypes.c_char_p)]


# coreclr_delegates.h: load_assembly_and_get_function_pointer_fn and component_entry_point_fn.
_LoadAssemblyAndGetFunctionPointer = ctypes.CFUNCTYPE(
    ctypes.c_int32, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p,
    ctypes.POINTER(ctypes.c_void_p))
_ComponentEntryPoint = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_int32)

# What unload() needs: hostfxr, the host context and the loaded Python.Runtime (None until load(), again after unload()).
_state = None


def find_dotnet_root():
    """``DOTNET_ROOT``, else the folder of ``dotnet`` on ``PATH`` with links resolved (clr_loader's rule)."""
    root = os.environ.get("DOTNET_ROOT")
    if root:
        return root
    dotnet = shutil.which("dotnet")
    if not dotnet:
        raise RuntimeError("Can not determine dotnet root: set DOTNET_ROOT or put dotnet on PATH")
    return os.path.dirname(os.path.realpath(dotnet))


def find_python_runtime(version=PYTHONNET_VERSION):
    """Python.Runtime.dll of the restored pythonnet NuGet package (``NUGET_PACKAGES``, else ``~/.nuget/packages``)."""
    packages = os.environ.get("NUGET_PACKAGES") or os.path.join(os.path.expanduser("~"), ".nuget", "packages")
    path = os.path.join(packages, "pythonnet", version, "lib", "netstandard2.0", "Python.Runtime.dll")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path} not found: restore the solution first (dotnet restore)")
    return path


def _load_hostfxr(dotnet_root):
    name = "libhostfxr.dylib" if sys.platform == "darwin" else "libhostfxr.so"
    # Newest version first, compared as numbers: clr_loader's "?.*" pattern misses two-digit majors such as
    # 10.0.x (clr-loader issue #81, fixed there since), and a text sort puts 5.0.5 above 5.0.17 (issue #38).
    candidates = glob.glob(os.path.join(dotnet_root, "host", "fxr", "*", name))
    for candidate in sorted(candidates, key=_version_key, reverse=True):
        try:
            library = ctypes.CDLL(candidate)
        except OSError:
            continue
        library.hostfxr_initialize_for_runtime_config.argtypes = [
            ctypes.c_char_p, ctypes.POINTER(_InitializeParameters), ctypes.POINTER(ctypes.c_void_p)]
        library.hostfxr_initialize_for_runtime_config.restype = ctypes.c_int32
        library.hostfxr_get_runtime_delegate.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p)]
        library.hostfxr_get_runtime_delegate.restype = ctypes.c_int32
        library.hostfxr_close.argtypes = [ctypes.c_void_p]
        library.hostfxr_close.restype = ctypes.c_int32
        return library
    raise RuntimeError(f"Could not find a suitable hostfxr library in {dotnet_root}")


def _version_key(path):
    version = os.path.basename(os.path.dirname(path)).split("-")[0]
    return tuple(int(part) if part.isdigit() else -1 for part in version.split("."))


def _check(call, status):
    if status < 0:
        raise HostfxrError(call, status)


def load(runtime_dll=None, runtime_config=None, dotnet_root=None):
    """Start .NET in this interpreter and initialise pythonnet in it, as ``pythonnet.load("coreclr")`` does.

    ``runtime_dll``: Python.Runtime.dll (default: :func:`find_python_runtime`); ``runtime_config``: a
    ``runtimeconfig.json`` (default: net10.0, beside this file); ``dotnet_root``: default
    :func:`find_dotnet_root`. After it returns, ``import clr`` works. Further calls return at once.
    """
    global _state
    if _state is not None:
        return
    runtime_dll = os.path.abspath(runtime_dll or find_python_runtime())
    runtime_config = os.path.abspath(runtime_config or DEFAULT_RUNTIME_CONFIG)
    dotnet_root = dotnet_root or find_dotnet_root()
    hostfxr = _load_hostfxr(dotnet_root)

    parameters = _InitializeParameters(ctypes.sizeof(_InitializeParameters), None, dotnet_root.encode())
    handle = ctypes.c_void_p()
    _check("hostfxr_initialize_for_runtime_config",
           hostfxr.hostfxr_initialize_for_runtime_config(runtime_config.encode(), ctypes.byref(parameters),
                                                         ctypes.byref(handle)))
    delegate = ctypes.c_void_p()
    _check("hostfxr_get_runtime_delegate",
           hostfxr.hostfxr_get_runtime_delegate(handle, _HDT_LOAD_ASSEMBLY_AND_GET_FUNCTION_POINTER,
                                                ctypes.byref(delegate)))
    state = (hostfxr, handle, _LoadAssemblyAndGetFunctionPointer(delegate.value), runtime_dll)
    # pythonnet.load() calls Initialize(b""): an empty library path, i.e. "the interpreter is this process".
    if _call(state, "Initialize", b"") != 0:
        raise RuntimeError("Failed to initialize Python.Runtime.dll")
    _state = state
    atexit.register(unload)


def unload():
    """Shut pythonnet down (``PythonEngine.Shutdown``) and close the host context, as ``pythonnet.unload`` does."""
    global _state
    if _state is None:
        return
    state, _state = _state, None
    if _call(state, "Shutdown", b"full_shutdown") != 0:
        raise RuntimeError("Failed to call Python.NET shutdown")
    state[0].hostfxr_close(state[1])


def _call(state, method, argument):
    """``Python.Runtime.Loader.<method>(pointer, size)`` through load_assembly_and_get_function_pointer."""
    _, _, load_function, runtime_dll = state
    # clr_loader appends the assembly's file name (without extension) to the type name.
    assembly_name = os.path.splitext(os.path.basename(runtime_dll))[0]
    entry = ctypes.c_void_p()
    _check("load_assembly_and_get_function_pointer",
           load_function(runtime_dll.encode(), f"Python.Runtime.Loader, {assembly_name}".encode(), method.encode(),
                         None, None, ctypes.byref(entry)))
    data = ctypes.create_string_buffer(argument, len(argument))
    return _ComponentEntryPoint(entry.value)(ctypes.cast(data, ctypes.c_void_p), len(argument))
