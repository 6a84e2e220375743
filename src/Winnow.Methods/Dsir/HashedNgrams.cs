using System.Text;
using Winnow.Methods.Common;

namespace Winnow.Methods.Dsir;

/// <summary>
/// DSIR's features: lower-cased word unigrams and bigrams hashed into 2^bits buckets with FNV-1a (stable across runs
/// and machines, unlike <see cref="string.GetHashCode()"/>). Collisions only blur the two n-gram models alike.
/// </summary>
public sealed class HashedNgrams
{
    public HashedNgrams(int bits)
    {
        if (bits is < 4 or > 24) throw new ArgumentOutOfRangeException(nameof(bits), bits, "Hash bits must be in [4, 24].");
        Bits = bits;
    }

    public int Bits { get; }
    public int Buckets => 1 << Bits;

    /// <summary>Bucket counts of one text as (bucket, count) pairs.</summary>
    public Dictionary<int, int> Count(string text)
    {
        var counts = new Dictionary<int, int>();
        var words = ExampleText.Words(text);
        for (int i = 0; i < words.Count; i++)
        {
            Add(counts, Bucket(words[i]));
            if (i > 0) Add(counts, Bucket(words[i - 1] + " " + words[i]));
        }
        return counts;
    }

    /// <summary>Adds one text's counts into a dense model.</summary>
    public void Accumulate(double[] model, string text)
    {
        foreach (var (bucket, count) in Count(text)) model[bucket] += count;
    }

    private int Bucket(string gram)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(gram))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return (int)(hash & (ulong)(Buckets - 1));
    }

    private static void Add(Dictionary<int, int> counts, int bucket) => counts[bucket] = counts.GetValueOrDefault(bucket) + 1;

    /// <summary>log p per bucket of an add-one smoothed (Laplace) bag-of-n-grams model.</summary>
    public static double[] LogProbabilities(double[] counts)
    {
        double total = counts.Sum() + counts.Length;
        return counts.Select(c => Math.Log((c + 1) / total)).ToArray();
    }
}
