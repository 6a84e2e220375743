namespace Winnow.Core.Data.Ner;

/// <summary>Small helpers over BIO tag strings ("O", "B-TYPE", "I-TYPE").</summary>
public static class BioTags
{
    /// <summary>The tag for tokens outside any entity.</summary>
    public const string Outside = "O";

    /// <summary>The entity type of a BIO tag, or null for O.</summary>
    public static string? TypeOf(string tag) => tag.Length > 2 && tag[1] == '-' ? tag[2..] : null;

    /// <summary>True when the tag starts an entity.</summary>
    public static bool IsBegin(string tag) => tag.StartsWith("B-", StringComparison.Ordinal);

    /// <summary>
    /// Turns every I-X that does not continue an X entity into B-X, so that the sequence is valid BIO.
    /// Used after label mapping, where dropping or merging types can orphan an I- tag.
    /// </summary>
    public static string[] Repair(IReadOnlyList<string> tags)
    {
        var result = new string[tags.Count];
        string? previousType = null;
        for (var i = 0; i < tags.Count; i++)
        {
            var type = TypeOf(tags[i]);
            result[i] = type is null ? Outside
                : tags[i][0] == 'I' && previousType == type ? tags[i]
                : "B-" + type;
            previousType = type;
        }

        return result;
    }
}
