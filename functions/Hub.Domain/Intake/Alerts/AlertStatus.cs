namespace Hub.Domain.Intake.Alerts;

public enum AlertStatus
{
    Firing,
    Resolved,

    /// <summary>Only PagerDuty events say this: someone is working on it.</summary>
    Acknowledged,
}
