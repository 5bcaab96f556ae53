namespace Hub.Domain.Catalog;

// The operational parts of a service record, as the TAD's sections name them.

/// <summary>Who supports the service and how to reach them; at least an address or a phone number.</summary>
public sealed record SupportContact(string Name, string? Role = null, string? Email = null, string? Phone = null, string? Hours = null);

/// <summary>An account the service runs as or grants (TAD "users and roles"); <paramref name="Tier"/> null means every tier.</summary>
public sealed record ServiceUser(string Name, string Role, string? Tier = null, string? Description = null);

/// <summary>A database, share or feed the service reads or writes; <paramref name="Tier"/> null means every tier.</summary>
public sealed record DataSource(string Name, string Kind, string Location, string? Tier = null);

/// <summary>A job the service runs on a schedule (cron text as the TAD gives it), optionally pinned to a tier and node.</summary>
public sealed record ScheduledTask(string Name, string Schedule, string? Command = null, string? Tier = null, string? Node = null);

/// <summary>Where logs or configuration live; <paramref name="Node"/> null means on every node.</summary>
public sealed record FileLocation(string Path, string? Description = null, string? Node = null);

/// <summary>How the service is patched: the window, who does it, and notes.</summary>
public sealed record ServicePatching(string? Window = null, string? Responsible = null, string? Notes = null);
