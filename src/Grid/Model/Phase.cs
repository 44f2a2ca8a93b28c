namespace MicroMarket.Grid.Model;

/// <summary>One conductor of a three-phase, four-wire LV system (the neutral is implicit, see <see cref="LineCode"/>).</summary>
public enum Phase
{
    A = 0,
    B = 1,
    C = 2,
}

/// <summary>The phases a unit is connected to: one phase to neutral, or all three (balanced).</summary>
[Flags]
public enum Phases
{
    None = 0,
    A = 1,
    B = 2,
    C = 4,
    Abc = A | B | C,
}

/// <summary>Conversions between <see cref="Phase"/>, <see cref="Phases"/> and their file spellings.</summary>
public static class PhaseExtensions
{
    /// <summary>Number of phases a connection uses (1 or 3 for a valid connection).</summary>
    public static int Count(this Phases phases) => System.Numerics.BitOperations.PopCount((uint)phases);

    /// <summary>True when <paramref name="phase"/> belongs to the set.</summary>
    public static bool Contains(this Phases phases, Phase phase) => (phases & (Phases)(1 << (int)phase)) != 0;

    /// <summary>
    /// Parses "A", "B", "C", "1".."3" (OpenDSS node numbers) or "ABC"/"3ph". Single-phase units connect
    /// phase to neutral; a three-phase unit is balanced, a third of its power per phase.
    /// </summary>
    public static bool TryParse(string text, out Phases phases)
    {
        phases = text.Trim().ToUpperInvariant() switch
        {
            "A" or "1" => Phases.A,
            "B" or "2" => Phases.B,
            "C" or "3" => Phases.C,
            "ABC" or "3PH" => Phases.Abc,
            _ => Phases.None,
        };
        return phases != Phases.None;
    }

    /// <summary>The phase letter, as results and the CLI print it.</summary>
    public static string Letter(this Phase phase) => phase switch
    {
        Phase.A => "A",
        Phase.B => "B",
        _ => "C",
    };
}
