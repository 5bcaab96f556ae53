using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Domain.Intake.Alerts;
using Hub.Domain.Intake.Mail;
using Hub.Domain.Intake.Tickets;
using Hub.Functions.Durable;
using Hub.Functions.Hosting;
using Hub.Functions.Intake.Alerts;
using Hub.Functions.Intake.Deliveries;
using Hub.Functions.Intake.Mail;
using Hub.Functions.Intake.Tickets;
using Hub.Storage.Blobs;
using Hub.Storage.Durable;

namespace Hub.Functions.Intake;

public static class IntakeServices
{
    public static IServiceCollection AddIntake(this IServiceCollection services)
    {
        services.AddSingleton<DeliveryRecords>();
        services.AddSingleton<DeliveryOutcomes>();
        services.AddSingleton<IDeliveryObserver>(sp => sp.GetRequiredService<DeliveryOutcomes>());
        services.AddAggregate<AlertTrackerState, AlertTrackerCommand, AlertTrackerEvent, AlertTrackerDecider>();
        services.AddSingleton<AlertDeliveryLog>();
        services.AddSingleton<AlertDeliveryHandler>();
        services.AddSingleton<IAggregateHandler>(sp => sp.GetRequiredService<AlertDeliveryHandler>());
        services.AddAggregate<MailThreadState, MailThreadCommand, MailThreadEvent, MailThreadDecider>();
        services.AddAggregate<MailMonitorState, MailMonitorCommand, MailMonitorEvent, MailMonitorDecider>();
        services.AddSingleton(sp => new MailAttachmentStore(
            sp.GetRequiredService<StorageAccounts>().Get().GetBlobContainerClient(sp.GetRequiredService<DurableNames>().AttachmentsContainer)));
        services.AddSingleton<MailDeliveryHandler>();
        services.AddSingleton<IAggregateHandler>(sp => sp.GetRequiredService<MailDeliveryHandler>());
        services.AddAggregate<ExternalTicketState, ExternalTicketCommand, ExternalTicketEvent, ExternalTicketDecider>();
        services.AddSingleton<TicketHookHandler>();
        return services;
    }
}
