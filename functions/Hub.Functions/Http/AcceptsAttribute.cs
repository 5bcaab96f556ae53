using Microsoft.AspNetCore.Http.Metadata;

namespace Hub.Functions.Http;

/// <summary>
/// The body an HTTP function reads itself, as endpoint metadata: the OpenAPI document describes it and the router
/// answers 415 for any other content type. Unlike <see cref="Microsoft.AspNetCore.Mvc.ConsumesAttribute"/> it allows
/// <c>*/*</c>, for an upload that takes whatever type the caller sends.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class AcceptsAttribute : Attribute, IAcceptsMetadata
{
    public AcceptsAttribute(Type requestType, params string[] contentTypes)
    {
        ArgumentNullException.ThrowIfNull(contentTypes);
        RequestType = requestType;
        ContentTypes = contentTypes;
    }

    public Type? RequestType { get; }

    public IReadOnlyList<string> ContentTypes { get; }

    public bool IsOptional => false;
}
