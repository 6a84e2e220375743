using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Winnow.Core.Selection;

/// <summary>
/// Draws ToV's random base set U from a pool seen as a stream: the k ids with the smallest seeded hash. That is
/// a uniform sample without replacement, needs one pass and O(k) memory, and gives the same U for the same ids
/// and seed however the pool is ordered or sharded.
/// </summary>
public static class BaseSetSampler
{
    public static HashSet<string> Sample(IEnumerable<string> ids, int size, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        // Max-heap on the key (priority = -key) so the largest of the kept k is evicted first.
        var heap = new PriorityQueue<string, ulong>(Comparer<ulong>.Create((a, b) => b.CompareTo(a)));
        var seen = new HashSet<string>();
        foreach (var id in ids)
        {
            if (!seen.Add(id)) throw new ArgumentException($"Duplicate example id '{id}' in the pool.");
            if (size == 0) continue;
            ulong key = Key(id, seed);
            if (heap.Count < size) heap.Enqueue(id, key);
            else if (heap.TryPeek(out _, out var worst) && key < worst)
            {
                heap.Dequeue();
                heap.Enqueue(id, key);
            }
        }
        var result = new HashSet<string>(heap.Count);
        while (heap.Count > 0) result.Add(heap.Dequeue());
        return result;
    }

    public static ulong Key(string id, int seed)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}\u0000{id}"), hash);
        return BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }
}
