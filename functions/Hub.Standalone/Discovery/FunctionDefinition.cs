using System.Reflection;

namespace Hub.Standalone.Discovery;

/// <summary>One <c>[Function]</c> method and the trigger it declares (attribute values as written, <c>%Setting%</c> unresolved).</summary>
public sealed record FunctionDefinition(string Name, MethodInfo Method, ParameterInfo TriggerParameter, Trigger Trigger);
