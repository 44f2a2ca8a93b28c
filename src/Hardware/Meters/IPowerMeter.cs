namespace MicroMarket.Hardware.Meters;

/// <summary>
/// A meter on the unit's connection point. Sign convention of the hardware layer, as a utility
/// meter reads (the load convention): positive power is import (the unit takes energy from the
/// feeder), negative is export. The models, the market and the run's tables use the generator
/// convention (positive = export); the Pi's device (<c>src/Node/Pi/PiDevice.cs</c>) converts at
/// the boundary, as whole Wh imported and exported per slot.
/// </summary>
public interface IPowerMeter : IDisposable
{
    /// <summary>What is being read, for logs: chip, bus and address.</summary>
    string Description { get; }

    /// <summary>Why the last <see cref="TryRead"/> failed, or null after a good read.</summary>
    string? LastFailure { get; }

    /// <summary>
    /// Reads the present power. Returns false (and sets <see cref="LastFailure"/>) when the
    /// bus fails or the chip reports a value it cannot stand behind; never returns a stale number.
    /// </summary>
    bool TryRead(out PowerReading reading);
}

/// <summary>One meter reading.</summary>
/// <param name="PowerW">Real power, positive = import, negative = export.</param>
/// <param name="VoltageV">Bus voltage (DC meters) or RMS voltage, measured or nominal (AC meter).</param>
/// <param name="CurrentA">Signed current for DC meters; RMS magnitude for the AC meter.</param>
public readonly record struct PowerReading(double PowerW, double VoltageV, double CurrentA);
