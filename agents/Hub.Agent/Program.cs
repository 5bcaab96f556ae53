using Hub.Agent;

// The reference site agent (docs/agent.md): runs the configured shell commands of its services for the hub's signed steps.
WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
AgentSettings settings = AgentSettings.Load(builder.Configuration, out IReadOnlyList<string> problems);
if (problems.Count > 0)
{
    foreach (string problem in problems)
    {
        await Console.Error.WriteLineAsync("Hub.Agent: " + problem);
    }

    return 2;
}

builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<StepStore>();
builder.Services.AddSingleton<StepRunner>();
builder.Services.AddSingleton<CallbackSender>();
builder.Services.AddSingleton<StepEndpoint>();
builder.Services.AddProblemDetails();
builder.Services.AddHttpClient(nameof(CallbackSender), c => c.Timeout = TimeSpan.FromSeconds(30));

WebApplication app = builder.Build();
app.MapGet("/health", () => TypedResults.Ok(new { status = "ok", services = settings.Services.Keys.Order(StringComparer.Ordinal) }));
app.MapPost("/steps", (HttpRequest request, StepEndpoint steps, CancellationToken ct) => steps.HandleAsync(request, ct));
await app.RunAsync();
return 0;
