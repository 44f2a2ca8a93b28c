using System.Globalization;
using System.Numerics;

namespace MicroMarket.Market;

// The market's quantities as the contracts count them, and the one place each converts to the
// units people read (tokens, kWh). The simulator works in decimal tokens and double kWh; the chain
// in integers: prices in token micro-units per kWh, energies in whole Wh, escrow in nano-tokens,
// token transfers in micro-tokens (the token has 6 decimals), slots as uint32 indices.

/// <summary>A price on chain: token micro-units per kWh (300 000 is 0.30 tokens per kWh).</summary>
public readonly record struct Price(uint MicroPerKwh) : IComparable<Price>
{
    public const decimal MicroPerToken = 1_000_000m;

    /// <summary>Tokens per kWh, exactly.</summary>
    public decimal Tokens => MicroPerKwh / MicroPerToken;

    /// <summary>A price in tokens per kWh, rounded to the nearest micro-unit (half away from zero); prices are >= 0.</summary>
    public static Price FromTokens(decimal tokensPerKwh) =>
        tokensPerKwh < 0 ? throw new ArgumentOutOfRangeException(nameof(tokensPerKwh), tokensPerKwh, "prices are >= 0")
            : new Price(checked((uint)decimal.Round(tokensPerKwh * MicroPerToken, MidpointRounding.AwayFromZero)));

    public int CompareTo(Price other) => MicroPerKwh.CompareTo(other.MicroPerKwh);

    public override string ToString() => $"{Tokens.ToString(CultureInfo.InvariantCulture)} per kWh";
}

/// <summary>An energy as meters and orders count it: whole Wh.</summary>
public readonly record struct Energy(long Wh)
{
    public const double WhPerKwh = 1000.0;

    public double Kwh => KwhOf(Wh);

    /// <summary>Wh as kWh (for the models, which work in kWh and kW).</summary>
    public static double KwhOf(long wh) => wh / WhPerKwh;

    /// <summary>kWh as whole Wh, rounded to the nearest (half away from zero).</summary>
    public static Energy FromKwh(double kwh) => new((long)Math.Round(kwh * WhPerKwh, MidpointRounding.AwayFromZero));

    /// <summary>An exact decimal kWh (a scenario's setting) as whole Wh, rounded to the nearest.</summary>
    public static Energy FromKwh(decimal kwh) => new(checked((long)decimal.Round(kwh * (decimal)WhPerKwh, MidpointRounding.AwayFromZero)));

    /// <summary>What <paramref name="powerKw"/> held for <paramref name="duration"/> delivers, unrounded Wh.</summary>
    public static double WhOf(double powerKw, TimeSpan duration) => powerKw * duration.TotalHours * WhPerKwh;

    /// <summary>The average power that delivers <paramref name="wh"/> in <paramref name="duration"/>, kW.</summary>
    public static double AveragePowerKw(long wh, TimeSpan duration) => KwhOf(wh) / duration.TotalHours;

    public override string ToString() => $"{Wh.ToString(CultureInfo.InvariantCulture)} Wh";
}

/// <summary>An amount in the escrow's unit: nano-tokens (1 token = 10^9), so that a price in micro-units per kWh times Wh is exact.</summary>
public readonly record struct NanoTokens(BigInteger Nano)
{
    public const decimal PerToken = 1_000_000_000m;

    /// <summary>Nano-tokens per micro-token, the token contract's own unit.</summary>
    public const long PerMicro = 1000;

    public decimal Tokens => (decimal)Nano / PerToken;

    public static NanoTokens FromMicro(BigInteger micro) => new(micro * PerMicro);

    /// <summary>Tokens as whole nano-tokens, rounded to the nearest.</summary>
    public static NanoTokens FromTokens(decimal tokens) => new(new BigInteger(decimal.Round(tokens * PerToken, MidpointRounding.AwayFromZero)));

    /// <summary>The micro-tokens that cover this amount (rounded up: a deposit that backs it).</summary>
    public BigInteger MicroCovering => (Nano + PerMicro - 1) / PerMicro;

    public override string ToString() => $"{Nano.ToString(CultureInfo.InvariantCulture)} nano-tokens";
}

/// <summary>An amount the token contract moves: micro-tokens (the token has 6 decimals).</summary>
public readonly record struct MicroTokens(BigInteger Micro)
{
    public const decimal PerToken = 1_000_000m;

    public decimal Tokens => (decimal)Micro / PerToken;

    public NanoTokens Nano => NanoTokens.FromMicro(Micro);

    /// <summary>Tokens as whole micro-tokens, rounded to the nearest.</summary>
    public static MicroTokens FromTokens(decimal tokens) => new(new BigInteger(decimal.Round(tokens * PerToken, MidpointRounding.AwayFromZero)));
}

/// <summary>A 15-minute slot's index as the contract counts it (uint32 from the market's genesis).</summary>
public readonly record struct SlotIndex(uint Value) : IComparable<SlotIndex>
{
    /// <summary>The simulator's slot number (an int) as the contract's index; negative slots do not exist on chain.</summary>
    public static SlotIndex Of(int slot) => new(checked((uint)slot));

    public int Number => checked((int)Value);

    public static implicit operator SlotIndex(uint value) => new(value);

    public int CompareTo(SlotIndex other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
