using System.Globalization;

namespace Hub.Bench;

internal static class Report
{
    public static void Rate(string name, int operations, TimeSpan elapsed, string unit, string? target = null) =>
        Line(name, $"{operations / elapsed.TotalSeconds:F0} {unit}/s ({operations} in {elapsed.TotalSeconds:F2} s)", target);

    public static void Line(string name, string figure, string? target = null) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-48} {figure}{(target is null ? "" : $"   target {target}")}"));

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
