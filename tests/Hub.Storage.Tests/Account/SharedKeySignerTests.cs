using Hub.Storage.Account;

namespace Hub.Storage.Tests.Account;

// Expected strings-to-sign are written out from the documented layout
// (https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key) and the signatures were computed
// independently (Python hmac/sha256 over those strings with the Azurite well-known key); none come from the code.
public sealed class SharedKeySignerTests
{
    private const string Date = "Sat, 21 Nov 2026 12:00:00 GMT";
    private static readonly SharedKeySigner Signer = new(
        "devstoreaccount1",
        Convert.FromBase64String("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="));

    [Fact]
    public void BlobQueueStringToSign_ListContainersPathStyle_MatchesDocumentedLayout()
    {
        var headers = new Dictionary<string, string> { ["x-ms-date"] = Date, ["x-ms-version"] = "2025-01-05" };

        string toSign = SharedKeySigner.BlobQueueStringToSign(
            "GET", new Uri("http://127.0.0.1:10000/devstoreaccount1/?maxresults=10&comp=list"), headers, 0, "devstoreaccount1");

        Assert.Equal(
            "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Sat, 21 Nov 2026 12:00:00 GMT\nx-ms-version:2025-01-05\n" +
            "/devstoreaccount1/devstoreaccount1/\ncomp:list\nmaxresults:10",
            toSign);
        Assert.Equal("Hv4CaQD6Mh4xHxyi9dB4cFsbDuktRW45PXboH9km6Lw=", Signer.Sign(toSign));
    }

    [Fact]
    public void BlobQueueStringToSign_PutMessageWithBody_SignsLengthTypeAndSortedHeaders()
    {
        var headers = new Dictionary<string, string>
        {
            ["Content-Type"] = "application/xml",
            ["x-ms-version"] = "2025-01-05",
            ["X-Ms-Client-Request-Id"] = "abc",
            ["x-ms-date"] = Date,
            ["User-Agent"] = "not signed",
        };

        string toSign = SharedKeySigner.BlobQueueStringToSign(
            "post", new Uri("http://127.0.0.1:10001/devstoreaccount1/work/messages?visibilitytimeout=30&messagettl=-1"), headers, 76, "devstoreaccount1");

        Assert.Equal(
            "POST\n\n\n76\n\napplication/xml\n\n\n\n\n\n\nx-ms-client-request-id:abc\nx-ms-date:Sat, 21 Nov 2026 12:00:00 GMT\n" +
            "x-ms-version:2025-01-05\n/devstoreaccount1/devstoreaccount1/work/messages\nmessagettl:-1\nvisibilitytimeout:30",
            toSign);
        Assert.Equal("mxL0C4cyTT9cLLHVtxwFVAcevXCnrnjI/ARt6sTQOvg=", Signer.Sign(toSign));
    }

    [Fact]
    public void BlobQueueStringToSign_ConditionalRangeAndRepeatedQueryParameter_JoinsValuesSorted()
    {
        var headers = new Dictionary<string, string>
        {
            ["If-Match"] = "\"0x8D\"",
            ["Range"] = "bytes=0-99",
            ["x-ms-meta-b"] = " 2 ",
            ["x-ms-date"] = Date,
            ["x-ms-version"] = "2025-01-05",
        };

        string toSign = SharedKeySigner.BlobQueueStringToSign(
            "GET", new Uri("http://127.0.0.1:10000/devstoreaccount1/c/a%20b.txt?include=snapshots&include=metadata"), headers, null, "devstoreaccount1");

        Assert.Equal(
            "GET\n\n\n\n\n\n\n\n\"0x8D\"\n\n\nbytes=0-99\nx-ms-date:Sat, 21 Nov 2026 12:00:00 GMT\nx-ms-meta-b:2\n" +
            "x-ms-version:2025-01-05\n/devstoreaccount1/devstoreaccount1/c/a%20b.txt\ninclude:metadata,snapshots",
            toSign);
        Assert.Equal("q68m0nmKbUDU6sdX+xRc8ZO6vXnlXgkVrbNR4XMGl98=", Signer.Sign(toSign));
    }

    [Fact]
    public void TableStringToSign_PointQuery_UsesXmsDateAndIgnoresQuery()
    {
        var headers = new Dictionary<string, string> { ["Content-Type"] = "application/json", ["x-ms-date"] = Date };

        string toSign = SharedKeySigner.TableStringToSign(
            "GET", new Uri("http://127.0.0.1:10002/devstoreaccount1/mytable(PartitionKey='a',RowKey='b')?$select=x"), headers, "devstoreaccount1");

        Assert.Equal("GET\n\napplication/json\nSat, 21 Nov 2026 12:00:00 GMT\n/devstoreaccount1/devstoreaccount1/mytable(PartitionKey='a',RowKey='b')", toSign);
        Assert.Equal("BH5FnyIgfcAg+Bg7OxzMPEhfa6Tv57aM7KQb6y20TaU=", Signer.Sign(toSign));
    }

    [Fact]
    public void TableLiteStringToSign_CompParameter_KeepsOnlyComp()
    {
        var headers = new Dictionary<string, string> { ["x-ms-date"] = Date };

        string toSign = SharedKeySigner.TableLiteStringToSign(
            new Uri("http://127.0.0.1:10002/devstoreaccount1/mytable?timeout=5&comp=acl"), headers, "devstoreaccount1");

        Assert.Equal("Sat, 21 Nov 2026 12:00:00 GMT\n/devstoreaccount1/devstoreaccount1/mytable?comp=acl", toSign);
        Assert.Equal("koD+BKuR7IvPNxgZjyDjJu2POA8S2iinHcmcVUauVn4=", Signer.Sign(toSign));
    }
}
