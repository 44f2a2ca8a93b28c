namespace MicroMarket.Agents.Actors;

/// <summary>
/// What the grid operator ordered a unit to do in a slot, as the contract records it: a
/// schedule-following unit's curtailed export or shed import (Wh), for which it is settled as if it
/// had delivered its schedule; a storage unit's balancing energy, which it is paid for.
/// </summary>
public static class OperatorOrders
{
    /// <summary>
    /// A producer the balance made export less than it proposed was curtailed by the difference; a
    /// consumer it made import less was shed by it. Not its shortfall to schedule beyond that, even
    /// in a slot where the island was dumping energy: that part is the unit's own forecast error,
    /// and waiving it lets a producer sell energy it does not have into the slots it expects to be
    /// curtailed (docs/market-rules.md, "Curtailment and shedding").
    /// </summary>
    /// <returns>(curtailed Wh, shed Wh), each within 0..<paramref name="ratingWh"/>.</returns>
    public static (long CurtailedWh, long ShedWh) Of(double proposedWh, double actualWh, long ratingWh)
    {
        var curtailed = proposedWh > 0 ? proposedWh - Math.Max(actualWh, 0) : 0;
        var shed = proposedWh < 0 ? Math.Min(actualWh, 0) - proposedWh : 0;
        return ((long)Math.Clamp(Math.Round(curtailed), 0, ratingWh), (long)Math.Clamp(Math.Round(shed), 0, ratingWh));
    }

    /// <summary>
    /// A storage unit the island balance moved off its proposal: the energy it supplied (actual
    /// export above its proposal) or absorbed (below it) on the operator's order, Wh within its
    /// rating. All of it was ordered: the unit proposed what it meant to do.
    /// </summary>
    /// <returns>(absorbed Wh, supplied Wh): the contract's lowered and raised net export.</returns>
    public static (long AbsorbedWh, long SuppliedWh) Balancing(double proposedWh, double actualWh, long ratingWh) =>
        ((long)Math.Clamp(Math.Round(proposedWh - actualWh), 0, ratingWh), (long)Math.Clamp(Math.Round(actualWh - proposedWh), 0, ratingWh));
}
