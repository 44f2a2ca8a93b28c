using MicroMarket.Cli;

// SIGINT (Ctrl+C), SIGTERM and SIGHUP ask the command to stop after the phase under way, so a run directory is
// left consistent and marked interrupted; a second one ends the program at once (see StopSignals).
using var signals = StopSignals.Listen();
return await MicroMarketApp.RunAsync(args, signals.Token);
