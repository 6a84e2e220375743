using System.Security.Cryptography;
using System.Text;

namespace Winnow.Core.Data;

/// <summary>
/// Makes ids unique within one source: the second example with an already used id gets "#2", the third "#3", …
/// Deterministic for a given file order. Remembers 8-byte fingerprints rather than the ids, so memory stays small.
/// </summary>
internal sealed class IdAssigner
{
    private readonly HashSet<ulong> _used = [];
    private readonly Dictionary<ulong, int> _nextSuffix = [];

    internal string Assign(string baseId)
    {
        var baseKey = Fingerprint(baseId);
        if (_used.Add(baseKey))
            return baseId;

        var suffix = _nextSuffix.GetValueOrDefault(baseKey, 2);
        string candidate;
        do
        {
            candidate = $"{baseId}#{suffix++}";
        }
        while (!_used.Add(Fingerprint(candidate)));
        _nextSuffix[baseKey] = suffix;
        return candidate;
    }

    private static ulong Fingerprint(string id)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(id), digest);
        return BitConverter.ToUInt64(digest);
    }
}
