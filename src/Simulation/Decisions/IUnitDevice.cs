using MicroMarket.Market;
using MicroMarket.Market.Contracts;

namespace MicroMarket.Simulation.Decisions;

/// <summary>What a unit's own meter measured in a slot, Wh each way, in the modelled unit's terms.</summary>
public readonly record struct MeasuredEnergy(long ImportWh, long ExportWh)
{
    /// <summary>The slot's average power, kW in the generator convention (positive exports).</summary>
    public double AveragePowerKw(TimeSpan slot) => Energy.AveragePowerKw(ExportWh - ImportWh, slot);
}

/// <summary>
/// A slot on the market's clock: when it starts and how long it lasts on the wall, and how long it
/// stands for in the model (a demonstration may run a 15-minute slot in a few seconds).
/// </summary>
public sealed record SlotTime(int Slot, DateTimeOffset Start, TimeSpan WallLength, TimeSpan ModelLength)
{
    public DateTimeOffset End => Start + WallLength;
}

/// <summary>
/// The physical side of a unit that has one (a Raspberry Pi with a relay and a meter): it is told
/// what the schedule asks for in each slot as the slot starts, and it says what really flowed. A
/// unit with a device reports what its meter measured instead of what the model computed.
/// </summary>
public interface IUnitDevice
{
    /// <summary>How often the unit samples its meter (and checks whether a new slot has started).</summary>
    TimeSpan SampleInterval { get; }

    /// <summary>
    /// A new slot has started: switch to follow <paramref name="plannedPowerKw"/> (generator
    /// convention), reading the meter just before and just after the switch.
    /// </summary>
    void Follow(SlotTime slot, double plannedPowerKw);

    /// <summary>Takes one meter reading.</summary>
    void Sample();

    /// <summary>Closes the slot and returns what the meter measured in it, scaled to the model's slot.</summary>
    MeasuredEnergy Measure(SlotTime slot);

    /// <summary>The address of the meter's own key (kept apart from the unit's trading key).</summary>
    string MeterAddress { get; }

    /// <summary>The meter signs what it measured in a slot, for anyone to relay.</summary>
    SignedMeterReading SignReading(MeterReadingSigner signer, uint unit, int slot, MeasuredEnergy measured);
}
