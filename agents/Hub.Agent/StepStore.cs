using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Domain.Security;
using Hub.Domain.Sites;

namespace Hub.Agent;

/// <summary>
/// What the agent remembers across restarts, in its state directory: one file per step id (the request and, once
/// the command ended, its result), written whole to a temporary file and renamed over the old one, so a crash
/// leaves the old record or the new, never half of one; and one empty file per webhook id seen in the last
/// <see cref="StandardWebhooks.Tolerance"/> times two, created exclusively, so a replay is refused even across a
/// restart and even when two copies arrive at once.
/// </summary>
public sealed class StepStore
{
    private readonly string _steps;
    private readonly string _seen;
    private readonly TimeProvider _clock;
    private long _lastSweep;

    public StepStore(AgentSettings settings, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _clock = clock;
        _steps = Directory.CreateDirectory(Path.Combine(settings.StateDirectory, "steps")).FullName;
        _seen = Directory.CreateDirectory(Path.Combine(settings.StateDirectory, "seen")).FullName;
    }

    /// <summary>False when <paramref name="webhookId"/> was seen before (a replay).</summary>
    public bool TryClaim(string webhookId)
    {
        Sweep();
        try
        {
            using (new FileStream(Path.Combine(_seen, Name(webhookId)), FileMode.CreateNew, FileAccess.Write))
            {
            }

            return true;
        }
        catch (IOException) when (File.Exists(Path.Combine(_seen, Name(webhookId))))
        {
            return false;
        }
    }

    public StepRecord? Read(string stepId)
    {
        string path = Path.Combine(_steps, Name(stepId) + ".json");
        return File.Exists(path) ? JsonSerializer.Deserialize<StepRecord>(File.ReadAllBytes(path), AgentProtocol.Json) : null;
    }

    public void Write(StepRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        string path = Path.Combine(_steps, Name(record.Request.StepId) + ".json");
        string temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
        {
            JsonSerializer.Serialize(file, record, AgentProtocol.Json);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    // Ids older than twice the tolerance can no longer pass the timestamp check: their files may go.
    private void Sweep()
    {
        long now = _clock.GetUtcNow().ToUnixTimeSeconds();
        if (now - Interlocked.Read(ref _lastSweep) < 60)
        {
            return;
        }

        Interlocked.Exchange(ref _lastSweep, now);
        DateTime before = _clock.GetUtcNow().UtcDateTime - (2 * StandardWebhooks.Tolerance);
        foreach (FileInfo file in new DirectoryInfo(_seen).EnumerateFiles().Where(f => f.CreationTimeUtc < before))
        {
            file.Delete();
        }
    }

    // Ids come from the network: the file name is their hash, never the id itself.
    private static string Name(string id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
}

/// <summary>A step as the agent recorded it.</summary>
/// <param name="Process">The agent process that ran it (a new id per start): a record left running by another one was cut off by a restart.</param>
/// <param name="Result">Null while the command runs.</param>
public sealed record StepRecord(AgentStepRequest Request, string Process, AgentStepResult? Result);
