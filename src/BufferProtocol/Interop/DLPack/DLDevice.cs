using System.Runtime.InteropServices;

namespace BufferProtocol.Interop.DLPack;

/// <summary><c>DLDevice</c> (<c>dlpack.h</c>, 8 bytes: <c>device_type@0, device_id@4</c>): where a tensor's memory lives.</summary>
/// <param name="device_type">The kind of device.</param>
/// <param name="device_id">The device's index (0 for the CPU).</param>
[StructLayout(LayoutKind.Sequential)]
public record struct DLDevice(DLDeviceType device_type, int device_id)
{
    /// <summary><c>DLDeviceType device_type</c> (a 32-bit C enum).</summary>
    public DLDeviceType device_type = device_type;

    /// <summary><c>int32_t device_id</c>.</summary>
    public int device_id = device_id;

    /// <summary>The host CPU, <c>(kDLCPU, 0)</c>: the only device this library exports to.</summary>
    public static DLDevice Cpu => new(DLDeviceType.kDLCPU, 0);

    /// <summary>
    /// True for the devices whose memory the CPU can address directly, as NumPy's <c>from_dlpack</c> accepts them:
    /// <see cref="DLDeviceType.kDLCPU"/>, <see cref="DLDeviceType.kDLCUDAHost"/>, <see cref="DLDeviceType.kDLROCMHost"/>
    /// and <see cref="DLDeviceType.kDLCUDAManaged"/>.
    /// </summary>
    public readonly bool IsHostAccessible => device_type is DLDeviceType.kDLCPU or DLDeviceType.kDLCUDAHost
        or DLDeviceType.kDLROCMHost or DLDeviceType.kDLCUDAManaged;

    /// <summary><c>(device_type, device_id)</c>.</summary>
    public override readonly string ToString() => $"({device_type}, {device_id})";
}

/// <summary><c>DLDeviceType</c> (<c>dlpack.h</c> v1.3): the values are the C enum's.</summary>
#pragma warning disable CA1707 // The C names are kept so that the mirror reads like dlpack.h.
public enum DLDeviceType
{
    /// <summary>Host memory (<c>malloc</c>, mapped files, pinned .NET memory).</summary>
    kDLCPU = 1,

    /// <summary>CUDA device memory.</summary>
    kDLCUDA = 2,

    /// <summary>Pinned CUDA host memory (<c>cudaMallocHost</c>): addressable by the CPU.</summary>
    kDLCUDAHost = 3,

    /// <summary>OpenCL device memory.</summary>
    kDLOpenCL = 4,

    /// <summary>Vulkan buffer.</summary>
    kDLVulkan = 7,

    /// <summary>Metal (Apple GPU).</summary>
    kDLMetal = 8,

    /// <summary>Verilog simulator buffer.</summary>
    kDLVPI = 9,

    /// <summary>ROCm (AMD GPU) device memory.</summary>
    kDLROCM = 10,

    /// <summary>Pinned ROCm host memory: addressable by the CPU.</summary>
    kDLROCMHost = 11,

    /// <summary>Reserved for extension devices.</summary>
    kDLExtDev = 12,

    /// <summary>CUDA managed (unified) memory: addressable by the CPU.</summary>
    kDLCUDAManaged = 13,

    /// <summary>Intel oneAPI (SYCL) unified shared memory.</summary>
    kDLOneAPI = 14,

    /// <summary>WebGPU.</summary>
    kDLWebGPU = 15,

    /// <summary>Qualcomm Hexagon DSP.</summary>
    kDLHexagon = 16,

    /// <summary>Microsoft MAIA.</summary>
    kDLMAIA = 17,

    /// <summary>AWS Trainium (v1.2).</summary>
    kDLTrn = 18,
}
#pragma warning restore CA1707
