using BufferProtocol.Interop.NumPy;
using BufferProtocol.Protocol;
using Python.Runtime;

namespace BufferProtocol.Python.Tests;

/// <summary>
/// <c>AcquireBuffer</c> on objects without the buffer protocol reads <c>__array_struct__</c>, then
/// <c>__array_interface__</c>, in NumPy 1.24's order: each case is checked against what <c>numpy.asarray</c> makes of
/// the same object.
/// </summary>
[Collection(PythonCollection.Name)]
public sealed unsafe class ArrayLikeFallbackTests(PythonFixture python)
{
    // `carrier(struct=..., interface=...)` makes an object of a new class whose protocol properties return the given
    // array's attribute, raise the given exception, or return the given value; an absent keyword means no attribute.
    private const string Setup = """
        import numpy as np, gc
        a = np.arange(6, dtype=np.int32).reshape(2, 3)
        b = np.arange(10, 14, dtype='>f8')[::-1]

        def _property(value):
            def get(self):
                if isinstance(value, BaseException):
                    raise value
                if isinstance(value, np.ndarray):
                    return value.__array_struct__ if get.struct else value.__array_interface__
                return value
            return get

        def carrier_class(base=object, **protocols):
            ns = {}
            for key, value in protocols.items():
                get = _property(value)
                get.struct = key == 'struct'
                ns['__array_struct__' if key == 'struct' else '__array_interface__'] = property(get)
            return type('Carrier', (base,), ns)

        def carrier(*args, **protocols):
            return carrier_class(**protocols)(*args)

        class BufferCarrier(bytearray):
            __array_struct__ = property(lambda self: a.__array_struct__)
        """;

    private static PyModule NewScope()
    {
        var scope = Py.CreateScope();
        scope.Set("h", InteropHelpers.Module);
        scope.Exec(Setup);
        return scope;
    }

    public static TheoryData<string, string> Readable => new()
    {
        { "carrier(struct=a)", "a" },
        { "carrier(interface=b)", "b" },
        { "carrier(struct=a, interface=b)", "a" }, // both: the struct wins
        { "carrier(struct=AttributeError('gone'), interface=b)", "b" }, // an AttributeError is an absent struct
        { "carrier(struct=a, interface=RuntimeError('never asked'))", "a" }, // the interface is not looked at
        { "BufferCarrier(b'\\x01\\x02\\x03')", "bytes" }, // the buffer protocol comes first
    };

    [SkippableTheory]
    [MemberData(nameof(Readable))]
    public void Objects_are_read_through_the_protocol_numpy_reads(string expression, string source)
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var scope = NewScope();
            scope.Exec($"o = {expression}; r = np.asarray(o)");
            using var o = scope.Get("o");
            var baseline = scope.Eval<long>("h.refcount(o)");
            using (var buffer = o.AcquireBuffer(BufferRequest.FullRO))
            {
                AssertSameArray(scope, "r", buffer);
                if (source != "bytes")
                {
                    Assert.Equal(scope.Eval<long>($"h.address({source})"), buffer.Pointer);
                }
                Assert.True(scope.Eval<long>("h.refcount(o)") > baseline, "the buffer keeps the object alive");
            }
            scope.Exec("gc.collect()");
            Assert.Equal(baseline, scope.Eval<long>("h.refcount(o)"));

            // A PythonExporter asks the same way.
            var exporter = o.AsBufferExporter();
            using (var buffer = exporter.GetBuffer(BufferRequest.FullRO))
            {
                AssertSameArray(scope, "r", buffer);
            }
        }
    }

    public static TheoryData<string, string, string> Refused => new()
    {
        // Looking a protocol up raised something other than AttributeError: NumPy lets it through, so do we.
        { "carrier(struct=RuntimeError('boom'), interface=b)", "RuntimeError", "boom" },
        { "carrier(interface=KeyError('k'))", "KeyError", "'k'" },
        // Present but malformed: NumPy does not try the interface after a struct that is not a capsule.
        { "carrier(struct=5, interface=b)", "", "not a PyCapsule" },
        { "carrier(struct=None)", "", "not a PyCapsule" },
        { "carrier(interface=[1])", "", "not a dict" },
    };

    [SkippableTheory]
    [MemberData(nameof(Refused))]
    public void Failures_of_the_protocol_numpy_would_read_are_the_answer(string expression, string pythonType, string reason)
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var scope = NewScope();
            scope.Exec($"o = {expression}");
            using var o = scope.Get("o");
            var error = Assert.ThrowsAny<BufferException>(() => o.AcquireBuffer());
            Assert.Contains(reason, error.Message);
            var numpy = scope.Eval<string>("h.error_of(np.asarray, o)");
            if (pythonType.Length > 0)
            {
                Assert.Equal(pythonType, Assert.IsType<PythonBufferException>(error).PythonTypeName);
                Assert.StartsWith(pythonType + ":", numpy);
            }
            else
            {
                Assert.IsNotType<PythonBufferException>(error);
                Assert.StartsWith("ValueError: ", numpy); // "invalid __array_struct__", "Invalid __array_interface__ value"
            }
        }
    }

    public static TheoryData<string> Neither =>
    [
        "{}",
        "object()",
        "carrier()",
        "carrier(struct=AttributeError('x'), interface=AttributeError('y'))",
        "carrier_class(struct=a, interface=b)", // on a class the properties are descriptors, not protocols
    ];

    [SkippableTheory]
    [MemberData(nameof(Neither))]
    public void Objects_with_neither_protocol_are_a_TypeError_that_says_so(string expression)
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var scope = NewScope();
            scope.Exec($"o = {expression}");
            // NumPy finds nothing array-like either: it stores the object itself in a 0-d object array.
            Assert.True(scope.Eval<bool>("(lambda r: r.dtype == object and r.shape == () and r[()] is o)(np.asarray(o))"));
            using var o = scope.Get("o");
            var error = Assert.Throws<PythonBufferException>(() => o.AcquireBuffer());
            Assert.Equal("TypeError", error.PythonTypeName);
            Assert.StartsWith("PyObject_GetBuffer(flags=0x", error.Message);
            Assert.Contains(scope.Eval<string>("h.error_of(memoryview, o).split(': ')[-1]")!, error.Message);
            Assert.EndsWith("nor does it have __array_struct__ or __array_interface__", error.Message);
        }
    }

    [SkippableFact]
    public void An_exporter_that_refuses_the_request_does_not_fall_back()
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var scope = NewScope();
            // Read-only memory with a writable struct beside it: the bytes' refusal is the answer to a writable request.
            scope.Exec("o = carrier_class(base=bytes, struct=np.zeros(3))(b'abc')");
            using var o = scope.Get("o");
            var error = Assert.Throws<PythonBufferException>(() => o.AcquireBuffer(BufferRequest.Writable));
            Assert.Equal("BufferError", error.PythonTypeName);
            using var buffer = o.AcquireBuffer();
            Assert.Equal(3, buffer.Length);
            Assert.Equal("B", buffer.Format);
        }
    }

    private static void AssertSameArray(PyModule scope, string name, AcquiredBuffer buffer)
    {
        Assert.Equal(scope.Eval<string>($"str(list({name}.shape))"), "[" + string.Join(", ", buffer.Shape.ToArray()) + "]");
        Assert.Equal(scope.Eval<string>($"str(list({name}.strides))"), "[" + string.Join(", ", buffer.Strides.ToArray()) + "]");
        Assert.Equal(scope.Eval<string>($"{name}.dtype.str"), NumPyDType.FromFormat(buffer.Format!, buffer.ItemSize, out _).TypeString);
        Assert.Equal(scope.Eval<bool>($"{name}.flags.writeable"), !buffer.IsReadOnly);
        Assert.Equal(scope.Eval<long>($"h.address({name})"), buffer.Pointer);
        Assert.Equal(scope.Eval<string>($"{name}.tobytes().hex()"), Convert.ToHexStringLower(Copying.BufferCopy.ToArray(buffer)));
    }
}
