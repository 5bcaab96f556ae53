using System.Globalization;
using Hub.Domain.Configuration;
using Hub.Domain.Releases;
using Hub.Functions.Http;
using Hub.Functions.Intake;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using static Hub.Functions.Http.ApiAnswers;

namespace Hub.Functions.Releases;

/// <summary><c>GET /api/metrics/releases?month=yyyy-MM</c>: JSON by default; CSV with <c>format=csv</c> or <c>Accept: text/csv</c>.</summary>
public sealed class ReleaseMetricsFunctions(ReleaseMetricsStore store)
{
    [Function("ReleaseMetrics_Get")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Releases")]
    [EndpointSummary("Monthly release metrics (M.REPO-1..3, M.SA1.3-1..7, time in state) as JSON or CSV")]
    [ProducesResponseType<ReleaseMonthReport>(StatusCodes.Status200OK)]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/metrics/releases")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? month = request.Text("month");
        string? format = request.Text("format");
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
