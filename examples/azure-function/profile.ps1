# Runs once per worker (cold start). The module comes from Modules/ at the app root, which the
# PowerShell worker puts on PSModulePath; importing it here keeps the first request fast.
Import-Module WhatsappPhone -ErrorAction Stop

foreach ($setting in 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN') {
    if ([string]::IsNullOrWhiteSpace([Environment]::GetEnvironmentVariable($setting))) {
        # Named, never shown: the values are secrets.
        Write-Warning "The app setting $setting is not set: the webhook will refuse every request."
    }
}
