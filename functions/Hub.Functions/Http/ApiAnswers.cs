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

    /// <summary>A 422 problem naming the field and the rule it broke.</summary>
    public static IResult Invalid(string field, string rule) =>
        IntakeProblems.Invalid($"{field}: {rule}", [new IntakeProblems.FieldError(field, rule)]);
}
