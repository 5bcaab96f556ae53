using System.Text.Json.Serialization;
using Hub.Domain.Configuration;

namespace Hub.Domain.Tickets;

/// <summary>Who issues a ticket command: a person or system name and the API role it acts with.</summary>
public sealed record Actor(string Name, [property: JsonConverter(typeof(JsonStringEnumConverter<Role>))] Role Role)
{
    /// <summary>The hub itself (auto-resolve on alert resolution): AppAdmin, so any lifecycle transition is allowed.</summary>
    public static Actor System { get; } = new("system", Role.AppAdmin);
}
