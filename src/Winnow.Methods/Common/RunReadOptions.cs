using Winnow.Core.Data;
using Winnow.Core.Data.Ner;

namespace Winnow.Methods.Common;

/// <summary>How every method reads its target and pool: the task, the label map and field mapping a run records.</summary>
public static class RunReadOptions
{
    /// <summary>The read options of a run made with <paramref name="labelMap"/> (a file) and <paramref name="fields"/> (<see cref="FieldMapping"/> text).</summary>
    public static ReadOptions For(TaskKind kind, string? labelMap, string? fields = null) =>
        new() { Kind = kind, LabelMap = labelMap is null ? null : LabelMap.Load(labelMap), Fields = fields is null ? null : FieldMapping.Parse(fields) };
}
