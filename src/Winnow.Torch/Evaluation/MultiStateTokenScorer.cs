using Winnow.Torch.Modeling;
using static TorchSharp.torch;

namespace Winnow.Torch.Evaluation;

/// <summary>
/// Reads per-token log-probs of every example under several model states, one batch at a time: each batch is run
/// once per state, right after that state's <c>activate</c> delegate (e.g. load adapter weights, switch LoRA on or
/// off). ToV takes Δ_t = log p_after − log p_before from two states this way without a pool-sized buffer.
/// The model is left in the last state when the stream ends.
/// With <c>sharedLayers</c> k &gt; 0 the states must differ only in blocks k and above (and the head): each batch
/// then runs blocks below k once and only the rest once per state (ToV with LoRA on the top blocks, docs/tov-defaults.md).
/// </summary>
public sealed class MultiStateTokenScorer
{
    private readonly nn.Module _module;
    private readonly ITokenModel _model;
    private readonly IReadOnlyList<Action> _states;
    private readonly int _sharedLayers;

    public MultiStateTokenScorer(nn.Module module, ITokenModel model, IReadOnlyList<Action> states, int sharedLayers = 0)
    {
        _module = module ?? throw new ArgumentNullException(nameof(module));
        _model = model ?? throw new ArgumentNullException(nameof(model));
        ArgumentNullException.ThrowIfNull(states);
        if (states.Count == 0) throw new ArgumentException("Give at least one model state.", nameof(states));
        _states = states.ToArray();
        if (sharedLayers < 0) throw new ArgumentOutOfRangeException(nameof(sharedLayers), sharedLayers, "The number of shared layers must be >= 0.");
        if (sharedLayers > 0)
        {
            if (model is not ILayeredTokenModel layered)
                throw new ArgumentException($"Sharing the bottom layers between states needs a model that can be cut between blocks; {model.GetType().Name} cannot.", nameof(sharedLayers));
            if (sharedLayers > layered.LayerCount)
                throw new ArgumentOutOfRangeException(nameof(sharedLayers), sharedLayers, $"The model has {layered.LayerCount} layers.");
        }
        _sharedLayers = sharedLayers;
    }

    /// <summary>How many bottom blocks run once per batch for all states.</summary>
    public int SharedLayers => _sharedLayers;

    public static MultiStateTokenScorer Create<TModel>(TModel model, IReadOnlyList<Action> states) where TModel : nn.Module, ITokenModel =>
        new(model, model, states);

    /// <summary>Results batch by batch, in batch order; each carries its example index.</summary>
    public IEnumerable<IReadOnlyList<MultiStateTokenLogProbs>> Score(
        IEnumerable<IndexedBatch> batches,
        IReadOnlyList<string>? ids = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        return TokenLogProbReader.PerBatch(batches, batch => ScoreBatch(batch, ids), cancellationToken);
    }

    private MultiStateTokenLogProbs[] ScoreBatch(IndexedBatch batch, IReadOnlyList<string>? ids)
    {
        var perState = new float[_states.Count][][];
        using var scope = NewDisposeScope();
        // The shared blocks' output, computed once for every state (their weights are the same in all of them).
        var layered = _model as ILayeredTokenModel;
        var hidden = _sharedLayers > 0 ? TokenLogProbReader.InEvalMode(_module, () => layered!.HiddenBefore(batch.Batch, _sharedLayers)) : null;
        for (int s = 0; s < _states.Count; s++)
        {
            _states[s]();
            perState[s] = hidden is null
                ? TokenLogProbReader.Read(_module, _model, batch.Batch)
                : TokenLogProbReader.Read(_module, () => layered!.TargetLogProbsFrom(hidden, batch.Batch, _sharedLayers), batch.Batch.TargetMask);
        }
        var results = new MultiStateTokenLogProbs[batch.Indices.Length];
        for (int row = 0; row < results.Length; row++)
        {
            int index = batch.Indices[row];
            results[row] = new MultiStateTokenLogProbs(index, Evaluator.IdOf(ids, index), perState.Select(state => state[row]).ToArray());
        }
        return results;
    }
}
