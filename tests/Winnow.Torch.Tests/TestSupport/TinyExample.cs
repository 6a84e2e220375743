namespace Winnow.Torch.Tests.TestSupport;

/// <summary>A token sequence whose tokens after the first <see cref="PromptLength"/> are the response (predicted).</summary>
public sealed record TinyExample(string Id, int[] Tokens, int PromptLength);
