using System;
using System.IO;
using System.Runtime.InteropServices;

namespace WhatsappPhone.Webhooks;

/// <summary>
/// Flushes a folder's entries (a file just created or renamed in it) to disk on Linux and macOS:
/// a file's own flush does not make its name durable. netstandard2.0 cannot open a folder, hence
/// libc. Used by the spool (before a 200) and the watch state (after a save). On Windows, NTFS
/// journals the rename and nothing is done (not verified).
/// </summary>
internal static class DurableFolder
{
    private const int ReadOnly = 0; // O_RDONLY, the same on Linux and macOS

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int descriptor);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int descriptor);

    private static volatile bool _unavailable = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

    /// <summary>Throws IOException when the folder cannot be opened or flushed.</summary>
    public static void Flush(string folder)
    {
        if (_unavailable) return;
        int descriptor;
        try
        {
            descriptor = Open(folder, ReadOnly);
        }
        catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
        {
            _unavailable = true; // no libc to call: the file's own flush is all there is
            return;
        }
        if (descriptor < 0) throw new IOException($"The folder {folder} could not be opened to flush it to disk (error {Marshal.GetLastWin32Error()}).");
        try
        {
            if (Fsync(descriptor) != 0) throw new IOException($"The folder {folder} could not be flushed to disk (error {Marshal.GetLastWin32Error()}).");
        }
        finally
        {
            Close(descriptor);
        }
    }
}
