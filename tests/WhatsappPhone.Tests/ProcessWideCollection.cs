using Xunit;

namespace WhatsappPhone.Tests;

/// <summary>
/// Tests that measure the whole process (GC.GetTotalAllocatedBytes, where the work hops threads) run
/// alone, after the others: a test allocating beside them would count in their figure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideCollection
{
    public const string Name = "Process-wide measurements";
}
