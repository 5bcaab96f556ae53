using Hub.Functions.Durable;
using Hub.Functions.Hosting;
using Hub.Storage.Idempotency;

namespace Hub.Functions.Idempotency;

public static class IdempotencyServices
{
    /// <summary>The <c>Idempotency-Key</c> records (table &lt;DurableName&gt;idempotency) and the creates that honour them.</summary>
    public static IServiceCollection AddIdempotency(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            DurableNames names = sp.GetRequiredService<DurableNames>();
            var account = sp.GetRequiredService<StorageAccounts>().Get();
            return new IdempotencyStore(account.GetTableClient(names.IdempotencyTable), account.GetBlobContainerClient(names.SpillContainer));
        });
        services.AddSingleton<IdempotentCreates>();
        return services;
    }
}
