using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Threading;

namespace WhatsappPhone.Webhooks;

/// <summary>One signed notification kept in the spool: its place in arrival order and the signature Meta sent with it.</summary>
internal sealed class SpoolEntry
{
    public SpoolEntry(long sequence, string signatureHex, string folder)
    {
        Sequence = sequence;
        SignatureHex = signatureHex;
        Name = sequence.ToString("D12", CultureInfo.InvariantCulture) + "-" + signatureHex + ".json";
        Path = System.IO.Path.Combine(folder, Name);
    }

    public long Sequence { get; }
    /// <summary>The 64 hex digits of X-Hub-Signature-256: a file that no longer matches it is not what Meta sent.</summary>
    public string SignatureHex { get; }
    public string Name { get; }
    public string Path { get; }
}

/// <summary>
/// A folder that holds each signed notification, as Meta sent it, from the moment before it is
/// acknowledged until its events went through the pipeline. A file's name keeps arrival order (a
/// sequence number) and the body's signature (so a partial or altered file is recognised); its
/// content is the body and nothing else, no secret. The folder and its files are the owner's only
/// (on Windows, the folder's inherited ACL applies). A lock file keeps a second listener out.
/// </summary>
internal sealed class WebhookSpool : IDisposable
{
    /// <summary>Where a file that cannot be used is moved: never deleted, so it can be looked at.</summary>
    public const string RejectedFolder = "rejected";
    private const string LockName = "spool.lock";
    private const string SeenName = "seen-ids.txt";
    private const string Partial = ".partial";
    private static readonly Regex EntryName = new Regex(@"^(\d{12})-([0-9a-f]{64})\.json$", RegexOptions.CultureInvariant);

    private readonly FileStream _lock;
    private readonly object _flushGate = new object();
    private long _lastSequence;
    private long _renamed;
    private long _flushed;

    /// <summary>Opens (or creates) the spool folder and takes its lock; a WaWebhookException when another listener holds it or the folder cannot be used.</summary>
    public WebhookSpool(string folder)
    {
        Folder = System.IO.Path.GetFullPath(folder);
        try
        {
            Directory.CreateDirectory(Folder);
            OwnerOnlyApplied = OwnerOnly.Protect(Folder, directory: true);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
        {
            throw new WaWebhookException(WaWebhookException.SpoolUnusable, $"The spool folder {Folder} cannot be created or used: {ex.Message}", ex);
        }
        try
        {
            // FileShare.None is an exclusive lock between processes (flock on Linux and macOS), released when the process ends, however it ends.
            _lock = new FileStream(System.IO.Path.Combine(Folder, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new WaWebhookException(WaWebhookException.SpoolLocked,
                $"Another Receive-WaWebhook (or Watch-WaPhoneNumber) is using the spool folder {Folder}: one listener per folder. Stop it, or give another -SpoolPath.", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new WaWebhookException(WaWebhookException.SpoolUnusable, $"The spool folder {Folder} cannot be used: {ex.Message}", ex);
        }
        Seen = new SeenIds(System.IO.Path.Combine(Folder, SeenName));
    }

    public string Folder { get; }

    /// <summary>The event IDs written recently, kept in the folder so a restart still knows them.</summary>
    public SeenIds Seen { get; }

    /// <summary>Whether the folder could be made the owner's only (false on a file system without permissions).</summary>
    public bool OwnerOnlyApplied { get; }

    /// <summary>
    /// What an earlier listener acknowledged and did not write, in arrival order; files it was
    /// still writing (never acknowledged) are moved aside and named in <paramref name="movedAside"/>.
    /// </summary>
    public IReadOnlyList<SpoolEntry> Leftovers(out IReadOnlyList<string> movedAside)
    {
        var entries = new List<SpoolEntry>();
        var moved = new List<string>();
        foreach (var path in Directory.GetFiles(Folder))
        {
            var name = System.IO.Path.GetFileName(path);
            var match = EntryName.Match(name);
            if (match.Success)
                entries.Add(new SpoolEntry(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value, Folder));
            else if (name.EndsWith(Partial, StringComparison.Ordinal))
                moved.Add(MoveAside(path));
        }
        entries.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        _lastSequence = entries.Count == 0 ? _lastSequence : Math.Max(_lastSequence, entries[entries.Count - 1].Sequence);
        // Rejected files keep their numbers too: a new file never takes the name of one moved aside.
        var rejected = System.IO.Path.Combine(Folder, RejectedFolder);
        if (Directory.Exists(rejected))
            foreach (var path in Directory.GetFiles(rejected))
                if (EntryName.Match(System.IO.Path.GetFileName(path)) is { Success: true } m)
                    _lastSequence = Math.Max(_lastSequence, long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        movedAside = moved;
        return entries;
    }

    /// <summary>The next place in arrival order, for a body signed with <paramref name="signatureHex"/>. Callers serialise Reserve themselves.</summary>
    public SpoolEntry Reserve(string signatureHex) => new SpoolEntry(++_lastSequence, signatureHex, Folder);

    /// <summary>
    /// Writes the body and flushes it to disk before it gets its name: a file under an entry's name
    /// is whole. Then the folder is flushed too, so that the name survives a power loss or a host's
    /// crash, not only the process's. Throws IOException (or UnauthorizedAccessException) when it cannot.
    /// </summary>
    public void Write(SpoolEntry entry, byte[] body)
    {
        var partial = entry.Path + Partial;
        try
        {
            using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
            {
                OwnerOnly.Protect(partial, directory: false);
                file.Write(body, 0, body.Length);
                file.Flush(flushToDisk: true);
            }
            File.Move(partial, entry.Path);
        }
        catch
        {
            TryDelete(partial); // never acknowledged: Meta delivers it again
            throw;
        }
        try
        {
            FlushFolder();
        }
        catch
        {
            TryDelete(entry.Path); // its name may not be on disk: not acknowledged, so not kept to be written twice
            throw;
        }
    }

    /// <summary>
    /// Flushes the folder once for every file named before the call: writers that arrive while a
    /// flush is under way share the next one (a ticket taken after the rename is covered by any
    /// flush that starts after the ticket).
    /// </summary>
    private void FlushFolder()
    {
        var ticket = Interlocked.Increment(ref _renamed);
        lock (_flushGate)
        {
            if (Interlocked.Read(ref _flushed) >= ticket) return;
            var upTo = Interlocked.Read(ref _renamed);
            DurableFolder.Flush(Folder);
            Interlocked.Exchange(ref _flushed, upTo);
        }
    }

    public byte[] Read(SpoolEntry entry) => File.ReadAllBytes(entry.Path);

    /// <summary>Removes an entry whose events all went through.</summary>
    public void Remove(SpoolEntry entry) => File.Delete(entry.Path);

    /// <summary>Moves a file into <see cref="RejectedFolder"/>; returns where it went.</summary>
    public string MoveAside(string path)
    {
        var folder = System.IO.Path.Combine(Folder, RejectedFolder);
        Directory.CreateDirectory(folder);
        OwnerOnly.Protect(folder, directory: true);
        var target = System.IO.Path.Combine(folder, System.IO.Path.GetFileName(path));
        for (var n = 1; File.Exists(target); n++)
            target = System.IO.Path.Combine(folder, System.IO.Path.GetFileName(path) + "." + n.ToString(CultureInfo.InvariantCulture));
        File.Move(path, target);
        return target;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // Left for the next start, which moves it aside.
        }
    }

    public void Dispose()
    {
        Seen.Dispose();
        _lock.Dispose();
    }
}

/// <summary>
/// The event IDs written most recently (a bounded window), so a notification Meta delivers again is
/// recognised. With a file, the window survives a restart: IDs are appended (to the OS) as they are
/// written, and the file is rewritten (atomically) when it holds twice the window.
/// </summary>
internal sealed class SeenIds : IDisposable
{
    /// <summary>How many IDs are remembered: far more than Meta re-delivers while a listener is down for a while.</summary>
    public const int Capacity = 10_000;

    private readonly Queue<string> _order = new Queue<string>();
    private readonly HashSet<string> _set = new HashSet<string>(StringComparer.Ordinal);
    private readonly string? _path;
    private StreamWriter? _appender;
    private int _fileLines;

    /// <summary>A window in memory only (null), or kept in <paramref name="path"/>.</summary>
    public SeenIds(string? path)
    {
        _path = path;
        if (path == null) return;
        if (File.Exists(path))
        {
            foreach (var line in File.ReadAllLines(path))
            {
                _fileLines++;
                // A line cut off by a crash, or anything else, is not an ID: skip it.
                if (IsId(line)) Remember(line);
            }
        }
    }

    public int Count => _set.Count;

    public bool Contains(string? id) => id != null && _set.Contains(id);

    /// <summary>Remembers IDs just written; with a file, they survive the process when this returns.</summary>
    public void Add(IEnumerable<string?> ids)
    {
        var added = new List<string>();
        foreach (var id in ids)
            if (id != null && !_set.Contains(id))
            {
                Remember(id);
                added.Add(id);
            }
        if (_path == null || added.Count == 0) return;
        if (_fileLines + added.Count > 2 * Capacity)
        {
            Rewrite();
            return;
        }
        _appender ??= Open();
        foreach (var id in added) _appender.Write(id + "\n");
        // Handed to the OS, so a killed process keeps them; not forced to disk on each notification:
        // what a power cut loses here is at most a duplicate, which the guarantee allows.
        _appender.Flush();
        _fileLines += added.Count;
    }

    private void Remember(string id)
    {
        if (!_set.Add(id)) return;
        _order.Enqueue(id);
        while (_order.Count > Capacity) _set.Remove(_order.Dequeue());
    }

    private StreamWriter Open()
    {
        var stream = new FileStream(_path!, FileMode.Append, FileAccess.Write, FileShare.Read);
        OwnerOnly.Protect(_path!, directory: false);
        return new StreamWriter(stream, new System.Text.UTF8Encoding(false));
    }

    private void Rewrite()
    {
        _appender?.Dispose();
        _appender = null;
        var temp = _path + ".new";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            OwnerOnly.Protect(temp, directory: false);
            using var writer = new StreamWriter(file, new System.Text.UTF8Encoding(false));
            foreach (var id in _order) writer.Write(id + "\n");
            writer.Flush();
            file.Flush(flushToDisk: true);
        }
        if (File.Exists(_path)) File.Delete(_path);
        File.Move(temp, _path!);
        _fileLines = _order.Count;
    }

    private static bool IsId(string line) => line.Length == 32 && line.All(c => c >= '0' && c <= '9' || c >= 'a' && c <= 'f');

    public void Dispose() => _appender?.Dispose();
}

/// <summary>Makes a file or folder the owner's only on Linux and macOS (netstandard2.0 has no API for Unix modes); on Windows the inherited ACL applies.</summary>
internal static class OwnerOnly
{
    private const uint OwnerReadWrite = 0x180; // 0600
    private const uint OwnerAll = 0x1C0;       // 0700

    private static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

    [DllImport("libc", EntryPoint = "chmod", SetLastError = true)]
    private static extern int Chmod(string path, uint mode);

    /// <summary>Best effort: false where the file system has no Unix permissions.</summary>
    public static bool Protect(string path, bool directory)
    {
        if (IsWindows) return false;
        try
        {
            return Chmod(path, directory ? OwnerAll : OwnerReadWrite) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
        {
            return false;
        }
    }
}
