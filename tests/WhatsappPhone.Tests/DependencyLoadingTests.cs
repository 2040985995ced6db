using System.Reflection;
using Xunit;

namespace WhatsappPhone.Tests;

/// <summary>
/// Which requests the module's AssemblyResolve hook answers with its own copy. Windows
/// PowerShell has no binding redirects for modules, so these rules are all that stands between
/// a request and the wrong assembly.
/// </summary>
public sealed class DependencyLoadingTests
{
    private static readonly AssemblyName Shipped = new AssemblyName("System.Memory, Version=4.0.2.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51");

    [Theory]
    [InlineData("System.Memory, Version=4.0.2.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51")]
    [InlineData("System.Memory, Version=4.0.1.1, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51")]
    [InlineData("System.Memory")]
    public void A_request_for_the_shipped_version_or_an_older_one_is_answered_with_ours(string request) =>
        Assert.True(ModuleInitializer.CanServe(new AssemblyName(request), Shipped));

    [Fact]
    public void A_request_for_a_newer_version_than_shipped_is_left_to_others() =>
        Assert.False(ModuleInitializer.CanServe(new AssemblyName("System.Memory, Version=4.0.3.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51"), Shipped));

    [Fact]
    public void A_request_for_an_assembly_of_the_same_name_signed_with_another_key_is_left_to_others() =>
        Assert.False(ModuleInitializer.CanServe(new AssemblyName("System.Memory, Version=4.0.2.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a"), Shipped));
}
