using System.Reflection;

namespace Hub.Standalone.Discovery;

/// <summary>One <c>[Function]</c> method and the trigger it declares (attribute values as written, <c>%Setting%</c> unresolved).</summary>
public sealed record FunctionDefinition(string Name, MethodInfo Method, ParameterInfo TriggerParameter, Trigger Trigger)
{
    /// <summary>
    /// Whether <paramref name="parameter"/> of <see cref="Method"/> is the trigger parameter. By position: reflection may
    /// hand out distinct <see cref="ParameterInfo"/> objects for the same parameter (two threads filling its cache at
    /// once), so reference equality failed now and then when two hosts started together.
    /// </summary>
    public bool IsTrigger(ParameterInfo parameter) => parameter?.Position == TriggerParameter.Position;
}
