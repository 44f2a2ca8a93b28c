namespace MicroMarket.Hardware.Configuration;

/// <summary>The real hardware a configuration asks for is not there (no GPIO chip, I2C or SPI not enabled, libgpiod missing).</summary>
public sealed class HardwareUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HardwareUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public HardwareUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public HardwareUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
