using System.Globalization;
using Hub.Functions.Http;
using Hub.Functions.Intake;
using Microsoft.DurableTask.Client;

namespace Hub.Functions.Durable;

/// <summary>
/// The query string of <c>GET api/admin/orchestrations</c> as a Durable Task query: <c>status</c> (names, repeated or
/// comma-separated), <c>instanceIdPrefix</c>, <c>createdFrom</c>/<c>createdTo</c> (ISO 8601, UTC unless an offset is
/// given), <c>pageSize</c> (1-1000, default 100) and <c>continuation</c>. A value that does not parse is a 400 problem
/// naming the parameter.
/// </summary>
public static class OrchestrationFilter
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    // The statuses an instance can be in; the SDK's obsolete Canceled and ContinuedAsNew are never reported.
    private static readonly OrchestrationRuntimeStatus[] Statuses =
    [
        OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended,
        OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated,
    ];

    /// <summary>The status of this name (case-insensitive), null for a name that is not one.</summary>
    public static OrchestrationRuntimeStatus? StatusNamed(string name) =>
        Statuses.Where(s => string.Equals(s.ToString(), name, StringComparison.OrdinalIgnoreCase)).Select(s => (OrchestrationRuntimeStatus?)s).FirstOrDefault();

    /// <returns>The problem to answer, or null with <paramref name="query"/> set.</returns>
    public static IResult? Read(HttpRequest request, out OrchestrationQuery query)
    {
        ArgumentNullException.ThrowIfNull(request);
        query = new OrchestrationQuery();
        var statuses = new List<OrchestrationRuntimeStatus>();
        foreach (string name in request.Query["status"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (StatusNamed(name) is not { } status)
            {
                return Invalid("status", "runtime-status", $"status: '{name}' is not a runtime status; use {string.Join(", ", Statuses)}.");
            }

            statuses.Add(status);
        }

        if (Instant(request, "createdFrom", out DateTimeOffset? from) is { } badFrom)
        {
            return badFrom;
        }

        if (Instant(request, "createdTo", out DateTimeOffset? to) is { } badTo)
        {
            return badTo;
        }

        if (from > to)
        {
            return Invalid("createdFrom", "range", $"createdFrom: {from:O} is after createdTo {to:O}.");
        }

        if (request.WholeNumber("pageSize", out int? pageSize) is { } notNumber)
        {
            return notNumber;
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            return Invalid("pageSize", "range", $"pageSize: must be between 1 and {MaxPageSize}, not {pageSize}.");
        }

        query = new OrchestrationQuery
        {
            Statuses = statuses.Count == 0 ? null : statuses.Distinct().ToArray(),
            InstanceIdPrefix = request.Text("instanceIdPrefix") is { Length: > 0 } prefix ? prefix : null,
            CreatedFrom = from,
            CreatedTo = to,
            PageSize = pageSize ?? DefaultPageSize,
            ContinuationToken = request.Text("continuation") is { Length: > 0 } token ? token : null,
        };
        return null;
    }

    private static IResult? Instant(HttpRequest request, string name, out DateTimeOffset? value)
    {
        value = null;
        if (request.Text(name) is not { } text)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed))
        {
            value = parsed;
            return null;
        }

        return Invalid(name, "date-time", $"{name}: must be an ISO 8601 date and time, not '{text}'.");
    }

    /// <summary>A 400 problem naming the query parameter, shaped as <see cref="QueryValues"/> answers one.</summary>
    public static IResult Invalid(string name, string rule, string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "Invalid query parameter",
        detail: detail,
        type: "https://integration-hub/problems/invalid-query",
        extensions: new Dictionary<string, object?> { ["errors"] = new[] { new IntakeProblems.FieldError(name, rule) } });
}
