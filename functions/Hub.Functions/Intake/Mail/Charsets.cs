using System.Text;

namespace Hub.Functions.Intake.Mail;

/// <summary>Charset names as mail uses them (windows-1252, iso-8859-1, ...) to encodings that replace bad bytes.</summary>
internal static class Charsets
{
    private static readonly Lazy<bool> Registered = new(() =>
    {
        // .NET ships only UTF-*, ASCII and Latin-1 built in; the windows-125x / iso-8859-x code pages need the provider.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return true;
    });

    /// <summary>The encoding for <paramref name="charset"/>; null when the name is unknown (the caller falls back to UTF-8).</summary>
    public static Encoding? Find(string? charset)
    {
        _ = Registered.Value;
        string name = (charset ?? string.Empty).Trim().Trim('"');
        if (name.Length == 0)
        {
            return null;
        }

        try
        {
            return Encoding.GetEncoding(name, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback);
        }
        catch (ArgumentException)
        {
            // Encoding.GetEncoding reports an unknown name this way and no other.
            return null;
        }
    }

    public static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
}
