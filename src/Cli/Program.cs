using System.Runtime.InteropServices;
using MicroMarket.Cli;

// Ctrl+C (or a service manager's SIGTERM) asks the command to stop after the phase under way, so a
// run directory is left consistent and marked incomplete; a second Ctrl+C ends the process.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = !stop.IsCancellationRequested;
    StopRequested();
};
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    StopRequested();
});
return await MicroMarketApp.RunAsync(args, stop.Token);

void StopRequested()
{
    if (!stop.IsCancellationRequested)
    {
        Console.Error.WriteLine("micromarket: stopping after the phase under way (Ctrl+C again to end at once)");
        stop.Cancel();
    }
}
