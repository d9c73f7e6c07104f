using System.Collections.Concurrent;
using System.Numerics;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace BufferProtocol.Formats.Clr;

/// <summary>
/// The in-memory layout of unmanaged CLR types as the runtime lays them out (not as the marshaller would):
/// sizes, field offsets, <c>fixed</c> buffers and <c>[InlineArray]</c> types.
/// </summary>
/// <remarks>
/// Field offsets come from a tiny dynamic method per type that takes <c>ldflda</c> of each field minus the address of
/// the struct — the runtime's own answer, right for <c>bool</c>/<c>char</c> fields and auto layout, where
/// <see cref="Marshal.OffsetOf(Type, string)"/> reports the marshalled layout instead. Without dynamic code (NativeAOT)
/// it falls back to <see cref="Marshal.OffsetOf(Type, string)"/>, which is exact for blittable sequential and explicit
/// layouts.
/// </remarks>
internal static class ClrLayout
{
    private static readonly ConcurrentDictionary<Type, int> Sizes = new();
    private static readonly ConcurrentDictionary<Type, FieldSlot[]> Layouts = new();

    /// <summary>A field with its offset and size.</summary>
    internal readonly record struct FieldSlot(FieldInfo Field, string Name, nint Offset, int Size);

    /// <summary><c>sizeof(T)</c> as the runtime lays <paramref name="type"/> out (<see cref="Unsafe.SizeOf{T}"/>).</summary>
    public static int SizeOf(Type type) => type.IsPointer || type.IsFunctionPointer ? IntPtr.Size : Sizes.GetOrAdd(type, static t =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(t).Invoke(null, null)!);

    /// <summary>True when <paramref name="type"/> is a value type without object references anywhere inside.</summary>
    public static bool IsUnmanaged(Type type) =>
        type.IsPointer || type.IsFunctionPointer || (type.IsValueType && !type.IsByRefLike && !(bool)typeof(RuntimeHelpers)
            .GetMethod(nameof(RuntimeHelpers.IsReferenceOrContainsReferences))!.MakeGenericMethod(type).Invoke(null, null)!);

    /// <summary>The instance fields of a struct, ordered by offset (then by size), with their offsets.</summary>
    public static FieldSlot[] FieldsOf(Type type) => Layouts.GetOrAdd(type, static t =>
    {
        FieldInfo[] fields = t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        nint[] offsets = Offsets(t, fields);
        return [.. fields.Select((f, i) => new FieldSlot(f, DisplayName(f), offsets[i], FieldSize(f)))
            .OrderBy(s => s.Offset).ThenBy(s => s.Size)];
    });

    /// <summary>The size of a field (a <c>fixed</c> buffer's whole size).</summary>
    public static int FieldSize(FieldInfo field) => SizeOf(field.FieldType);

    /// <summary>The C# name of a field: <c>&lt;Name&gt;k__BackingField</c> becomes <c>Name</c>.</summary>
    public static string DisplayName(FieldInfo field)
    {
        string name = field.Name;
        if (name.StartsWith('<') && name.IndexOf('>', StringComparison.Ordinal) is > 1 and int close)
        {
            return name[1..close];
        }
        return name;
    }

    /// <summary>A <c>fixed T name[n]</c> field: the element type and the length.</summary>
    public static bool IsFixedBuffer(FieldInfo field, out Type element, out int length)
    {
        if (field.GetCustomAttribute<FixedBufferAttribute>() is { } attribute)
        {
            element = attribute.ElementType;
            length = attribute.Length;
            return true;
        }
        element = null!;
        length = 0;
        return false;
    }

    /// <summary>An <c>[InlineArray(n)]</c> struct: its element type and length.</summary>
    public static bool IsInlineArray(Type type, out Type element, out int length)
    {
        if (type.IsValueType && type.GetCustomAttribute<InlineArrayAttribute>() is { } attribute)
        {
            FieldInfo only = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Single();
            element = only.FieldType;
            length = attribute.Length;
            return true;
        }
        element = null!;
        length = 0;
        return false;
    }

    /// <summary>True for the CLR types that are one PEP 3118 leaf rather than a record.</summary>
    public static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type.IsPointer || type.IsFunctionPointer || type == typeof(Half) ||
        type == typeof(Complex) || type == typeof(CLong) || type == typeof(CULong) || type == typeof(Rune) ||
        type == typeof(NFloat);

    private delegate nint OffsetReader(ref byte item);

    private static nint[] Offsets(Type type, FieldInfo[] fields)
    {
        if (!RuntimeFeature.IsDynamicCodeSupported)
        {
            return [.. fields.Select(f => Marshal.OffsetOf(type, f.Name))];
        }
        var offsets = new nint[fields.Length];
        byte[] scratch = new byte[Math.Max(SizeOf(type), 1) + 16];
        for (int i = 0; i < fields.Length; i++)
        {
            // nint Offset(ref byte item) => (nint)(&((T*)item)->field - item), written in IL.
            var method = new DynamicMethod("OffsetOf_" + fields[i].Name, typeof(nint), [typeof(byte).MakeByRefType()],
                typeof(ClrLayout).Module, skipVisibility: true);
            ILGenerator il = method.GetILGenerator();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldflda, fields[i]);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Sub);
            il.Emit(OpCodes.Ret);
            offsets[i] = method.CreateDelegate<OffsetReader>()(ref scratch[0]);
        }
        return offsets;
    }
}
