using System.Runtime.CompilerServices;
using System.Text;

namespace Hub.Functions.Intake.Mail;

internal static class CodePages
{
    /// <summary>
    /// .NET ships only UTF-*, ASCII and Latin-1; MimeKit finds windows-125x / iso-8859-x (and decodes them instead of
    /// falling back to Latin-1) only once the code-page provider is registered. Registering as this assembly loads
    /// puts it in before anything in the hub can ask MimeKit for a charset.
    /// </summary>
#pragma warning disable CA2255 // The hub is an app, not a reusable library: there is no host whose startup it could miss.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
}
