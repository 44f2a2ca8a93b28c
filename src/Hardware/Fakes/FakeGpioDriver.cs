using System.Device.Gpio;

namespace MicroMarket.Hardware.Fakes;

/// <summary>One level written to an output line, in order.</summary>
public readonly record struct PinWrite(int Pin, PinValue Value);

/// <summary>
/// An in-memory GPIO chip: a <see cref="GpioDriver"/> with pin modes, driven output levels,
/// externally set input levels, pull resistors and edge events, so a real
/// <see cref="GpioController"/> and the drivers above it run unchanged. Test hooks: the write
/// log, the level a line really has, and <see cref="StickPin"/> to inject a stuck line.
/// </summary>
public sealed class FakeGpioDriver : GpioDriver
{
    private readonly object _gate = new();
    private readonly int _pinCount;
    private readonly Dictionary<int, Line> _lines = [];
    private readonly List<PinWrite> _writes = [];

    /// <summary>Creates a chip with <paramref name="pinCount"/> lines (the Pi 4's gpiochip0 has 58).</summary>
    public FakeGpioDriver(int pinCount = 58)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pinCount);
        _pinCount = pinCount;
    }

    /// <summary>Raised after every level written to an output line (also the initial level on open).</summary>
    public event EventHandler<PinWrite>? PinWritten;

    /// <summary>Every level written, in order.</summary>
    public IReadOnlyList<PinWrite> Writes
    {
        get
        {
            lock (_gate)
            {
                return [.. _writes];
            }
        }
    }

    /// <inheritdoc />
    protected override int PinCount => _pinCount;

    /// <summary>True while the line is claimed.</summary>
    public bool IsOpen(int pin)
    {
        lock (_gate)
        {
            return _lines.TryGetValue(pin, out Line? line) && line.Open;
        }
    }

    /// <summary>The mode last set on the line, or null if it was never opened.</summary>
    public PinMode? ModeOf(int pin)
    {
        lock (_gate)
        {
            return _lines.TryGetValue(pin, out Line? line) ? line.Mode : null;
        }
    }

    /// <summary>The level the line physically has now: stuck, driven, or from outside.</summary>
    public PinValue LevelOf(int pin)
    {
        lock (_gate)
        {
            return GetLine(pin).Level;
        }
    }

    /// <summary>Sets what an outside circuit puts on an input line; raises edge events.</summary>
    public void SetInputLevel(int pin, PinValue level)
    {
        Change(pin, line => line.External = level);
    }

    /// <summary>
    /// Fault injection: the line reads <paramref name="level"/> whatever is driven (a shorted
    /// transistor, a welded contact on a sense line); null frees it.
    /// </summary>
    public void StickPin(int pin, PinValue? level)
    {
        Change(pin, line => line.Stuck = level);
    }

    /// <inheritdoc />
    protected override void OpenPin(int pinNumber)
    {
        CheckRange(pinNumber);
        lock (_gate)
        {
            Line line = GetLine(pinNumber);
            if (line.Open)
            {
                throw new InvalidOperationException($"Pin {pinNumber} is already open.");
            }

            line.Open = true;
        }
    }

    /// <inheritdoc />
    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            GetOpenLine(pinNumber).Open = false;
        }
    }

    /// <inheritdoc />
    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        Change(pinNumber, line => OpenLine(line, pinNumber).Mode = mode);
    }

    /// <inheritdoc />
    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue)
    {
        // Mode and level change together, as libgpiod requests an output with its initial value:
        // no glitch through the other level.
        if (mode != PinMode.Output)
        {
            SetPinMode(pinNumber, mode);
            return;
        }

        Change(pinNumber, line =>
        {
            OpenLine(line, pinNumber).Mode = PinMode.Output;
            line.Driven = initialValue;
        });
        Record(pinNumber, initialValue);
    }

    /// <inheritdoc />
    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_gate)
        {
            return GetOpenLine(pinNumber).Mode;
        }
    }

    /// <inheritdoc />
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode)
    {
        return mode is PinMode.Input or PinMode.Output or PinMode.InputPullUp or PinMode.InputPullDown;
    }

    /// <inheritdoc />
    protected override PinValue Read(int pinNumber)
    {
        lock (_gate)
        {
            return GetOpenLine(pinNumber).Level;
        }
    }

    /// <inheritdoc />
    protected override void Write(int pinNumber, PinValue value)
    {
        Change(pinNumber, line =>
        {
            if (OpenLine(line, pinNumber).Mode != PinMode.Output)
            {
                throw new InvalidOperationException($"Pin {pinNumber} is not an output.");
            }

            line.Driven = value;
        });
        Record(pinNumber, value);
    }

    /// <inheritdoc />
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        using var signal = new ManualResetEventSlim();
        PinEventTypes seen = PinEventTypes.None;
        void OnEdge(object sender, PinValueChangedEventArgs args)
        {
            seen = args.ChangeType;
            signal.Set();
        }

        AddCallbackForPinValueChangedEvent(pinNumber, eventTypes, OnEdge);
        try
        {
            signal.Wait(cancellationToken);
            return new WaitForEventResult { EventTypes = seen, TimedOut = false };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
        finally
        {
            RemoveCallbackForPinValueChangedEvent(pinNumber, OnEdge);
        }
    }

    /// <inheritdoc />
    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            GetOpenLine(pinNumber).Callbacks.Add((eventTypes, callback));
        }
    }

    /// <inheritdoc />
    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            GetLine(pinNumber).Callbacks.RemoveAll(c => c.Callback == callback);
        }
    }

    private static Line OpenLine(Line line, int pin)
    {
        return line.Open ? line : throw new InvalidOperationException($"Pin {pin} is not open.");
    }

    private void CheckRange(int pin)
    {
        if (pin < 0 || pin >= _pinCount)
        {
            throw new ArgumentOutOfRangeException(nameof(pin), $"The chip has lines 0-{_pinCount - 1}.");
        }
    }

    private Line GetLine(int pin)
    {
        CheckRange(pin);
        if (!_lines.TryGetValue(pin, out Line? line))
        {
            line = new Line();
            _lines.Add(pin, line);
        }

        return line;
    }

    private Line GetOpenLine(int pin)
    {
        return OpenLine(GetLine(pin), pin);
    }

    // Applies a change under the lock, then raises edge callbacks outside it.
    private void Change(int pin, Action<Line> change)
    {
        PinEventTypes edge;
        (PinEventTypes Types, PinChangeEventHandler Callback)[] callbacks;
        lock (_gate)
        {
            Line line = GetLine(pin);
            PinValue before = line.Level;
            change(line);
            PinValue after = line.Level;
            if (before == after)
            {
                return;
            }

            edge = after == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            callbacks = [.. line.Callbacks];
        }

        var args = new PinValueChangedEventArgs(edge, pin);
        foreach ((PinEventTypes types, PinChangeEventHandler callback) in callbacks)
        {
            if ((types & edge) != 0)
            {
                callback(this, args);
            }
        }
    }

    private void Record(int pin, PinValue value)
    {
        lock (_gate)
        {
            _writes.Add(new PinWrite(pin, value));
        }

        PinWritten?.Invoke(this, new PinWrite(pin, value));
    }

    private sealed class Line
    {
        public bool Open { get; set; }

        public PinMode Mode { get; set; } = PinMode.Input;

        public PinValue Driven { get; set; } = PinValue.Low;

        public PinValue? External { get; set; }

        public PinValue? Stuck { get; set; }

        public List<(PinEventTypes Types, PinChangeEventHandler Callback)> Callbacks { get; } = [];

        public PinValue Level => Stuck ?? (Mode == PinMode.Output
            ? Driven
            : External ?? (Mode == PinMode.InputPullUp ? PinValue.High : PinValue.Low));
    }
}
