namespace Hub.Functions.Admin;

/// <summary>Body of <c>POST /admin/functions/{name}</c>, as for the Functions host: the trigger input as a string.</summary>
public sealed record AdminInvokeRequest(string? Input);
