using Hub.Storage.Durable;

namespace Hub.Functions.Durable;

/// <summary>One page of poisoned work messages; <see cref="Continuation"/> fetches the next.</summary>
public sealed record PoisonList(IReadOnlyList<PoisonMessage> Items, string? Continuation);
