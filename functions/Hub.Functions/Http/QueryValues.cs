using System.Globalization;
using Hub.Functions.Intake;

namespace Hub.Functions.Http;

/// <summary>Query-string parameters for HTTP functions: a value that does not parse is a 400 problem naming it, never a 500.</summary>
public static class QueryValues
{
    /// <summary>The parameter's first value; an empty one is none, as an HTML form sends its empty fields.</summary>
    public static string? Text(this HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Query.TryGetValue(name, out Microsoft.Extensions.Primitives.StringValues values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
    }

    /// <summary>
    /// A list's <c>continuation</c>: the number of the last item of the page before (the lists run in number order),
    /// null when absent; a problem when it is not a whole number from 1 up.
    /// </summary>
    public static IResult? Continuation(this HttpRequest request, out long? after)
    {
        ArgumentNullException.ThrowIfNull(request);
        after = null;
        if (request.Text("continuation") is not { } text)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) && parsed > 0)
        {
            after = parsed;
            return null;
        }

        return Invalid("continuation", "integer", $"continuation: must be the continuation of the page before (a number), not '{text}'.");
    }

    /// <summary>The whole number in <paramref name="name"/>, null when absent; a problem when it is not one.</summary>
    public static IResult? WholeNumber(this HttpRequest request, string name, out int? value)
    {
        value = null;
        if (request.Text(name) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int parsed))
        {
            value = parsed;
            return null;
        }

        return Invalid(name, "integer", $"{name}: must be a whole number, not '{text}'.");
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Invalid(string name, string rule, string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "Invalid query parameter",
        detail: detail,
        type: "https://integration-hub/problems/invalid-query",
        extensions: new Dictionary<string, object?> { ["errors"] = new[] { new IntakeProblems.FieldError(name, rule) } });
}
