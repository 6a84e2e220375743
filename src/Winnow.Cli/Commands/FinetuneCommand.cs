using System.CommandLine;
using Winnow.Core.Data;
using Winnow.Torch.FineTuning;
using Winnow.Torch.Tasks;

namespace Winnow.Cli.Commands;

/// <summary><c>winnow finetune</c>: fine-tunes a base model on a training file and saves the result.</summary>
internal static class FinetuneCommand
{
    public static Option<int> LoraRank() => new("--lora-rank") { Description = "LoRA rank (0 = full fine-tuning).", DefaultValueFactory = _ => new FineTuneOptions().LoraRank };
    public static Option<double> LearningRate() => new("--lr") { Description = "Peak learning rate (linear schedule with warm-up).", DefaultValueFactory = _ => new FineTuneOptions().LearningRate };
    public static Option<int> Epochs() => new("--epochs") { Description = "Passes over the training data.", DefaultValueFactory = _ => new FineTuneOptions().Epochs };
    public static Option<int> BatchSize() => new("--batch-size") { Description = "Examples per step.", DefaultValueFactory = _ => new FineTuneOptions().BatchSize };

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = ModelNames.OptionHelp + ": the base model.", Required = true };
        var train = new Option<string[]>("--train") { Description = "Training data files/folders.", Required = true, AllowMultipleArgumentsPerToken = true };
        var out_ = new Option<string>("--out") { Description = "Folder for the fine-tuned model.", Required = true };
        var labelMap = TaskData.LabelMapOption();
        var skipInvalid = TaskData.SkipInvalidOption();
        var fields = TaskData.FieldsOption();
        var rank = LoraRank();
        var lr = LearningRate();
        var freeze = new Option<bool>("--freeze-embeddings") { Description = "Keep the word embeddings fixed (half of a small pretrained encoder's weights)." };
        var epochs = Epochs();
        var batch = BatchSize();
        var threads = CommonOptions.Threads();
        var seed = CommonOptions.Seed();

        var command = new Command("finetune", "Fine-tune a model (LoRA or full) on training data; writes a merged checkpoint and the adapter.");
        foreach (var o in new Option[] { model, train, out_, labelMap, fields, skipInvalid, rank, lr, epochs, batch, freeze, threads, seed }) command.Options.Add(o);
        command.SetAction(r => CliErrors.Guard(() =>
        {
            CommonOptions.ApplyRuntime(r, threads);
            var modelDir = ModelNames.Resolve(r.GetValue(model)!);
            var kind = TaskData.KindOf(modelDir);
            var examples = TaskData.Read(r.GetValue(train)!, kind, r.GetValue(labelMap), r.GetValue(skipInvalid), "training data", r.GetValue(fields));
            var options = new FineTuneOptions
            {
                LoraRank = r.GetValue(rank), LearningRate = r.GetValue(lr), Epochs = r.GetValue(epochs),
                BatchSize = r.GetValue(batch), Seed = r.GetValue(seed), FreezeEmbeddings = r.GetValue(freeze),
            };
            using var task = TaskModel.Load(modelDir, kind, kind == TaskKind.Ner ? TaskData.LabelsOf(examples) : null, new TaskModelOptions { Seed = options.Seed });
            var set = TaskData.Encode(task, examples, "training data");
            var result = FineTuner.Run(task, set, options, new ConsoleProgress("finetune"));
            FineTuner.Save(task, r.GetValue(out_)!, options);
            Console.WriteLine($"Fine-tuned on {result.Examples} examples, {result.Steps} steps, {result.TrainableParameters:N0} trainable parameters, {result.Elapsed.TotalSeconds:F0} s");
            Console.WriteLine($"  training loss: first epoch {result.FirstEpochLoss:F4}, last epoch {result.LastEpochLoss:F4}");
            Console.WriteLine($"  model: {Path.GetFullPath(r.GetValue(out_)!)}");
            return 0;
        }));
        return command;
    }
}
