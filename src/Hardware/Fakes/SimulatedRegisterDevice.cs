using System.Buffers.Binary;
using System.Device.I2c;

namespace MicroMarket.Hardware.Fakes;

/// <summary>
/// An I2C device with an 8-bit register pointer and 16-bit big-endian registers, the protocol
/// of the TI INA2xx family: a write of one byte sets the pointer, a write of three bytes sets the
/// pointer and writes the register, a read returns the register at the pointer, MSB first.
/// Both a write followed by a read and a combined write-read work, as on the real chip.
/// </summary>
public abstract class SimulatedRegisterDevice : I2cDevice
{
    private readonly object _gate = new();
    private readonly I2cConnectionSettings _settings;
    private byte _pointer;

    /// <summary>Creates the device at a bus and address.</summary>
    protected SimulatedRegisterDevice(I2cConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
    }

    /// <inheritdoc />
    public override I2cConnectionSettings ConnectionSettings => _settings;

    /// <summary>Fault injection: while true every transfer fails as a missing ACK does (IOException).</summary>
    public bool Disconnected { get; set; }

    /// <summary>Transfers served so far.</summary>
    public int Transfers { get; private set; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>The register's content as a read over the bus would return it.</summary>
    public ushort Peek(byte address)
    {
        lock (_gate)
        {
            return ReadRegister(address);
        }
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            Begin();
            WriteCore(buffer);
        }
    }

    /// <inheritdoc />
    public override void Read(Span<byte> buffer)
    {
        lock (_gate)
        {
            Begin();
            ReadCore(buffer);
        }
    }

    /// <inheritdoc />
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        lock (_gate)
        {
            Begin();
            WriteCore(writeBuffer);
            ReadCore(readBuffer);
        }
    }

    /// <summary>The register's value as the chip would put it on the bus now.</summary>
    protected abstract ushort ReadRegister(byte address);

    /// <summary>A register write from the bus; read-only or unknown registers ignore it.</summary>
    protected abstract void WriteRegister(byte address, ushort value);

    /// <summary>Runs <paramref name="action"/> under the device's lock (for the simulator's own setters).</summary>
    protected void Locked(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        lock (_gate)
        {
            action();
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        base.Dispose(disposing);
    }

    private void Begin()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (Disconnected)
        {
            throw new IOException($"Error 121 performing I2C data transfer (no ACK from 0x{_settings.DeviceAddress:X2}).");
        }

        Transfers++;
    }

    private void WriteCore(ReadOnlySpan<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        _pointer = buffer[0];
        if (buffer.Length >= 3)
        {
            WriteRegister(_pointer, BinaryPrimitives.ReadUInt16BigEndian(buffer[1..3]));
        }
    }

    private void ReadCore(Span<byte> buffer)
    {
        // The chip clocks out the 16-bit register MSB first; clocking on past it is undefined,
        // here the data line stays released (reads 1).
        Span<byte> value = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(value, ReadRegister(_pointer));
        for (int k = 0; k < buffer.Length; k++)
        {
            buffer[k] = k < 2 ? value[k] : (byte)0xFF;
        }
    }
}
