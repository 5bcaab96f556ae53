using System.Globalization;
using Hub.Domain.Configuration;
using Hub.Domain.Tickets;
using Hub.Functions.Intake;
using Hub.Functions.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hub.Functions.Tickets;

/// <summary>What the ticket and attachment functions share: the aggregate id, the acting role and the problems they answer.</summary>
internal static class TicketAnswers
{
    public static string Id(long number) => number.ToString(CultureInfo.InvariantCulture);

    /// <summary>The actor a caller acts as: <paramref name="wanted"/> when the caller has it, else its strongest role.</summary>
    public static Actor ActorFor(ApiCaller caller, Role? wanted = null)
    {
        if (wanted is { } role && caller.Roles.Contains(role))
        {
            return new Actor(caller.Name, role);
        }

        // Pipeline is a side role (the change gate): never the strongest a ticket actor acts with.
        Role strongest = caller.Roles.Contains(Role.AppAdmin) ? Role.AppAdmin : caller.Roles.Where(r => r != Role.Pipeline).DefaultIfEmpty(Role.Pipeline).Max();
        return new Actor(caller.Name, strongest);
    }

    public static ProblemHttpResult NotFound(long number) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such ticket", detail: $"Ticket #{number} does not exist.");

    public static ProblemHttpResult Refused(string reason) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Refused", detail: reason);
}
