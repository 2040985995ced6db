@{
    # The version is stamped from Directory.Build.props by build.ps1; keep this one as a placeholder.
    ModuleVersion        = '0.0.0'
    RootModule           = 'WhatsappPhone.PowerShell.dll'
    GUID                 = '6f3c1d2e-8a4b-4f57-9c1e-2b7d5a9e4c31'
    Author               = 'WhatsappPhone contributors'
    CompanyName          = 'WhatsappPhone'
    Copyright            = '(c) WhatsappPhone contributors. MIT License.'
    Description          = 'Manage WhatsApp Business phone numbers through the Meta Graph API: list, register and deregister numbers, verify them by code, set their two-step PIN, check their health, and list the accounts of a business portfolio. Typed output for the pipeline; safe in unattended runbooks.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('WhatsappPhone.Format.ps1xml')
    CmdletsToExport      = @(
        'Compare-WaPhoneNumber'
        'Confirm-WaPhoneNumberCode'
        'Confirm-WaWebhookChallenge'
        'Connect-WaAccount'
        'ConvertFrom-WaWebhook'
        'Disconnect-WaAccount'
        'Get-WaBusinessAccount'
        'Get-WaBusinessProfile'
        'Get-WaPhoneNumber'
        'Get-WaPhoneNumberSetting'
        'Get-WaWebhookSubscription'
        'New-WaPhoneNumber'
        'Receive-WaWebhook'
        'Register-WaPhoneNumber'
        'Register-WaWebhookSubscription'
        'Remove-WaPhoneNumberWebhook'
        'Request-WaPhoneNumberCode'
        'Set-WaBusinessProfile'
        'Set-WaPhoneNumberDisplayName'
        'Set-WaPhoneNumberPin'
        'Set-WaPhoneNumberSetting'
        'Set-WaPhoneNumberWebhook'
        'Test-WaPhoneNumber'
        'Test-WaWebhookSignature'
        'Unregister-WaPhoneNumber'
        'Unregister-WaWebhookSubscription'
        'Watch-WaPhoneNumber'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('WhatsApp', 'WhatsAppBusiness', 'Meta', 'GraphAPI', 'CloudAPI', 'PhoneNumber', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            # The project's intended public home (see README, Packaging); the LICENSE file also ships in the package.
            ProjectUri   = 'https://github.com/whatsappphone/WhatsappPhone'
            LicenseUri   = 'https://github.com/whatsappphone/WhatsappPhone/blob/main/LICENSE'
            # Stamped by build.ps1 from this version's section of CHANGELOG.md.
            ReleaseNotes = ''
        }
    }
    # No HelpInfoUri: the module publishes no updatable help, and Update-Help would fail on a URI
    # that serves no HelpInfo.xml.
}
