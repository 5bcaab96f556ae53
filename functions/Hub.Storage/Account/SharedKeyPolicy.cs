using Azure.Core;
using Azure.Core.Pipeline;

namespace Hub.Storage.Account;

/// <summary>
/// Signs every try (a retry gets a fresh x-ms-date and signature), as the Azure SDK's shared-key policy does.
/// </summary>
internal sealed class SharedKeyPolicy(SharedKeySigner signer, StorageService service, bool tableLite = false) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        Request request = message.Request;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (HttpHeader header in request.Headers)
        {
            headers[header.Name] = header.Value;
        }

        long? length = request.Content is not null && request.Content.TryComputeLength(out long l) ? l : null;
        Uri uri = request.Uri.ToUri();
        string scheme = "SharedKey";
        string stringToSign;
        switch (service)
        {
            case StorageService.Table when tableLite:
                scheme = "SharedKeyLite";
                stringToSign = SharedKeySigner.TableLiteStringToSign(uri, headers, signer.AccountName);
                break;
            case StorageService.Table:
                stringToSign = SharedKeySigner.TableStringToSign(request.Method.Method, uri, headers, signer.AccountName);
                break;
            default:
                stringToSign = SharedKeySigner.BlobQueueStringToSign(request.Method.Method, uri, headers, length, signer.AccountName);
                break;
        }

        request.Headers.SetValue("Authorization", $"{scheme} {signer.AccountName}:{signer.Sign(stringToSign)}");
    }
}
