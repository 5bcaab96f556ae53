using Azure;

namespace Hub.Storage.Tables;

/// <summary>
/// A table entity as a property bag. Values are <see cref="string"/>, <see cref="int"/>, <see cref="long"/>,
/// <see cref="double"/>, <see cref="bool"/>, <see cref="DateTimeOffset"/>, <see cref="Guid"/> or <see cref="byte"/>[];
/// each is stored with its Edm type, so it reads back as the same CLR type. Setting a property to null removes it
/// (the service has no null values). PartitionKey, RowKey and Timestamp are system properties, readable through the
/// indexer but not settable.
/// </summary>
public sealed class TableEntity
{
    private readonly Dictionary<string, object?> _properties = new(StringComparer.Ordinal);

    public TableEntity(string partitionKey, string rowKey)
    {
        TableKeys.Validate(partitionKey, nameof(partitionKey));
        TableKeys.Validate(rowKey, nameof(rowKey));
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    internal TableEntity(string partitionKey, string rowKey, DateTimeOffset? timestamp, ETag etag)
    {
        // Keys read back from the service are taken as they are.
        PartitionKey = partitionKey;
        RowKey = rowKey;
        Timestamp = timestamp;
        ETag = etag;
    }

    public string PartitionKey { get; }

    public string RowKey { get; }

    public ETag ETag { get; set; }

    /// <summary>When the service last wrote the entity; null on an entity built in code.</summary>
    public DateTimeOffset? Timestamp { get; }

    /// <summary>The custom properties (the system properties are not in here).</summary>
    public IReadOnlyDictionary<string, object?> Properties => _properties;

    public object? this[string name]
    {
        get => name switch
        {
            "PartitionKey" => PartitionKey,
            "RowKey" => RowKey,
            "Timestamp" => Timestamp,
            _ => _properties.GetValueOrDefault(name),
        };
        set
        {
            ValidateName(name);
            if (value is null)
            {
                _properties.Remove(name);
                return;
            }

            if (value is not (string or int or long or double or bool or DateTimeOffset or Guid or byte[]))
            {
                throw new ArgumentException(
                    $"Property '{name}' has type {value.GetType().Name}; a table property must be a string, int, long, double, bool, DateTimeOffset, Guid or byte[].",
                    nameof(value));
            }

            _properties[name] = value;
        }
    }

    public string? GetString(string n) => GetReference<string>(n);

    public int? GetInt32(string n) => GetValue<int>(n);

    /// <summary>An Int32 value widens to Int64.</summary>
    public long? GetInt64(string n) => _properties.GetValueOrDefault(n) is int i ? i : GetValue<long>(n);

    /// <summary>An Int32 value widens to Double.</summary>
    public double? GetDouble(string n) => _properties.GetValueOrDefault(n) is int i ? i : GetValue<double>(n);

    public bool? GetBoolean(string n) => GetValue<bool>(n);

    public DateTimeOffset? GetDateTimeOffset(string n) => GetValue<DateTimeOffset>(n);

    public Guid? GetGuid(string n) => GetValue<Guid>(n);

    public byte[]? GetBinary(string n) => GetReference<byte[]>(n);

    internal void SetFromService(string name, object value) => _properties[name] = value;

    private T? GetValue<T>(string name)
        where T : struct => this[name] switch
        {
            null => null,
            T typed => typed,
            object other => throw WrongType(name, other, typeof(T)),
        };

    private T? GetReference<T>(string name)
        where T : class => this[name] switch
        {
            null => null,
            T typed => typed,
            object other => throw WrongType(name, other, typeof(T)),
        };

    private InvalidOperationException WrongType(string name, object value, Type wanted) =>
        new($"Property '{name}' of entity ({PartitionKey}, {RowKey}) is a {value.GetType().Name}, not a {wanted.Name}.");

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name is "PartitionKey" or "RowKey" or "Timestamp")
        {
            throw new ArgumentException($"'{name}' is a system property and cannot be set through the indexer.", nameof(name));
        }

        if (name.Contains('@', StringComparison.Ordinal) || name.StartsWith("odata.", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Property name '{name}' is reserved for OData annotations.", nameof(name));
        }

        if (name.Length > 255)
        {
            throw new ArgumentException($"Property name '{name[..20]}...' is longer than 255 characters.", nameof(name));
        }
    }
}
