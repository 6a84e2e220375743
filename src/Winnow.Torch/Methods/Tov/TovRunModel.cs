using Winnow.Core.Data;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;

namespace Winnow.Torch.Methods.Tov;

/// <summary>
/// A finished ToV run loaded for forward passes: the base model (<see cref="TaskModel"/>), the run's 2L adapter states
/// θ_bas^0, θ_val^0, θ_bas^1, … held in memory, and a <see cref="MultiStateTokenScorer"/> that runs a batch under each
/// of them in that order. What scoring (<see cref="TovScorer"/>) and explaining (<see cref="TovExplainer"/>) share.
/// </summary>
internal sealed class TovRunModel : IDisposable
{
    private readonly List<AdapterState> _states;

    private TovRunModel(TovRun run, LabelSet? labels, TaskModel task, List<AdapterState> states)
    {
        Run = run;
        Labels = labels;
        Task = task;
        _states = states;
        // Merged: scoring runs each adapted layer as one matmul with W + s·B·A (the same function up to float rounding).
        var activations = states.Select(s => (Action)(() => Lora.SetAdapterMerged(task.Model, s))).ToArray();
        // Blocks below the lowest adapter are the base model's in every state: run once per batch (lora_layers).
        Scorer = new MultiStateTokenScorer(task.Model.Module, task.Model, activations, Lora.UnadaptedBottomLayers(task.Model));
    }

    /// <summary>The run: its manifest, ToV's options and state.</summary>
    public TovRun Run { get; }

    public TovRunLayout Layout => Run.Layout;

    /// <summary>The NER label set the head was trained on; null for instruction runs.</summary>
    public LabelSet? Labels { get; }

    public TaskModel Task { get; }

    /// <summary>Per batch, each example's predicted-token log-probs under state 2k (θ_bas^k) and 2k+1 (θ_val^k).</summary>
    public MultiStateTokenScorer Scorer { get; }

    /// <summary>How the run reads its pool (kind, label map, field mapping as the manifest records them).</summary>
    public ReadOptions ReadOptions => TovFitter.ReadOptionsFor(Run.Options.Kind, Run.Manifest.LabelMap, Run.Manifest.Fields);

    /// <summary>Loads a finished run's model and adapters (refuses an unfinished run).</summary>
    public static TovRunModel Load(string runDirectory) => Load(LoadComplete(runDirectory));

    /// <summary>Loads the model and adapters of a run <see cref="LoadComplete"/> gave.</summary>
    public static TovRunModel Load(TovRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var options = run.Options;
        var labels = options.Kind == TaskKind.Ner ? LabelSet.Load(run.Layout.LabelsFile) : null;
        var task = TaskModel.Load(run.Manifest.Model ?? throw new InvalidDataException($"The ToV run in {run.RunDirectory} names no model."), options.Kind, labels,
            new TaskModelOptions { MaxLength = options.MaxLength, Seed = options.Seed });
        try
        {
            return new TovRunModel(run, labels, task, LoadStates(task.Model, run.Layout, run.State.Epochs));
        }
        catch
        {
            task.Dispose();
            throw;
        }
    }

    /// <summary>A finished run: refuses a folder without a ToV run, or a run with epochs still to fit.</summary>
    public static TovRun LoadComplete(string runDirectory)
    {
        var layout = new TovRunLayout(runDirectory);
        var run = TovRun.Of(runDirectory, layout.Folder.ReadOf(TovMethod.MethodName, "ToV"));
        if (!run.Manifest.Complete || !Enumerable.Range(0, run.State.Epochs).All(layout.EpochComplete))
            throw new InvalidDataException($"The ToV run in {runDirectory} is not finished ({run.State.CompletedEpochs.Count}/{run.State.Epochs} epochs); run fit again to resume it.");
        return run;
    }

    /// <summary>Label classes per label id, for label-balanced φ on token classification; null: the plain mean.</summary>
    public int[]? ClassesFor(TovAggregation aggregation) =>
        aggregation == TovAggregation.LabelBalanced && Labels is not null ? Labels.EntityClasses() : null;

    /// <summary>The gold label class of each predicted position, in the order the scorer returns their log-probabilities.</summary>
    public static int[] ClassesOf(EncodedExample encoded, int[] classes)
    {
        var result = new int[encoded.PredictedCount];
        for (int i = 0, j = 0; i < encoded.TargetMask.Length; i++)
            if (encoded.TargetMask[i]) result[j++] = classes[encoded.Targets[i]];
        return result;
    }

    /// <summary>θ_bas^0, θ_val^0, θ_bas^1, … as in-memory adapter copies: switching is a tensor copy, not a file read.</summary>
    private static List<AdapterState> LoadStates(IPretrainedModel model, TovRunLayout folder, int epochs)
    {
        var states = new List<AdapterState>(2 * epochs);
        try
        {
            for (int k = 0; k < epochs; k++)
            {
                Lora.LoadAdapter(model, folder.BaseAdapter(k));
                states.Add(Lora.Snapshot(model));
                Lora.LoadAdapter(model, folder.ValAdapter(k));
                states.Add(Lora.Snapshot(model));
            }
            return states;
        }
        catch
        {
            foreach (var s in states) s.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var s in _states) s.Dispose();
        Task.Dispose();
    }
}
