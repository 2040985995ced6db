using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace WhatsappPhone.Tests.Api;

/// <summary>
/// What the contract tests need from Meta's OpenAPI file, read without a YAML library: for a path
/// template and method, whether the operation exists, its declared parameters (name, in), and the
/// properties and required fields of its JSON request body (following $ref, and every oneOf
/// alternative). It relies on the file's block style: a key's children are the lines indented
/// deeper than it, and multi-line strings are indented deeper than their key.
/// </summary>
internal sealed class OpenApiDescription
{
    private readonly string[] _lines;
    private readonly Dictionary<string, int> _paths = new Dictionary<string, int>(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _schemas = new Dictionary<string, int>(StringComparer.Ordinal);
    private static readonly Regex Ref = new Regex(@"\$ref:\s*'#/components/schemas/([^']+)'", RegexOptions.CultureInvariant);

    public OpenApiDescription(string path)
    {
        _lines = File.ReadAllLines(path);
        var section = "";
        for (var i = 0; i < _lines.Length; i++)
        {
            var line = _lines[i];
            if (line == "paths:" || line == "components:") section = line;
            else if (section == "paths:" && Indent(line) == 2 && line.TrimEnd().EndsWith(":", StringComparison.Ordinal)) _paths[Key(line)] = i;
            else if (line == "  schemas:") section = "schemas";
            else if (section == "schemas" && Indent(line) == 2 && line.Trim().Length > 0) section = "";
            else if (section == "schemas" && Indent(line) == 4 && line.TrimEnd().EndsWith(":", StringComparison.Ordinal)) _schemas[Key(line)] = i;
        }
    }

    public IReadOnlyCollection<string> Paths => _paths.Keys;

    /// <summary>The operation's first line, or -1.</summary>
    public int Operation(string pathTemplate, string method)
    {
        if (!_paths.TryGetValue(pathTemplate, out var start)) return -1;
        foreach (var i in Children(start))
            if (Indent(_lines[i]) == 4 && Key(_lines[i]) == method.ToLowerInvariant()) return i;
        return -1;
    }

    /// <summary>The (name, in) of each parameter declared inline; $ref parameters are the shared headers.</summary>
    public IReadOnlyList<(string Name, string In)> Parameters(int operation)
    {
        var result = new List<(string, string)>();
        var parameters = Children(operation).FirstOrDefault(i => Indent(_lines[i]) == 6 && Key(_lines[i]) == "parameters");
        if (parameters == 0) return result;
        string? name = null;
        foreach (var i in Children(parameters))
        {
            var t = _lines[i].Trim();
            if (t.StartsWith("- ", StringComparison.Ordinal)) name = null;
            t = t.TrimStart('-', ' ');
            if (t.StartsWith("name:", StringComparison.Ordinal)) name = Value(t);
            else if (t.StartsWith("in:", StringComparison.Ordinal) && name != null) result.Add((name, Value(t)));
        }
        return result;
    }

    /// <summary>The JSON request body's alternatives (one unless oneOf), each as its properties and required fields.</summary>
    public IReadOnlyList<(HashSet<string> Properties, HashSet<string> Required)> RequestBodies(int operation)
    {
        var body = Children(operation).FirstOrDefault(i => Indent(_lines[i]) == 6 && Key(_lines[i]) == "requestBody");
        if (body == 0) return Array.Empty<(HashSet<string>, HashSet<string>)>();
        var schema = Children(body).FirstOrDefault(i => Key(_lines[i]) == "schema");
        var refs = Children(schema).Select(i => Ref.Match(_lines[i])).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        var own = Ref.Match(_lines[schema]);
        if (own.Success) refs.Add(own.Groups[1].Value);
        return refs.Select(Schema).ToList();
    }

    private (HashSet<string> Properties, HashSet<string> Required) Schema(string name)
    {
        var properties = new HashSet<string>(StringComparer.Ordinal);
        var required = new HashSet<string>(StringComparer.Ordinal);
        var start = _schemas[name];
        foreach (var i in Children(start).Where(i => Indent(_lines[i]) == 6))
        {
            if (Key(_lines[i]) == "properties")
                foreach (var p in Children(i).Where(p => Indent(_lines[p]) == 8)) properties.Add(Key(_lines[p]));
            else if (Key(_lines[i]) == "required")
                foreach (var r in Children(i)) required.Add(_lines[r].Trim().TrimStart('-', ' ').Trim());
        }
        return (properties, required);
    }

    /// <summary>The lines below <paramref name="start"/> that are indented deeper (blank lines included in the block).</summary>
    private IEnumerable<int> Children(int start)
    {
        var indent = Indent(_lines[start]);
        // A sequence item's children may sit at the same indent as its key: "- name" under "parameters:".
        for (var i = start + 1; i < _lines.Length; i++)
        {
            if (_lines[i].Trim().Length == 0) continue;
            var d = Indent(_lines[i]);
            if (d < indent || (d == indent && !_lines[i].TrimStart().StartsWith("- ", StringComparison.Ordinal))) yield break;
            yield return i;
        }
    }

    private static int Indent(string line) => line.Length - line.TrimStart(' ').Length;

    private static string Key(string line) => line.Trim().TrimStart('-', ' ').Split(':')[0].Trim().Trim('\'', '"');

    private static string Value(string t) => t.Substring(t.IndexOf(':') + 1).Trim().Trim('\'', '"');
}
