namespace MicroMarket.Scenarios.Tests;

public sealed class ProfileCsvTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void A_day_of_clock_times_reads_with_its_step()
    {
        var rows = string.Join("\n", Enumerable.Range(0, 24).Select(h => $"{h:00}:00,{h / 10.0}"));
        var path = _scratch.Write("hourly.csv", $"# kW\ntime,value\n{rows}\n");

        var series = ProfileCsv.Read(path, "kW");

        Assert.Equal((TimeSpan.FromHours(1), 24, 2.3, "kW"), (series.Step, series.Count, series[23], series.Unit));
    }

    [Fact]
    public void Date_times_may_span_several_days()
    {
        var rows = string.Join("\n", Enumerable.Range(0, 96).Select(i => $"2026-01-0{1 + i / 48}T{i % 48 / 2:00}:{i % 2 * 30:00},1"));
        var path = _scratch.Write("two-days.csv", $"value,time\n{string.Join("\n", rows.Split('\n').Select(r => string.Join(',', r.Split(',').Reverse())))}\n");

        var series = ProfileCsv.Read(path, "m/s");

        Assert.Equal((TimeSpan.FromMinutes(30), 96), (series.Step, series.Count));
    }

    [Theory]
    [InlineData("when,kw\n00:00,1\n", "hourly.csv:1: expected a header with columns 'time' and 'value'")]
    [InlineData("time,value\n01:00,1\n02:00,1\n", "hourly.csv:2: time: the first interval must start at midnight (00:00), found '01:00'")]
    [InlineData("time,value\n00:00,1\n12:00,x\n", "hourly.csv:3: value: 'x' is not a number")]
    [InlineData("time,value\n00:00,1\n12:00,1\n18:00,1\n", "hourly.csv:4: time: '18:00' breaks the regular step of 12:00:00 (one row per interval, none missing)")]
    [InlineData("time,value\n00:00,1\n08:00,1\n16:00,1\n00:00,1\n", "hourly.csv:1: expected whole days of a step that divides a day; found 4 rows of 08:00:00")]
    [InlineData("time,value\n00:00,1\n", "hourly.csv:1: expected a header and at least two rows")]
    public void A_broken_file_names_its_line(string text, string problem)
    {
        var path = _scratch.Write("hourly.csv", text);

        var e = Assert.Throws<InvalidDataException>(() => ProfileCsv.Read(path, "kW"));

        Assert.Equal(problem, e.Message);
    }

    [Fact]
    public void The_loader_reports_a_broken_profile_at_the_reference()
    {
        Directory.CreateDirectory(Path.Combine(_scratch.Folder, "profiles"));
        _scratch.Write("profiles/house.csv", "time,value\n00:00,1\n12:00,oops\n");
        _scratch.Write("profiles/hourly.csv", "time,value\n" + string.Join("\n", Enumerable.Range(0, 24).Select(h => $"{h:00}:00,1")) + "\n");

        var errors = _scratch.Errors(Minimal.With("""
              - { id: a, kind: load, bus: B2, profile: { file: profiles/house.csv } }
              - { id: b, kind: load, bus: B2, profile: { file: profiles/hourly.csv } }

            """));

        Assert.Equal("house.csv:3: value: 'oops' is not a number", errors.At("units[0].profile.file").Message);
        Assert.Equal("the file's step (60 min) is longer than a slot (15 min)", errors.At("units[1].profile.file").Message);
    }
}
