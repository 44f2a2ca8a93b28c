using MicroMarket.Grid.Model;
using MicroMarket.RunFormat;

namespace MicroMarket.Grid.Networks;

/// <summary>
/// The CIGRE TB 575 European LV benchmark as pandapower parameterises it (Data/cigre-lv, see its README):
/// a 20 kV busbar feeding residential, industrial and commercial 0.4 kV feeders through three 20/0.4 kV
/// transformers and closed breakers; 44 buses, 37 lines, 15 loads at their maximum demand.
/// <list type="bullet">
/// <item>The source is ideal (1.0 pu, 0 deg): pandapower uses its short-circuit power only for fault studies.</item>
/// <item>The data is positive sequence only. Lines get Z0 = Z1 (no mutual coupling between phases), which is
/// exact for balanced injections and only a placeholder for unbalanced ones: use the IEEE feeder for those.</item>
/// <item>Loads are balanced three-phase; pandapower's max_i_ka = 1.0 is a placeholder, so no ampacity is set.</item>
/// <item>The transformers are modelled as Dyn with the LV side lagging 30 deg (pandapower's shift_degree = 30).</item>
/// </list>
/// </summary>
public static class CigreLvNetwork
{
    public const string Name = "cigre-lv";
    private const string Folder = "cigre-lv/";

    public static Network Load()
    {
        var buses = EmbeddedData.ReadCsv(Folder + "buses.csv").Require("name", "vn_kv").Rows
            .Select(r => new Bus(r.Text("name"), r.Number("vn_kv", 0), r.OptionalNumber("plot_x"), r.OptionalNumber("plot_y")))
            .ToList();

        var lineCodes = EmbeddedData.ReadCsv(Folder + "line_types.csv").Require("name", "r_ohm_per_km", "x_ohm_per_km").Rows
            .Select(r =>
            {
                var r1 = r.Number("r_ohm_per_km", 0);
                var x1 = r.Number("x_ohm_per_km");
                return new LineCode(r.Text("name"), r1, x1, r1, x1);
            })
            .ToList();

        var lines = EmbeddedData.ReadCsv(Folder + "lines.csv").Require("name", "from_bus", "to_bus", "length_km", "std_type").Rows
            .Select(r => new Line(r.Text("name"), r.Text("from_bus"), r.Text("to_bus"), r.Number("length_km", 0) * 1000.0, r.Text("std_type")))
            .ToList();

        var transformers = EmbeddedData.ReadCsv(Folder + "transformers.csv")
            .Require("name", "hv_bus", "lv_bus", "sn_mva", "vn_hv_kv", "vn_lv_kv", "vk_percent", "vkr_percent", "shift_degree").Rows
            .Select(r =>
            {
                var vk = r.Number("vk_percent", 0);
                var vkr = r.Number("vkr_percent", 0, vk);
                return new Transformer(r.Text("name"), r.Text("hv_bus"), r.Text("lv_bus"), r.Number("sn_mva", 0) * 1000.0,
                    r.Number("vn_hv_kv", 0), r.Number("vn_lv_kv", 0), vkr, Math.Sqrt(vk * vk - vkr * vkr), r.Number("shift_degree"));
            })
            .ToList();

        var switches = EmbeddedData.ReadCsv(Folder + "switches.csv").Require("name", "bus", "element_bus", "closed").Rows
            .Select(r => new Switch(r.Text("name"), r.Text("bus"), r.Text("element_bus"), r.Flag("closed")))
            .ToList();

        var grid = EmbeddedData.ReadCsv(Folder + "ext_grid.csv").Require("bus", "vm_pu", "va_degree").Rows.Single();
        var sourceBus = grid.Text("bus");
        var sourceKv = buses.Single(b => b.Name == sourceBus).NominalVoltageKv;
        var source = new Source(sourceBus, sourceKv, grid.Number("vm_pu", 0), grid.Number("va_degree"));

        var units = EmbeddedData.ReadCsv(Folder + "loads.csv").Require("name", "bus", "p_mw", "q_mvar").Rows
            .Select(r =>
            {
                var pKw = r.Number("p_mw", 0) * 1000.0;
                var qKvar = r.Number("q_mvar", 0) * 1000.0;
                return new UnitConnection(r.Text("name"), r.Text("bus"), Phases.Abc, UnitKind.Load, pKw, pKw / Math.Sqrt(pKw * pKw + qKvar * qKvar));
            })
            .ToList();

        return new Network(Name, buses, lineCodes, lines, transformers, source, units, switches);
    }
}
