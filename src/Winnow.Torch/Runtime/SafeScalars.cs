using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace Winnow.Torch.Runtime;

/// <summary>
/// Scalars that outlive the native calls they are passed to (docs/design.md, "Scalars"). TorchSharp 0.107 turns numbers into <see cref="Scalar"/>
/// temporaries — explicitly at a call like <c>t.clamp_min(0)</c>, and hidden inside <c>Tensor.add(Tensor)</c> (alpha = 1)
/// and the <c>+</c> operator — and hands their raw handles to libtorch. Nothing keeps a temporary alive during the call,
/// so a garbage collection started by another thread can finalise (free) it while libtorch reads it: a study died with
/// "Expected false to be true … toFloat at Scalar.h", and a probe (4M additions beside a thread calling GC.Collect)
/// failed 412 times. dotnet/TorchSharp#1434 and #1496 track the upstream fix. Hot paths use these instead: constants
/// come from a process-wide cache and are never freed; per-call values belong in a <c>using Scalar</c> local made with
/// <see cref="Owned(double)"/>. The compiler enforces this: the implicit number→Scalar conversions and
/// <c>Tensor + Tensor</c> are banned outside this file (RS0030, src/Winnow.Torch/BannedSymbols.txt); docs/design.md
/// ("Scalars") tells the story.
/// </summary>
// The one place allowed to turn numbers into Scalars.
#pragma warning disable RS0030
public static class SafeScalars
{
    private static readonly ConcurrentDictionary<double, Scalar> FloatCache = new();
    private static readonly ConcurrentDictionary<long, Scalar> IntCache = new();

    public static Scalar One { get; } = Of(1L);

    public static Scalar Zero { get; } = Of(0L);

    /// <summary>A floating-point constant's Scalar, created once and kept for the process's lifetime.</summary>
    public static Scalar Of(double value) => FloatCache.GetOrAdd(value, v => v);

    /// <summary>An integer constant's Scalar (integer tensors keep their dtype), created once and kept.</summary>
    public static Scalar Of(long value) => IntCache.GetOrAdd(value, v => v);

    /// <summary>
    /// A new Scalar the caller owns and disposes: hold it in a <c>using</c> local (or a field of the module that uses
    /// it) for as long as libtorch may read it, never pass it as a temporary.
    /// </summary>
    public static Scalar Owned(double value) => value;

    /// <summary>A new integer Scalar the caller owns and disposes (see <see cref="Owned(double)"/>).</summary>
    public static Scalar Owned(long value) => value;

    /// <summary><paramref name="a"/> + <paramref name="b"/> without TorchSharp's hidden alpha temporary.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>In-place <paramref name="a"/> += <paramref name="b"/> without TorchSharp's hidden alpha temporary.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    /// <summary>
    /// <paramref name="a"/> + <paramref name="b"/> without the hidden alpha temporary of TorchSharp's <c>add(Scalar)</c>,
    /// which crashed a study in AdamW's ε step ("toFloat at Scalar.h", 2026-12-01).
    /// </summary>
    public static Tensor Plus(this Tensor a, Scalar b) => a.add(b, One);

    /// <summary>In-place <paramref name="a"/> += <paramref name="b"/> without <c>add_(Scalar)</c>'s hidden alpha temporary.</summary>
    public static Tensor PlusInPlace(this Tensor a, Scalar b) => a.add_(b, One);
}
#pragma warning restore RS0030
