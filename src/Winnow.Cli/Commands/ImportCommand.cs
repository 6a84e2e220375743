using System.CommandLine;
using Winnow.Torch.Modeling.Import;

namespace Winnow.Cli.Commands;

/// <summary><c>winnow import onnx MODEL.onnx --vocab vocab.txt --out DIR</c>: a BERT/RoBERTa encoder export to a Hugging Face folder.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var command = new Command("import", "Convert models from other formats into Hugging Face folders Winnow loads.");
        command.Subcommands.Add(OnnxCommand());
        return command;
    }

    private static Command OnnxCommand()
    {
        var onnx = new Argument<string>("model") { Description = "The .onnx file (a BERT or RoBERTa encoder export, weights inside the file)." };
        var vocab = new Option<string>("--vocab") { Description = "vocab.txt (WordPiece) or vocab.json (byte-level BPE, with --merges).", Required = true };
        var merges = new Option<string?>("--merges") { Description = "merges.txt for a vocab.json." };
        var out_ = new Option<string>("--out") { Description = "Folder to write (config.json, model.safetensors, tokenizer files).", Required = true };
        var heads = new Option<int?>("--num-heads") { Description = "Attention heads, when the graph does not show them." };
        var lowerCase = new Option<bool?>("--lower-case") { Description = "Lower-case before WordPiece (default: read from the vocabulary)." };
        var force = new Option<bool>("--force") { Description = "Replace a folder that already exists." };
        var command = new Command("onnx", "Convert an ONNX BERT/RoBERTa encoder (e.g. a sentence-transformers export) into a Hugging Face model folder.");
        command.Arguments.Add(onnx);
        foreach (var o in new Option[] { vocab, merges, out_, heads, lowerCase, force }) command.Options.Add(o);
        command.SetAction(r => CliErrors.Guard(() =>
        {
            var report = OnnxEncoderImporter.Import(r.GetValue(onnx)!, r.GetValue(vocab)!, r.GetValue(out_)!, new OnnxImportOptions
            {
                Merges = r.GetValue(merges),
                NumAttentionHeads = r.GetValue(heads),
                LowerCase = r.GetValue(lowerCase),
                Force = r.GetValue(force),
            });
            var c = report.Config;
            Console.WriteLine($"Imported {c.ModelType}: {c.NumHiddenLayers} layers, hidden {c.HiddenSize}, {c.NumAttentionHeads} heads, intermediate {c.IntermediateSize}, " +
                              $"vocabulary {c.VocabSize:N0}, {c.MaxPositionEmbeddings} positions, {c.HiddenAct}, LayerNorm eps {c.LayerNormEps:G3}; {report.Parameters:N0} parameters");
            if (report.Skipped.Count > 0) Console.WriteLine($"  not needed: {report.Skipped.Count} graph constants/buffers ({string.Join(", ", report.Skipped.Take(4))}{(report.Skipped.Count > 4 ? ", …" : "")})");
            foreach (var note in report.Notes) Console.WriteLine($"  note: {note}");
            Console.WriteLine($"  model: {report.Directory}");
            return 0;
        }));
        return command;
    }
}
