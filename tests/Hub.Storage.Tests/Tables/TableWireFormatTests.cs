using System.Text;
using Azure;
using Hub.Storage.Tables;

namespace Hub.Storage.Tests.Tables;

/// <summary>Request bodies checked against the shapes in the Table REST reference, written out by hand.</summary>
public sealed class TableWireFormatTests
{
    [Fact]
    public void Serialize_EveryType_WritesODataTypeAnnotations()
    {
        var entity = new TableEntity("p", "r")
        {
            ["S"] = "x",
            ["I"] = 1,
            ["L"] = 9007199254740993L,
            ["D"] = 2.0,
            ["N"] = double.NaN,
            ["B"] = true,
            ["T"] = new DateTimeOffset(2013, 8, 22, 1, 12, 6, TimeSpan.Zero).AddTicks(2_340_000),
            ["G"] = Guid.Parse("c9da6455-213d-42c9-9a79-3e9149a57833"),
            ["X"] = new byte[] { 1, 2, 3 },
        };

        string json = Encoding.UTF8.GetString(TableJson.Serialize(entity));

        Assert.Equal(
            "{\"PartitionKey\":\"p\",\"RowKey\":\"r\",\"S\":\"x\",\"I\":1," +
            "\"L@odata.type\":\"Edm.Int64\",\"L\":\"9007199254740993\"," +
            "\"D@odata.type\":\"Edm.Double\",\"D\":2," +
            "\"N@odata.type\":\"Edm.Double\",\"N\":\"NaN\"," +
            "\"B\":true," +
            "\"T@odata.type\":\"Edm.DateTime\",\"T\":\"2013-08-22T01:12:06.2340000Z\"," +
            "\"G@odata.type\":\"Edm.Guid\",\"G\":\"c9da6455-213d-42c9-9a79-3e9149a57833\"," +
            "\"X@odata.type\":\"Edm.Binary\",\"X\":\"AQID\"}",
            json);
    }

    [Fact]
    public void BuildBatch_InsertAndDelete_OneChangesetWithAbsoluteUris()
    {
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.Add, new TableEntity("Channel_17", "2")),
            new(TableTransactionActionType.Delete, new TableEntity("Channel_17", "3"), new ETag("W/\"datetime'2013-08-22T01%3A12%3A06.234Z'\"")),
        ];

        (byte[] body, string contentType) = TableBatch.Build(new Uri("https://myaccount.table.core.windows.net/"), "Blogs", actions);
        string text = Encoding.UTF8.GetString(body);
        string batch = contentType["multipart/mixed; boundary=".Length..];
        string changeset = text.Split("boundary=")[1].Split("\r\n")[0];

        Assert.StartsWith("batch_", batch, StringComparison.Ordinal);
        Assert.StartsWith("changeset_", changeset, StringComparison.Ordinal);
        Assert.Equal(
            $"--{batch}\r\n" +
            $"Content-Type: multipart/mixed; boundary={changeset}\r\n" +
            "\r\n" +
            $"--{changeset}\r\n" +
            "Content-Type: application/http\r\n" +
            "Content-Transfer-Encoding: binary\r\n" +
            "\r\n" +
            "POST https://myaccount.table.core.windows.net/Blogs HTTP/1.1\r\n" +
            "Accept: application/json;odata=minimalmetadata\r\n" +
            "DataServiceVersion: 3.0\r\n" +
            "Prefer: return-no-content\r\n" +
            "Content-Type: application/json\r\n" +
            "\r\n" +
            "{\"PartitionKey\":\"Channel_17\",\"RowKey\":\"2\"}\r\n" +
            $"--{changeset}\r\n" +
            "Content-Type: application/http\r\n" +
            "Content-Transfer-Encoding: binary\r\n" +
            "\r\n" +
            "DELETE https://myaccount.table.core.windows.net/Blogs(PartitionKey='Channel_17',RowKey='3') HTTP/1.1\r\n" +
            "Accept: application/json;odata=minimalmetadata\r\n" +
            "DataServiceVersion: 3.0\r\n" +
            "If-Match: W/\"datetime'2013-08-22T01%3A12%3A06.234Z'\"\r\n" +
            "\r\n" +
            $"--{changeset}--\r\n" +
            $"--{batch}--\r\n",
            text);
    }

    [Fact]
    public void EntityPath_KeyWithQuoteAndSpace_DoublesQuoteThenEscapes()
    {
        string path = TableKeys.EntityPath("hub", "O'Brien", "a b");

        Assert.Equal("hub(PartitionKey='O%27%27Brien',RowKey='a%20b')", path);
    }

    [Fact]
    public void ReadResponse_DocumentedErrorShape_ThrowsWithStatusCodeAndIndex()
    {
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.Add, new TableEntity("Channel_17", "1")),
            new(TableTransactionActionType.Add, new TableEntity("Channel_17", "2")),
        ];
        string body =
            "--batchresponse_e69b1c6c\r\n" +
            "Content-Type: multipart/mixed; boundary=changesetresponse_0a8e7b5a\r\n" +
            "\r\n" +
            "--changesetresponse_0a8e7b5a\r\n" +
            "Content-Type: application/http\r\n" +
            "Content-Transfer-Encoding: binary\r\n" +
            "\r\n" +
            "HTTP/1.1 409 Conflict\r\n" +
            "Content-ID: 2\r\n" +
            "Content-Type: application/json;odata=minimalmetadata;charset=utf-8\r\n" +
            "\r\n" +
            "{\"odata.error\":{\"code\":\"EntityAlreadyExists\",\"message\":{\"lang\":\"en-US\",\"value\":\"1:The specified entity already exists.\\nRequestId:1\\nTime:2013-08-22T01:12:06.2340000Z\"}}}\r\n" +
            "--changesetresponse_0a8e7b5a--\r\n" +
            "--batchresponse_e69b1c6c--\r\n";

        var ex = Assert.Throws<TableTransactionFailedException>(
            () => TableBatch.ReadResponse(202, "multipart/mixed; boundary=batchresponse_e69b1c6c", body, actions));

        Assert.Equal(409, ex.Status);
        Assert.Equal("EntityAlreadyExists", ex.ErrorCode);
        Assert.Equal(1, ex.FailedIndex);
        Assert.Contains("The specified entity already exists.", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("RequestId", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadResponse_DocumentedSuccessShape_ReturnsETagsInOrder()
    {
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.Add, new TableEntity("Channel_17", "1")),
            new(TableTransactionActionType.Delete, new TableEntity("Channel_17", "2")),
        ];
        string body =
            "--batchresponse_1\r\n" +
            "Content-Type: multipart/mixed; boundary=changesetresponse_2\r\n" +
            "\r\n" +
            "--changesetresponse_2\r\n" +
            "Content-Type: application/http\r\n" +
            "Content-Transfer-Encoding: binary\r\n" +
            "\r\n" +
            "HTTP/1.1 204 No Content\r\n" +
            "Content-ID: 1\r\n" +
            "Preference-Applied: return-no-content\r\n" +
            "ETag: W/\"datetime'2013-08-22T01%3A12%3A06.234Z'\"\r\n" +
            "\r\n" +
            "--changesetresponse_2\r\n" +
            "Content-Type: application/http\r\n" +
            "Content-Transfer-Encoding: binary\r\n" +
            "\r\n" +
            "HTTP/1.1 204 No Content\r\n" +
            "Content-ID: 2\r\n" +
            "\r\n" +
            "--changesetresponse_2--\r\n" +
            "--batchresponse_1--\r\n";

        IReadOnlyList<ETag?> etags = TableBatch.ReadResponse(202, "multipart/mixed; boundary=batchresponse_1", body, actions);

        Assert.Equal([new ETag("W/\"datetime'2013-08-22T01%3A12%3A06.234Z'\""), null], etags);
    }
}
