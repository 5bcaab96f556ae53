using System.Globalization;
using Hub.Functions.Intake;
using Microsoft.AspNetCore.Http.HttpResults;
using static Hub.Functions.Http.ApiAnswers;

namespace Hub.Functions.Releases;

/// <summary>
/// The release API's answers, shared by its function classes: 404 for an unknown release, 409 for a workflow
/// refusal, 422 naming the field and the rule for invalid input.
/// </summary>
internal static class ReleaseAnswers
{
    public static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such release", detail: $"Release #{id.ToString(CultureInfo.InvariantCulture)} does not exist.");

    public static ProblemHttpResult Conflict(string reason) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Refused by the release workflow", detail: reason);

    /// <summary>A refusal whose reason starts with "field: rule" is invalid input (422 naming the field); any other is a workflow conflict.</summary>
    public static IResult FieldRefusal(string reason, bool conflict = false)
    {
        int colon = reason.IndexOf(": ", StringComparison.Ordinal);
        string field = colon > 0 ? reason[..colon] : "";
        return field.Length > 0 && field.All(c => char.IsLetterOrDigit(c) || c == '.')
            ? Invalid(field, reason[(colon + 2)..])
            : conflict ? Conflict(reason) : TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Refused", detail: reason);
    }
}
