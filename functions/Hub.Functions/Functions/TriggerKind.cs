namespace Hub.Functions.Functions;

/// <summary>The trigger types the hub understands in function.json.</summary>
public enum TriggerKind
{
    Http,
    Queue,
    Timer,
}
