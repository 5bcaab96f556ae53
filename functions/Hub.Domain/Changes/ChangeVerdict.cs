using Hub.Domain.Durable;

namespace Hub.Domain.Changes;

/// <summary>What <see cref="ChangeDecider.Evaluate"/> decided: a decision, or a typed refusal naming its rule and field.</summary>
public readonly record struct ChangeVerdict(Decision<ChangeEvent>? Decision, ChangeRefusal? Refusal)
{
    public bool IsOk => Refusal is null;

    public static ChangeVerdict Accept(Decision<ChangeEvent> decision) => new(decision, null);

    public static ChangeVerdict Refuse(ChangeRule rule, string field, string message) => new(null, new ChangeRefusal(rule, field, message));

    /// <summary>The <see cref="IDecider{TState,TCommand,TEvent}"/> shape: the refusal's message as the reason.</summary>
    public Result<Decision<ChangeEvent>> ToResult() =>
        Refusal is { } refusal ? Result<Decision<ChangeEvent>>.Rejected(refusal.Message) : Result<Decision<ChangeEvent>>.Ok(Decision!);
}
