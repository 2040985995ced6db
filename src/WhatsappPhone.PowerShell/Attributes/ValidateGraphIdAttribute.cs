using System;
using System.Globalization;
using System.Management.Automation;
using WhatsappPhone.Api;

namespace WhatsappPhone.Cmdlets
{
    /// <summary>Checks Graph IDs at binding time, so a bad ID never reaches a request.</summary>
    public sealed class ValidateGraphIdAttribute : ValidateEnumeratedArgumentsAttribute
    {
        readonly string what;

        public ValidateGraphIdAttribute(string what) => this.what = what;

        protected override void ValidateElement(object element)
        {
            var value = element is PSObject pso ? pso.BaseObject : element;
            try
            {
                GraphInput.RequireId(value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture), what, "");
            }
            catch (ArgumentException ex)
            {
                throw new ValidationMetadataException(ex.Message.Split(new[] { Environment.NewLine }, StringSplitOptions.None)[0]);
            }
        }
    }
}
