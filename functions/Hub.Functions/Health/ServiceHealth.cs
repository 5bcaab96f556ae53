namespace Hub.Functions.Health;

/// <summary>The answer of one storage service to the health probe.</summary>
public sealed record ServiceHealth(bool Ok, int? HttpStatus, string? Error, double ElapsedMs);
