# Managed dependencies are off (host.json): WhatsappPhone ships in Modules/, as built, so the app
# runs the module version it was tested with and needs no PowerShell Gallery at cold start.
@{ }
