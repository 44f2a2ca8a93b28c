using MicroMarket.Simulation.Decisions;
using MicroMarket.Hardware.Configuration;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Hardware.Metering;
using MicroMarket.Node.Deployment;

namespace MicroMarket.Node.Pi;

/// <summary>
/// A Pi's relay and meter as a unit's device. As each slot starts, the relay closes when the
/// schedule asks the unit to consume or produce and opens when it asks for nothing (load off, EV
/// charger disabled, PV export disabled); the meter is sampled and integrated per slot on the
/// market's clock; the measured energy is scaled from the bench to the modelled unit (power scale)
/// and from the slot's wall length to the market's slot. In fake mode the simulated bench load
/// draws the scheduled power, so the whole chain of measurement runs on any machine. The device
/// holds the meter's key (from its own file, apart from the trading key) and signs what it measured.
/// </summary>
public sealed class PiDevice : IUnitDevice, IDisposable
{
    private readonly NodeHardware _hardware;
    private readonly PiUnitSettings _settings;
    private readonly TimeProvider _time;
    private readonly Action<string> _log;
    private readonly EthKey _meterKey;
    private readonly Dictionary<DateTimeOffset, SlotEnergy> _closed = [];
    private SlotMeter? _meter;

    public PiDevice(NodeHardware hardware, PiUnitSettings settings, EthKey meterKey, TimeProvider time, Action<string> log)
    {
        _hardware = hardware;
        _settings = settings;
        _meterKey = meterKey;
        _time = time;
        _log = log;
    }

    public TimeSpan SampleInterval => _settings.SampleInterval;

    public string MeterAddress => _meterKey.Address;

    public SignedMeterReading SignReading(MeterReadingSigner signer, uint unit, int slot, MeasuredEnergy measured) =>
        signer.Sign(_meterKey, unit, checked((uint)slot), checked((ulong)measured.ImportWh), checked((ulong)measured.ExportWh));

    /// <summary>Relay switchings so far, with the slot each one was for (the operator's record, and the tests').</summary>
    public List<(int Slot, bool On)> Switchings { get; } = [];

    public void Follow(SlotTime slot, double plannedPowerKw)
    {
        _meter ??= new SlotMeter(_hardware.Meter, _time, new SlotEnergyIntegrator(3 * _settings.SampleInterval, slot.WallLength, slot.Start));
        // The power steps now: read the meter before anything changes and again right after, so
        // that the slot now ending keeps what flowed in it up to this instant and the new one starts
        // from the new power, instead of a ramp between two periodic readings (which counts the new
        // schedule's power into the old slot and the old one's into the new: 75 Wh in a 10-second
        // slot whose relay was open throughout, sampling each second).
        Sample();
        var on = Math.Abs(plannedPowerKw) > 1e-9;
        if (_hardware.Simulation is { } bench)
        {
            // Positive is import on the bench, export in the generator convention.
            bench.PowerWhenOnW = -plannedPowerKw * 1000 / _settings.PowerScale;
        }
        var status = _hardware.Relay.Switch(on);
        Switchings.Add((slot.Slot, on));
        _log(status.IsFault
            ? $"slot {slot.Slot}: RELAY FAULT: commanded {(on ? "on" : "off")}, reads {(status.ReadBackOn ? "on" : "off")}"
            : $"slot {slot.Slot}: schedule {plannedPowerKw:0.###} kW, relay {(on ? "on" : "off")}");
        Sample();
    }

    public void Sample()
    {
        foreach (var energy in _meter?.Sample() ?? [])
        {
            _closed[energy.SlotStart] = energy;
        }
    }

    public MeasuredEnergy Measure(SlotTime slot)
    {
        foreach (var energy in _meter?.Integrator.CloseThrough(slot.End) ?? [])
        {
            _closed[energy.SlotStart] = energy;
        }
        if (!_closed.Remove(slot.Start, out var measured))
        {
            _log($"slot {slot.Slot}: no samples, reported as 0 Wh");
            return new MeasuredEnergy(0, 0);
        }
        var scale = _settings.PowerScale * (slot.ModelLength / slot.WallLength);
        var result = new MeasuredEnergy((long)Math.Round(measured.ImportWh * scale), (long)Math.Round(measured.ExportWh * scale));
        _log($"slot {slot.Slot}: measured {result.ImportWh} Wh in, {result.ExportWh} Wh out ({measured.SampleCount} samples{(measured.IsComplete ? "" : $", {measured.GapCount} gap(s)")})");
        return result;
    }

    public void Dispose() => _hardware.Dispose();
}
