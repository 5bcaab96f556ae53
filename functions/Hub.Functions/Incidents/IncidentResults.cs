using System.Globalization;
using System.Text.RegularExpressions;
using Hub.Functions.Intake;

namespace Hub.Functions.Incidents;

/// <summary>
/// The incident API's answers in one place: a field that breaks a rule is a 422 naming it, a step the incident's
/// state does not allow is a 409 with the reason, no incident is a 404.
/// </summary>
internal static partial class IncidentResults
{
    /// <summary>The incident's aggregate id: its ticket number.</summary>
    public static string Id(long ticket) => ticket.ToString(CultureInfo.InvariantCulture);

    public static IResult NotFound(long ticket) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such incident", detail: $"Ticket #{ticket} has no incident.");

    /// <summary>A refusal: "field: rule" reasons are input errors (422 naming the field); the rest are state conflicts (409).</summary>
    public static IResult Refused(string reason)
    {
        Match field = FieldReason().Match(reason);
        return field.Success
            ? IntakeProblems.Invalid(reason, [new IntakeProblems.FieldError(field.Groups[1].Value, field.Groups[2].Value)])
            : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not possible now", detail: reason);
    }

    [GeneratedRegex("^([a-z][A-Za-z]*(?: and [a-z][A-Za-z]*)?): (.+)$")]
    private static partial Regex FieldReason();
}
