namespace MicroMarket.Simulation.Running;

/// <summary>
/// What a run is expected to cost before it starts (<c>micromarket validate</c>): its market transactions and gas, and
/// its wall time as three parts: the start-up (Anvil, deployment, registration), the simulator's own time per slot, and
/// Anvil's mining. Every figure is scaled from the benchmarks in README.md ("Benchmarks"), measured with
/// <c>micromarket bench run</c>, <c>bench market</c> and <c>run -v</c> on the README's machine (2 cores, Anvil 1.7.1,
/// Release build): update them here whenever the README's are re-measured. They reproduce the README's runs of 10 to
/// 101 participants within half again (its wall times drift 10 to 20 % with the machine's load); the 551-unit
/// apartments day, measured on an older build, took twice the estimate. An order of magnitude to plan by, not a promise.
/// </summary>
/// <param name="Transactions">Market transactions, as the run's transactions table counts them.</param>
/// <param name="Gas">Their gas.</param>
/// <param name="GasPerParticipantDay">The figure the run's summary reports: <see cref="Gas"/> over participants and days.</param>
/// <param name="Startup">Starting Anvil, deploying the contracts, registering and funding the units.</param>
/// <param name="Simulator">The simulator's own time over the slots, besides mining.</param>
/// <param name="Anvil">Anvil's mining: rebuilding its state for every block, and executing the gas.</param>
public sealed record RunEstimate(long Transactions, double Gas, double GasPerParticipantDay, TimeSpan Startup, TimeSpan Simulator, TimeSpan Anvil)
{
    /// <summary>The README's per-day figures are for days of 96 slots; per-slot costs scale with a day's slots.</summary>
    private const int MeasuredSlotsPerDay = 96;

    // Transactions a day, from the IEEE prosumers day's transactions by purpose (`bench run`, 56 participants, 780 in
    // all): each participant's day-ahead submission and its intra-day corrections (505 among 56: households correct
    // only an hour worth a transaction), the operator's readings and its settlement, one transaction each a slot (a
    // transaction carries up to 150 units: beyond, a few more a slot, left out), and clearing (27 a day).
    private const double IntradayTransactionsPerParticipantDay = 505.0 / 56;
    private const int OperatorTransactionsPerSlot = 2;
    private const int ClearingTransactionsPerDay = 27;

    // Gas per participant-day: 12.44 M on the IEEE prosumers day's fresh chain (`bench run`). The storage ring makes a
    // long run's first three days fresh and every later day cheaper, by the ratio of `bench market`'s day 4 to its
    // day 1 (9.64 M to 15.11 M: the ring's saving is on storage, which every purpose writes).
    private const double FreshGasPerParticipantDay = 12.44e6;
    private const double SteadyGasPerParticipantDay = FreshGasPerParticipantDay * 9.64 / 15.11;
    private const int FreshDays = 3;

    // The rest of the quickstart's 3.0 s (`bench run`, 10 participants) once this model's simulator and Anvil parts
    // are taken out: the part of a run that does not grow with its slots, taken as fixed (no README run says how it
    // grows with the units).
    private static readonly TimeSpan StartupTime = TimeSpan.FromSeconds(1.2);

    // The simulator's own time per slot besides mining (`run -v`'s last line) grows with the participants: 35.5 ms on
    // the IEEE prosumers day (56), 60.8 ms over the year's first 12 days (101: 298 s of market phases less 228 s of
    // mining, over 1 152 slots). A line through both.
    private const double ProsumersMsPerSlot = 35.5;
    private const double YearMsPerSlot = (298.0 - 228.0) * 1000 / (12 * 96);
    private const double MsPerParticipantSlot = (YearMsPerSlot - ProsumersMsPerSlot) / (101 - 56);
    private const double MsPerSlot = ProsumersMsPerSlot - 56 * MsPerParticipantSlot;

    // Anvil 1.7.1 rebuilds its whole state trie to mine each block: 121 ms for the 90 491 storage words `bench market
    // --grown` leaves (1.3 us a word). A day of 96 slots mines 147 blocks (the year's): one a delivery slot, and 51
    // besides (two day-ahead phases, two an intra-day hour, and a batch beyond one block's 60 M gas). The state grows
    // over the storage ring's three days, to 50 411, 80 193 and 90 328 words after days 1 to 3 for 101 participants
    // (`bench market`; the Prague system contracts' bounded rings add at most 9 000 more, left out), and then holds.
    private const double SecondsPerWordAndBlock = 0.121 / 90_491;
    private const int BlocksPerDayBesidesDelivery = 147 - 96;
    private static readonly double[] WordsPerParticipantAfterDay = [0, 50_411 / 101.0, 80_193 / 101.0, 90_328 / 101.0];

    // Executing the gas: what is left of the year's first 12 days' 228 s of mining (101 participants, `run -v`) once
    // the state rebuild above is taken out, 34 s, over those days' 11.0 G gas.
    private const double GasPerSecond = 330e6;

    /// <summary>The run's wall time, start to summary.json (the report not included).</summary>
    public TimeSpan Wall => Startup + Simulator + Anvil;

    /// <summary>
    /// What running it as `micromarket run` adds, as a sweep does: the process's start and the report it draws. The
    /// quickstart took 5.4 s so (`time micromarket run scenarios/quickstart.yaml`, three runs 5.4 to 6.2 s) against
    /// `bench run`'s 3.0 s in one process.
    /// </summary>
    public static TimeSpan ProcessOverhead { get; } = TimeSpan.FromSeconds(5.4 - 3.0);

    /// <summary>The run of <paramref name="plan"/>: every unit of it trades on an account of its own.</summary>
    public static RunEstimate Of(ScenarioPlan plan) => Of(plan.Units.Count, plan.Calendar.Days, plan.Calendar.SlotsPerDay);

    /// <param name="participants">Units with a trading account: the scenario's, and the supplier when grid-connected.</param>
    public static RunEstimate Of(int participants, int days, int slotsPerDay)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(participants);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(days);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slotsPerDay);
        var slotShare = slotsPerDay / (double)MeasuredSlotsPerDay;
        var transactionsPerDay = participants * (1 + IntradayTransactionsPerParticipantDay) + OperatorTransactionsPerSlot * slotsPerDay + ClearingTransactionsPerDay;
        var blocksPerDay = slotsPerDay + BlocksPerDayBesidesDelivery;
        var (gas, mining) = (0.0, 0.0);
        for (var day = 1; day <= days; day++)
        {
            var dayGas = participants * slotShare * (day <= FreshDays ? FreshGasPerParticipantDay : SteadyGasPerParticipantDay);
            var meanWords = participants * slotShare * (WordsAfter(day - 1) + WordsAfter(day)) / 2;
            gas += dayGas;
            mining += blocksPerDay * meanWords * SecondsPerWordAndBlock + dayGas / GasPerSecond;
        }
        var simulatorMs = (double)days * slotsPerDay * (MsPerSlot + participants * MsPerParticipantSlot);
        return new RunEstimate((long)Math.Round(days * transactionsPerDay), gas, gas / participants / days,
            StartupTime, TimeSpan.FromMilliseconds(simulatorMs), TimeSpan.FromSeconds(mining));
    }

    private static double WordsAfter(int day) => WordsPerParticipantAfterDay[Math.Min(day, WordsPerParticipantAfterDay.Length - 1)];
}
