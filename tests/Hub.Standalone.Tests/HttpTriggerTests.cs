using System.Net;
using Hub.Standalone.TestFunctions;

namespace Hub.Standalone.Tests;

public sealed class HttpTriggerTests
{
    [Fact]
    public async Task Get_RouteAndQuery_BindsIdAndAnswersFromActionResult()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var probe = new Probe();
        await using TestHost host = await TestHost.StartAsync(probe, TestHost.Settings(azurite));
        using var http = new HttpClient { BaseAddress = host.Address };

        HttpResponseMessage response = await http.GetAsync(new Uri("/api/items/42?q=blue", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"id":42,"name":"blue"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(["get 42 cancellable=True"], probe.Of("http"));
    }

    [Fact]
    public async Task Rename_DeclaredMethodsOnly_BindsBothRouteValuesAndAnswersFromIResult()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var probe = new Probe();
        await using TestHost host = await TestHost.StartAsync(probe, TestHost.Settings(azurite));
        using var http = new HttpClient { BaseAddress = host.Address };

        HttpResponseMessage put = await http.PutAsync(new Uri("/api/items/7/names/lamp", UriKind.Relative), null);
        HttpResponseMessage post = await http.PostAsync(new Uri("/api/items/7/names/lamp", UriKind.Relative), null);
        HttpResponseMessage notAnInt = await http.GetAsync(new Uri("/api/items/seven", UriKind.Relative));
        HttpResponseMessage noPrefix = await http.GetAsync(new Uri("/items/7", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("/api/items/7", put.Headers.Location?.OriginalString);
        Assert.Equal("""{"id":7,"name":"lamp"}""", await put.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notAnInt.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noPrefix.StatusCode);
        Assert.Equal(["PUT 7 lamp"], probe.Of("http"));
    }
}
