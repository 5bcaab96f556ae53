using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace Hub.Domain.Releases;

/// <summary>A release.xml problem at a place in the document (1-based line and column; 0 when unknown).</summary>
public sealed record ReleaseXmlError(int Line, int Column, string Message)
{
    public override string ToString() => $"line {Line.ToString(CultureInfo.InvariantCulture)}, column {Column.ToString(CultureInfo.InvariantCulture)}: {Message}";
}

/// <summary>
/// Parses and validates release.xml against <c>release.xsd</c> (embedded) safely: DTDs are prohibited (so no external
/// entity and no entity expansion such as "billion laughs"), no resolver, and a size limit checked before parsing (which
/// also bounds the characters parsed: N bytes of UTF-8 are at most N characters). Pure: bytes in, metadata or errors
/// with line and column out.
/// </summary>
public static partial class ReleaseXml
{
    /// <summary>The largest release.xml accepted: 1 MiB holds thousands of packages.</summary>
    public const int MaxBytes = 1024 * 1024;

    private const int MaxErrors = 50;

    private static readonly Lazy<XmlSchemaSet> Schema = new(LoadSchema);

    /// <summary>The schema text, for documentation and the API.</summary>
    public static string SchemaText()
    {
        using Stream stream = typeof(ReleaseXml).Assembly.GetManifestResourceStream("Hub.Domain.Releases.release.xsd")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static bool IsToken(string value) => TokenPattern().IsMatch(value);

    public static (ReleaseMetadata? Metadata, IReadOnlyList<ReleaseXmlError> Errors) Parse(byte[] xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        if (xml.Length > MaxBytes)
        {
            return (null, [new ReleaseXmlError(0, 0, $"release.xml is {xml.Length.ToString(CultureInfo.InvariantCulture)} bytes; at most {MaxBytes.ToString(CultureInfo.InvariantCulture)} are accepted.")]);
        }

        var errors = new List<ReleaseXmlError>();
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = 1024,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            ValidationType = ValidationType.Schema,
            Schemas = Schema.Value,
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings | XmlSchemaValidationFlags.ProcessIdentityConstraints,
        };
        settings.ValidationEventHandler += (_, e) =>
        {
            if (errors.Count < MaxErrors)
            {
                errors.Add(new ReleaseXmlError(e.Exception.LineNumber, e.Exception.LinePosition, e.Message));
            }
        };

        XDocument document;
        using var stream = new MemoryStream(xml, writable: false);
        using var reader = XmlReader.Create(stream, settings);
        try
        {
            document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            // Through the validating reader some exceptions lose their position; the reader still knows where it stopped.
            var where = (IXmlLineInfo)reader;
            bool dtd = ex.Message.Contains("DTD", StringComparison.Ordinal);
            (int line, int column) = ex.LineNumber > 0 ? (ex.LineNumber, ex.LinePosition)
                : dtd ? PositionOf(xml, "<!DOCTYPE")
                : (where.LineNumber, where.LinePosition);
            string message = dtd ? "DTDs (and so entity declarations) are not allowed in release.xml." : Strip(ex.Message);
            errors.Add(new ReleaseXmlError(line, column, message));
            return (null, errors);
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        XElement root = document.Root!;
        var components = root.Element("SoftwareComponents")!.Elements("SoftwareComponent").Select(c => new SoftwareComponent(
            (string)c.Attribute("name")!,
            [.. c.Elements("Package").Select(p => new ReleasePackage(
                (string)p.Attribute("name")!,
                (string)p.Attribute("version")!,
                (string)p.Attribute("arch")!,
                (long)p.Attribute("size")!,
                ((string)p.Attribute("sha256")!).ToLowerInvariant(),
                (string)p.Attribute("path")!))])).ToList();
        var metadata = new ReleaseMetadata(
            root.Element("Name")!.Value,
            root.Element("Version")!.Value,
            root.Element("DistributionShortName")!.Value,
            root.Element("AssociatedMajorRelease")!.Value,
            root.Element("ReleaseType")!.Value == nameof(ReleaseType.NonIncremental) ? ReleaseType.NonIncremental : ReleaseType.Incremental,
            [.. root.Element("Targets")!.Elements("Target").Select(t => t.Value)],
            components);
        return (metadata, []);
    }

    // The DTD refusal comes without a position; the declaration is easy to find in the text.
    private static (int Line, int Column) PositionOf(byte[] xml, string token)
    {
        string text = System.Text.Encoding.UTF8.GetString(xml);
        int at = text.IndexOf(token, StringComparison.Ordinal);
        if (at < 0)
        {
            return (0, 0);
        }

        int line = 1 + text.AsSpan(0, at).Count('\n');
        int lineStart = text.LastIndexOf('\n', Math.Max(0, at - 1)) + 1;
        return (line, at - lineStart + 1);
    }

    // XmlException messages end with " Line n, position m." which the error already carries.
    private static string Strip(string message)
    {
        int at = message.LastIndexOf(" Line ", StringComparison.Ordinal);
        return at > 0 ? message[..at] : message;
    }

    private static XmlSchemaSet LoadSchema()
    {
        var set = new XmlSchemaSet { XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(SchemaText()), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        set.Add(null, reader);
        set.Compile();
        return set;
    }

    [GeneratedRegex("^[A-Za-z0-9_+-][A-Za-z0-9._+-]{0,63}$")]
    private static partial Regex TokenPattern();
}
