using System.Reflection;
using Hub.Functions.Http;
using Hub.Functions.Intake.Alerts;
using Hub.Functions.Intake.Mail;
using Hub.Functions.Intake.Tickets;

namespace Hub.Functions.Tests.Intake;

/// <summary>
/// Every webhook function is anonymous (it verifies its own signature or key) and behind the intake limit; the
/// overload test proves the limit on the alert hook, this holds the other hooks to the same rule.
/// </summary>
public sealed class IntakeFunctionRuleTests
{
    [Theory]
    [InlineData(typeof(AlertFunctions))]
    [InlineData(typeof(MailFunctions))]
    [InlineData(typeof(TicketSystemFunctions))]
    public void RuleFor_WebhookFunction_IsAnonymousAndIntakeLimited(Type functions)
    {
        MethodInfo receive = functions.GetMethod("ReceiveAsync")!;

        HttpFunctionGuard.Rule rule = HttpFunctionGuard.RuleFor(receive);

        Assert.Null(rule.Roles);
        Assert.True(rule.Intake);
    }
}
