using System.Runtime.InteropServices;

namespace Winnow.Cli.Commands;

/// <summary>
/// A token that Ctrl+C (SIGINT) and SIGTERM cancel instead of killing the process, for commands that can stop
/// cleanly (pre-training writes a last checkpoint). A scheduler's SIGTERM before its SIGKILL (Slurm, Kubernetes) then
/// costs nothing; a second Ctrl+C or SIGTERM still ends the process at once.
/// </summary>
internal static class CliCancellation
{
    private static readonly Lazy<CancellationTokenSource> Source = new(Register);

    // Kept alive for the process's lifetime; disposing it would unregister the handler.
    private static PosixSignalRegistration? _sigterm;

    public static CancellationToken Token => Source.Value.Token;

    private static CancellationTokenSource Register()
    {
        var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (cts.IsCancellationRequested) return; // the second Ctrl+C ends the process
            e.Cancel = true;
            Console.Error.WriteLine("winnow: stopping after the current step (Ctrl+C again to end now)…");
            cts.Cancel();
        };
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            if (cts.IsCancellationRequested) return; // the second SIGTERM ends the process
            context.Cancel = true;
            Console.Error.WriteLine("winnow: SIGTERM, stopping after the current step…");
            cts.Cancel();
        });
        return cts;
    }
}
