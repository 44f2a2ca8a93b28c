using System.Device.Gpio;

namespace MicroMarket.Hardware.Relays;

/// <summary>
/// A relay module driven from one GPIO line through System.Device.Gpio. Many cheap modules
/// are active-low (an opto-coupler to 3.3 V pulls in when the pin goes low): pass
/// <c>activeLow: true</c> and "on" drives the line low.
/// </summary>
/// <remarks>
/// The pin is claimed already at the "off" level, so an active-low module does not click on
/// while the program starts, and <see cref="Dispose"/> switches off before releasing the line:
/// a node that stops controlling its unit leaves it de-energised.
/// </remarks>
public sealed class GpioRelay : IRelay
{
    private readonly GpioController _controller;
    private readonly bool _shouldDispose;
    private readonly PinValue _onLevel;
    private readonly PinValue _offLevel;
    private bool _disposed;

    /// <summary>Claims <paramref name="pin"/> as an output, relay off.</summary>
    /// <param name="pin">The line number on the controller's chip (BCM numbering on a Pi).</param>
    /// <param name="activeLow">True when the module energises on a low level.</param>
    /// <param name="controller">The controller to use; null creates one for the board.</param>
    /// <param name="shouldDispose">True to dispose <paramref name="controller"/> with the relay; pass false for a shared controller. A controller this relay created is always disposed.</param>
    public GpioRelay(int pin, bool activeLow = false, GpioController? controller = null, bool shouldDispose = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pin);
        Pin = pin;
        ActiveLow = activeLow;
        _onLevel = activeLow ? PinValue.Low : PinValue.High;
        _offLevel = activeLow ? PinValue.High : PinValue.Low;
        _shouldDispose = controller is null || shouldDispose;
        _controller = controller ?? new GpioController();
        _controller.OpenPin(pin, PinMode.Output, _offLevel);
    }

    /// <summary>The GPIO line.</summary>
    public int Pin { get; }

    /// <summary>True when "on" is a low level.</summary>
    public bool ActiveLow { get; }

    /// <inheritdoc />
    public bool IsOn { get; private set; }

    /// <inheritdoc />
    public RelayStatus Switch(bool on)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _controller.Write(Pin, on ? _onLevel : _offLevel);
        IsOn = on;
        return ReadStatus();
    }

    /// <inheritdoc />
    public RelayStatus ReadStatus()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new RelayStatus(IsOn, _controller.Read(Pin) == _onLevel);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        IsOn = false;
        try
        {
            _controller.Write(Pin, _offLevel);
            _controller.ClosePin(Pin);
        }
        catch (ObjectDisposedException)
        {
            // A shared controller disposed first has already released the line.
        }

        if (_shouldDispose)
        {
            _controller.Dispose();
        }
    }
}
