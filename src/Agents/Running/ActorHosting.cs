using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MicroMarket.Agents.Running;

/// <summary>
/// The generic host both actor systems run in (the one-process run, a cluster node), set up with
/// Akka.Hosting: the caller starts it, waits for its own end of the run and stops it, which runs
/// the actor system's coordinated shutdown.
/// </summary>
public static class ActorHosting
{
    /// <summary>
    /// A host whose actor system <paramref name="configure"/> sets up (its actors, and on a node the cluster), logging at
    /// <paramref name="logLevel"/> and above (warnings unless the user asked for more).
    /// </summary>
    public static IHost Build(string systemName, Action<AkkaConfigurationBuilder> configure, LogLevel logLevel = LogLevel.WarningLevel) =>
        new HostBuilder()
            .ConfigureServices(services => services
                .AddSingleton<IHostLifetime, CallerLifetime>()
                .AddAkka(systemName, builder => configure(builder
                    .ConfigureLoggers(logging => ToStandardError(logging, logLevel))
                    // Akka's own hook on the runtime's shutdown would stop the actors at once on
                    // Ctrl+C or SIGTERM, before the program's stop after the phase under way.
                    .AddHocon("akka.coordinated-shutdown.run-by-clr-shutdown-hook = off", HoconAddMode.Prepend))))
            .Build();

    /// <summary>
    /// The actor log on standard error, where a command's logs go (Akka's default logger writes to standard output,
    /// which carries a command's results alone); no dead letters: a round that has moved on drops a late unit's answer
    /// by design.
    /// </summary>
    private static void ToStandardError(LoggerConfigBuilder logging, LogLevel logLevel)
    {
        logging.LogLevel = logLevel;
        logging.ClearLoggers();
        logging.AddLogger<StandardErrorLogger>();
        logging.DeadLetterOptions = new DeadLetterOptions { ShouldLog = TriStateValue.None, LogDuringShutdown = false };
    }

    /// <summary>
    /// Writes every log event the actor system publishes to standard error, one line each: level, UTC time, source,
    /// message and the cause's message, without the cause's .NET stack trace (Akka's own, for a lost connection say,
    /// which tells an operator nothing the message does not). A warning or an error the program knows to be expected
    /// (<see cref="ExpectedLogEvents"/>) is information: shown with --verbose, as why it is expected.
    /// </summary>
    private sealed class StandardErrorLogger : ReceiveActor, Akka.Dispatch.IRequiresMessageQueue<Akka.Event.ILoggerMessageQueueSemantics>
    {
        public StandardErrorLogger()
        {
            var expected = ExpectedLogEvents.Of(Context.System);
            var informs = Logging.LogLevelFor(Context.System.Settings.LogLevel) <= LogLevel.InfoLevel;
            Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
            Receive<LogEvent>(e =>
            {
                if (e.LogLevel() < LogLevel.WarningLevel || expected.Explain(e) is not { } why)
                {
                    Write(e.LogLevel(), e, $"{e.Message}{(e.Cause is { } cause ? $" ({cause.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)}: {cause.Message})" : "")}");
                }
                else if (informs)
                {
                    Write(LogLevel.InfoLevel, e, $"expected: {why}");
                }
            });
        }

        private static void Write(LogLevel level, LogEvent e, string text) => Console.Error.WriteLine(
            $"[{level.ToString().Replace("Level", "", StringComparison.Ordinal).ToUpperInvariant()}][{e.Timestamp:HH:mm:ss.fff}][{e.LogSource}] {text}");
    }

    /// <summary>
    /// The program (src/Cli) owns Ctrl+C and SIGTERM: they ask the market to stop after the phase
    /// under way. The generic host's default console lifetime would stop the host on them; this
    /// lifetime leaves the signals alone.
    /// </summary>
    private sealed class CallerLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
