using Hub.Functions.Outbound;
using Hub.Storage.Durable;

namespace Hub.Functions.Notifications;

public static class NotificationServices
{
    /// <summary>Mail delivery: the sender chosen by Hub__Email__Sender, the ticket.notify effect, the outbox page.</summary>
    public static IServiceCollection AddMailDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        EmailOptions options = configuration.GetSection(EmailOptions.Section).Get<EmailOptions>() ?? new EmailOptions();
        string[] problems = [.. options.Validate()];
        if (problems.Length > 0)
        {
            throw new Hosting.HubStartupException("Invalid settings: " + string.Join(" ", problems));
        }

        services.AddSingleton(options);
        services.AddSingleton<BlobMailOutbox>();
        switch (options.Sender)
        {
            case "sendgrid":
                services.AddSendGridHttp(options);
                services.AddSingleton<IMailSender, SendGridSender>();
                break;
            case "smtp":
                services.AddSingleton<IMailSender, SmtpSender>();
                break;
            default:
                services.AddSingleton<IMailSender>(sp => sp.GetRequiredService<BlobMailOutbox>());
                break;
        }

        services.AddSingleton<MailDelivery>();
        services.AddSingleton<ISideEffectHandler>(sp => sp.GetRequiredService<MailDelivery>());
        return services;
    }
}
