using System.Text;

namespace Hub.Storage.Queues;

/// <summary>
/// Message text on the wire is base64 of the UTF-8 text, which is what the Functions host's queue trigger (and the
/// Azure SDK's <c>QueueMessageEncoding.Base64</c>) expects.
/// </summary>
internal static class QueueMessageText
{
    // https://learn.microsoft.com/rest/api/storageservices/put-message: "A message can be up to 64 KiB in size."
    // The limit applies to the text as sent, i.e. after base64 encoding.
    internal const int MaxEncodedLength = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Encode(string text)
    {
        string encoded = Convert.ToBase64String(StrictUtf8.GetBytes(text));
        if (encoded.Length > MaxEncodedLength)
        {
            throw new ArgumentException(
                $"The message is {encoded.Length} characters once base64-encoded; a queue message holds at most {MaxEncodedLength}.",
                nameof(text));
        }

        return encoded;
    }

    /// <summary>
    /// Decodes base64 UTF-8; text that is not base64, or does not decode to valid UTF-8, was written as plain text by
    /// another tool and is returned as it is.
    /// </summary>
    public static string Decode(string wire)
    {
        byte[] buffer = new byte[wire.Length];
        if (!Convert.TryFromBase64String(wire, buffer, out int written))
        {
            return wire;
        }

        try
        {
            return StrictUtf8.GetString(buffer, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return wire;
        }
    }
}
