using System.Text.Json;

namespace Hub.Functions.Intake;

/// <summary>RFC 9457 problems for the intake routes; validation problems list every field and the rule it broke.</summary>
public static class IntakeProblems
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record FieldError(string Field, string Rule);

    public static IResult Invalid(string detail, IEnumerable<FieldError> errors) => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "Invalid payload",
        detail: detail,
        type: "https://integration-hub/problems/invalid-payload",
        extensions: new Dictionary<string, object?> { ["errors"] = errors.ToList() });

    public static IResult UnknownRoute(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown webhook", detail: detail);
}
