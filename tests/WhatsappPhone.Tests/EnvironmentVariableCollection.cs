using Xunit;

namespace WhatsappPhone.Tests;

/// <summary>Environment variables are process-wide: tests that set them run alone, after the others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentVariableCollection
{
    public const string Name = "Environment variables";
}
