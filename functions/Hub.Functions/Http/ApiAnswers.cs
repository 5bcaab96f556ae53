using Hub.Functions.Intake;

namespace Hub.Functions.Http;

/// <summary>What every feature's functions answer alike: the idempotency key of a create, and a field that breaks a rule.</summary>
public static class ApiAnswers
{
    /// <summary>The inbox id of a create that carries an <c>Idempotency-Key</c> header; null without one.</summary>
    public static string? IdempotencyKey(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers["Idempotency-Key"] is { Count: > 0 } key ? "api:" + key.ToString() : null;
    }

    /// <summary>A 422 problem naming the field and the rule it broke.</summary>
    public static IResult Invalid(string field, string rule) =>
        IntakeProblems.Invalid($"{field}: {rule}", [new IntakeProblems.FieldError(field, rule)]);
}
