using Hub.Functions.Hosting;

namespace Hub.Functions.Http;

/// <summary>The answer to an exception out of an HTTP function (see <see cref="StorageExceptionHandler.Describe"/>).</summary>
public static class ErrorAnswers
{
    public static (int Status, IResult Answer) For(HttpContext http, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(http);
        Microsoft.AspNetCore.Mvc.ProblemDetails problem = StorageExceptionHandler.Describe(http, exception);
        int status = problem.Status!.Value;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            http.Response.Headers.RetryAfter = "30";
        }

        return (status, TypedResults.Problem(problem));
    }
}
