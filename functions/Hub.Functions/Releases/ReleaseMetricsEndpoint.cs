using System.Globalization;
using Hub.Domain.Releases;
using Hub.Functions.Intake;

namespace Hub.Functions.Releases;

/// <summary><c>GET /api/metrics/releases?month=yyyy-MM</c>: JSON by default; CSV with <c>format=csv</c> or <c>Accept: text/csv</c>.</summary>
public static class ReleaseMetricsEndpoint
{
    public static async Task<IResult> GetAsync(string? month, string? format, HttpRequest request, ReleaseMetricsStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (month is null || !DateTime.TryParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return IntakeProblems.Invalid("month: must be a month as yyyy-MM", [new IntakeProblems.FieldError("month", "must be a month as yyyy-MM")]);
        }

        ReleaseMonthReport report = ReleaseMetrics.Month(month, await store.MonthAsync(month, ct));
        bool csv = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase)
            || (format is null && request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase));
        return csv ? TypedResults.Text(ReleaseMetrics.Csv(report), "text/csv; charset=utf-8") : TypedResults.Ok(report);
    }
}
