using Hub.Functions.Idempotency;
using Hub.Functions.Intake;
using Hub.Functions.Security;

namespace Hub.Functions.Http;

/// <summary>What every feature's functions answer alike: the idempotency key of a create, and a field that breaks a rule.</summary>
public static class ApiAnswers
{
    /// <summary>
    /// The inbox id of a command that carries an <c>Idempotency-Key</c> header, scoped to the caller so two clients'
    /// keys never meet; null without one.
    /// </summary>
    public static string? IdempotencyKey(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers[IdempotentCreates.Header] is { Count: > 0 } key ? InboxId(request.HttpContext.GetApiCaller()?.Name, key.ToString()) : null;
    }

    /// <summary>The inbox id of <paramref name="key"/> sent by <paramref name="caller"/>.</summary>
    public static string InboxId(string? caller, string key) => caller is null ? "api:" + key : $"api:{caller}:{key}";

    /// <summary>The ETag of an aggregate's version (its sequence): a quoted number.</summary>
    public static string ETag(long version) => $"\"{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"";

    /// <summary>Whether an <c>If-Match</c> value (<c>*</c>, or a comma-separated list of ETags) admits <paramref name="etag"/>.</summary>
    public static bool IfMatchAdmits(string ifMatch, string etag) =>
        ifMatch == "*" || (ifMatch ?? throw new ArgumentNullException(nameof(ifMatch))).Split(',', StringSplitOptions.TrimEntries).Contains(etag, StringComparer.Ordinal);

    /// <summary>
    /// The If-Match check of a PUT over a versioned record (a service, a site): over an existing one If-Match is
    /// required (428) and must admit its ETag (412 when stale); the version to commit against is the one read, null
    /// for <c>If-Match: *</c>, and 0 for a record that does not exist yet, so a concurrent create gets 412.
    /// </summary>
    public static (IResult? Refusal, int? Expected) IfMatch(HttpRequest request, string what, int? version, string? changedBy)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (version is not { } current)
        {
            return (null, 0);
        }

        string ifMatch = request.Headers.IfMatch.ToString();
        if (ifMatch.Length == 0)
        {
            return (TypedResults.Problem(
                statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match required",
                detail: $"{what} exists at version {current}: send its ETag {ETag(current)} in If-Match, so no one's change is overwritten unseen."), null);
        }

        return IfMatchAdmits(ifMatch, ETag(current)) ? (null, ifMatch == "*" ? null : current) : (Stale(what, current, changedBy), null);
    }

    /// <summary>The 412 of a PUT whose If-Match no longer matches the record.</summary>
    public static IResult Stale(string what, int version, string? changedBy) => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed, title: "Record changed",
        detail: $"{what} is at version {version} ({ETag(version)}){(changedBy is null ? "" : $", changed by {changedBy}")}; read it again and reapply the change.");

    /// <summary>A 422 problem naming the field and the rule it broke.</summary>
    public static IResult Invalid(string field, string rule) =>
        IntakeProblems.Invalid($"{field}: {rule}", [new IntakeProblems.FieldError(field, rule)]);
}
