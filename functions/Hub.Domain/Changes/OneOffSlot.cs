namespace Hub.Domain.Changes;

/// <summary>A release slot negotiated once (an emergency, a migration weekend), given as instants.</summary>
public sealed record OneOffSlot(DateTimeOffset Start, DateTimeOffset End, string? Name = null);
