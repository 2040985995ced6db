using System.Linq;
using System.Management.Automation;
using System.Text;
using WhatsappPhone.Models;

namespace WhatsappPhone.Cmdlets;

/// <summary>Graph fields asked for with -Property that have no typed property: note properties named in PascalCase.</summary>
internal static class AdditionalFields
{
    /// <summary>The number as written: itself, or wrapped with a note property per additional field (is_on_biz_app becomes IsOnBizApp).</summary>
    public static object Project(PhoneNumber number)
    {
        if (number.AdditionalFields == null) return number;
        var wrapped = PSObject.AsPSObject(number);
        foreach (var pair in number.AdditionalFields)
            wrapped.Properties.Add(new PSNoteProperty(PascalCase(pair.Key), pair.Value));
        return wrapped;
    }

    /// <summary>Letters, digits and _ only, as Graph field names are.</summary>
    public static bool IsFieldName(string name) => name.Trim().Length > 0 && name.Trim().All(c => c == '_' || (c < 128 && char.IsLetterOrDigit(c)));

    private static string PascalCase(string field)
    {
        var sb = new StringBuilder(field.Length);
        foreach (var part in field.Split('_'))
            if (part.Length > 0) sb.Append(char.ToUpperInvariant(part[0])).Append(part.Substring(1));
        return sb.ToString();
    }
}
