using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using WhatsappPhone.Webhooks;

namespace WhatsappPhone.Changes;

/// <summary>A saved watch state that cannot be used; nothing was sent and nothing replaced it.</summary>
internal sealed class WatchStateException : Exception
{
    /// <summary>The file cannot be read, or is not a watch state.</summary>
    public const string Unreadable = "WaWatchStateUnreadable";
    /// <summary>The file is the state of a watch over other accounts.</summary>
    public const string OtherAccounts = "WaWatchStateOtherAccounts";
    /// <summary>Another watch is using the state.</summary>
    public const string Locked = "WaWatchStateLocked";

    public WatchStateException(string message, string errorId, Exception? inner = null) : base(message, inner) => ErrorId = errorId;

    public string ErrorId { get; }
}

/// <summary>
/// Where Watch-WaPhoneNumber keeps the last reported state of every number (-StatePath): JSON with
/// the numbers' properties as text, and nothing secret. Saved whole and atomically: written to a
/// temporary file beside it, flushed to disk, then renamed over it, so a crash leaves the old state
/// or the new one, never half of one. A watch holds a lock file beside it (the state's name with
/// .lock) while it runs, so that two watches never overwrite each other's state.
/// </summary>
internal sealed class WatchStateFile : IDisposable
{
    /// <summary>The file's name when -StatePath is a folder.</summary>
    public const string FileName = "watch-state.json";

    private const string Format = "WhatsappPhone.WatchState/1";
    private const string IdProperty = "Id";

    /// <param name="path">A full file-system path: a folder (existing, or ending with a separator) holds <see cref="FileName"/>; anything else is the file.</param>
    public WatchStateFile(string path)
    {
        var folder = Directory.Exists(path) || path.EndsWith(System.IO.Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal)
            || path.EndsWith(System.IO.Path.AltDirectorySeparatorChar.ToString(), StringComparison.Ordinal);
        Path = folder ? System.IO.Path.Combine(path, FileName) : path;
    }

    /// <summary>The state file.</summary>
    public string Path { get; }

    private FileStream? _lock;

    /// <summary>
    /// Takes the state for this watch until Dispose: a <see cref="WatchStateException"/> when another
    /// watch (another process, or this one) holds it. The lock file is left in place; the lock itself
    /// goes with the process, however it ends.
    /// </summary>
    public void Lock()
    {
        var lockPath = Path + ".lock";
        try
        {
            var folder = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            // FileShare.None is an exclusive lock between processes (flock on Linux and macOS).
            _lock = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (File.Exists(lockPath))
        {
            throw new WatchStateException(
                $"Another Watch-WaPhoneNumber is using the watch state {Path}: one watch per state, or each would overwrite what the other reported. " +
                "Wait for it to end (a scheduled -Once run that overlaps the next one: run less often), or give this watch its own -StatePath.",
                WatchStateException.Locked, ex);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            throw new WatchStateException($"The watch state {Path} cannot be used: {ex.Message}", WatchStateException.Unreadable, ex);
        }
    }

    /// <summary>Releases the lock (the watch ended).</summary>
    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }

    /// <summary>
    /// The saved watch, or null when there is no file yet. A file that cannot be read or is not a
    /// watch state, or that watches other accounts than <paramref name="accounts"/>, is a <see cref="WatchStateException"/>.
    /// </summary>
    public NumberWatch? Load(IReadOnlyCollection<string> accounts)
    {
        if (!File.Exists(Path)) return null;
        List<KeyValuePair<string, IReadOnlyList<NumberSnapshot>?>> known;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(Path));
            known = Read(document.RootElement);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is JsonException || ex is InvalidDataException)
        {
            throw new WatchStateException(
                $"The watch state {Path} cannot be read: {ex.Message} It was left as it is. Move it away to start over (the first poll is then a new baseline), or give another -StatePath.",
                WatchStateException.Unreadable, ex);
        }

        var saved = known.Select(k => k.Key).ToList();
        if (saved.Count != accounts.Count || saved.Except(accounts, StringComparer.Ordinal).Any())
        {
            throw new WatchStateException(
                $"The watch state {Path} is for the WhatsApp Business Accounts {string.Join(", ", saved)}, not {string.Join(", ", accounts)}. " +
                "Its numbers would be compared with other accounts' and reported as added and removed. Give each set of accounts its own -StatePath, or move this file away to start over.",
                WatchStateException.OtherAccounts);
        }
        return new NumberWatch(known);
    }

    /// <summary>Saves the watch's known state, replacing the file whole (see the class).</summary>
    public void Save(NumberWatch watch, DateTime savedAtUtc)
    {
        var folder = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        var temporary = System.IO.Path.Combine(folder ?? "", $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                using (var writer = new Utf8JsonWriter(stream))
                    Write(writer, watch, savedAtUtc);
                stream.Flush(flushToDisk: true);
            }
            if (File.Exists(Path)) File.Replace(temporary, Path, null);
            else File.Move(temporary, Path);
            DurableFolder.Flush(string.IsNullOrEmpty(folder) ? "." : folder!); // the new name on disk, not only its content
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private static void Write(Utf8JsonWriter writer, NumberWatch watch, DateTime savedAtUtc)
    {
        writer.WriteStartObject();
        writer.WriteString("format", Format);
        writer.WriteString("savedAt", savedAtUtc.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
        // A number is a row of values in the order of "properties": a tenth of the size of named
        // values, and as quick to read back, for a state saved after every poll.
        writer.WriteStartArray("properties");
        writer.WriteStringValue(IdProperty);
        foreach (var property in NumberSnapshot.Properties) writer.WriteStringValue(property);
        writer.WriteEndArray();
        writer.WriteStartArray("accounts");
        foreach (var pair in watch.Known)
        {
            writer.WriteStartObject();
            writer.WriteString("id", pair.Key);
            if (pair.Value == null)
            {
                // Never listed yet: its first listing will be its baseline.
                writer.WriteNull("numbers");
            }
            else
            {
                writer.WriteStartArray("numbers");
                foreach (var number in pair.Value)
                {
                    writer.WriteStartArray();
                    writer.WriteStringValue(number.Id);
                    foreach (var property in NumberSnapshot.Properties) writer.WriteStringValue(number[property]);
                    writer.WriteEndArray();
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static List<KeyValuePair<string, IReadOnlyList<NumberSnapshot>?>> Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != Format)
            throw new InvalidDataException($"It is not a watch state (its \"format\" is not \"{Format}\").");
        if (!root.TryGetProperty("properties", out var names) || names.ValueKind != JsonValueKind.Array || names.EnumerateArray().Any(n => n.ValueKind != JsonValueKind.String))
            throw new InvalidDataException("It has no \"properties\" list.");
        var properties = names.EnumerateArray().Select(n => n.GetString()!).ToArray();
        var idColumn = Array.IndexOf(properties, IdProperty);
        if (idColumn < 0) throw new InvalidDataException($"Its \"properties\" do not name {IdProperty}.");
        if (!root.TryGetProperty("accounts", out var accounts) || accounts.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException("It has no \"accounts\" list.");

        var known = new List<KeyValuePair<string, IReadOnlyList<NumberSnapshot>?>>();
        foreach (var account in accounts.EnumerateArray())
        {
            var id = account.ValueKind == JsonValueKind.Object && account.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            if (string.IsNullOrEmpty(id)) throw new InvalidDataException($"Account {known.Count + 1} has no \"id\".");
            if (!account.TryGetProperty("numbers", out var numbers) || numbers.ValueKind == JsonValueKind.Null)
            {
                known.Add(new KeyValuePair<string, IReadOnlyList<NumberSnapshot>?>(id!, null));
                continue;
            }
            if (numbers.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"The \"numbers\" of account {id} is not a list.");
            known.Add(new KeyValuePair<string, IReadOnlyList<NumberSnapshot>?>(id!, numbers.EnumerateArray().Select(n => Number(n, properties, idColumn, id!)).ToList()));
        }
        return known;
    }

    private static NumberSnapshot Number(JsonElement row, string[] properties, int idColumn, string account)
    {
        if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != properties.Length)
            throw new InvalidDataException($"A number of account {account} is not a list of {properties.Length} values, one per property.");
        string? id = null;
        var values = new Dictionary<string, string?>(properties.Length, StringComparer.OrdinalIgnoreCase);
        var column = 0;
        foreach (var value in row.EnumerateArray())
        {
            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null => null,
                _ => throw new InvalidDataException($"{properties[column]} of a number of account {account} is not text."),
            };
            if (column == idColumn) id = text;
            else values[properties[column]] = text;
            column++;
        }
        if (string.IsNullOrEmpty(id)) throw new InvalidDataException($"A number of account {account} has no {IdProperty}.");
        return new NumberSnapshot(id!, values);
    }
}
