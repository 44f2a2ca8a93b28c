using System.Device.Gpio;
using MicroMarket.Hardware.Fakes;
using MicroMarket.Hardware.Relays;
using Xunit;

namespace MicroMarket.Hardware.Tests;

public sealed class RelayTests
{
    private const int Pin = 17;

    [Fact]
    public void ActiveHighRelayDrivesHighForOn()
    {
        var gpio = new FakeGpioDriver();
        using var relay = new GpioRelay(Pin, activeLow: false, new GpioController(gpio));

        Assert.Equal(PinMode.Output, gpio.ModeOf(Pin));
        Assert.Equal(PinValue.Low, gpio.LevelOf(Pin));
        Assert.False(relay.IsOn);

        RelayStatus on = relay.Switch(true);
        Assert.Equal(PinValue.High, gpio.LevelOf(Pin));
        Assert.Equal(new RelayStatus(true, true), on);
        Assert.False(on.IsFault);

        RelayStatus off = relay.Switch(false);
        Assert.Equal(PinValue.Low, gpio.LevelOf(Pin));
        Assert.Equal(new RelayStatus(false, false), off);
    }

    [Fact]
    public void ActiveLowRelayDrivesLowForOnAndNeverGlitchesOnWhenClaimed()
    {
        var gpio = new FakeGpioDriver();
        using var relay = new GpioRelay(Pin, activeLow: true, new GpioController(gpio));

        // The line is claimed already high (off): no write ever put it low before Switch(true).
        Assert.Equal([new PinWrite(Pin, PinValue.High)], gpio.Writes);
        Assert.False(relay.ReadStatus().ReadBackOn);

        Assert.False(relay.Switch(true).IsFault);
        Assert.Equal(PinValue.Low, gpio.LevelOf(Pin));
        Assert.True(relay.ReadStatus().ReadBackOn);

        relay.Switch(false);
        Assert.Equal(PinValue.High, gpio.LevelOf(Pin));
    }

    [Fact]
    public void ReadBackMismatchIsReportedAsFault()
    {
        var gpio = new FakeGpioDriver();
        using var relay = new GpioRelay(Pin, activeLow: false, new GpioController(gpio));

        // A shorted driver transistor holds the line low whatever we write.
        gpio.StickPin(Pin, PinValue.Low);
        RelayStatus status = relay.Switch(true);

        Assert.True(status.IsFault);
        Assert.True(status.CommandedOn);
        Assert.False(status.ReadBackOn);
        Assert.True(relay.IsOn);

        gpio.StickPin(Pin, null);
        Assert.False(relay.ReadStatus().IsFault);
    }

    [Fact]
    public void DisposeSwitchesOffReleasesThePinAndHonoursShouldDispose()
    {
        var gpio = new FakeGpioDriver();
        var shared = new GpioController(gpio);
        var relay = new GpioRelay(Pin, activeLow: true, shared, shouldDispose: false);
        relay.Switch(true);

        relay.Dispose();

        Assert.Equal(PinValue.High, gpio.LevelOf(Pin));
        Assert.False(gpio.IsOpen(Pin));

        // The shared controller is still usable by its owner.
        shared.OpenPin(Pin + 1, PinMode.Output);
        Assert.True(gpio.IsOpen(Pin + 1));
        shared.Dispose();
        Assert.Throws<ObjectDisposedException>(() => relay.Switch(true));
    }

    [Fact]
    public void DisposingAfterTheSharedControllerDoesNotThrow()
    {
        var shared = new GpioController(new FakeGpioDriver());
        var relay = new GpioRelay(Pin, controller: shared, shouldDispose: false);
        shared.Dispose();

        relay.Dispose();
        Assert.False(relay.IsOn);
    }

    [Fact]
    public void OwnedControllerIsDisposedWithTheRelay()
    {
        var gpio = new FakeGpioDriver();
        var controller = new GpioController(gpio);
        var relay = new GpioRelay(Pin, controller: controller, shouldDispose: true);
        relay.Dispose();

        Assert.Throws<ObjectDisposedException>(() => controller.OpenPin(Pin));
    }

    [Fact]
    public void FakeDriverRaisesEdgesOnInputsAndRejectsUnopenedPins()
    {
        var gpio = new FakeGpioDriver();
        using var controller = new GpioController(gpio);
        controller.OpenPin(5, PinMode.InputPullUp);
        Assert.Equal(PinValue.High, controller.Read(5));

        var edges = new List<PinEventTypes>();
        controller.RegisterCallbackForPinValueChangedEvent(5, PinEventTypes.Falling | PinEventTypes.Rising, (_, e) => edges.Add(e.ChangeType));
        gpio.SetInputLevel(5, PinValue.Low);
        gpio.SetInputLevel(5, PinValue.High);
        Assert.Equal([PinEventTypes.Falling, PinEventTypes.Rising], edges);

        WaitForEventResult timedOut = controller.WaitForEvent(5, PinEventTypes.Falling, TimeSpan.FromMilliseconds(10));
        Assert.True(timedOut.TimedOut);

        Assert.Throws<InvalidOperationException>(() => controller.Read(6));
        Assert.Throws<ArgumentOutOfRangeException>(() => controller.OpenPin(100));
    }
}
