# Dot-sourced by Invoke-Benchmark.ps1 (-Part Watch, or All): one poll of Watch-WaPhoneNumber over
# 1,000 numbers in 50 accounts (-Once against a saved state: load it, list, compare, save it), against
# the same listing and comparison by hand, Get-WaPhoneNumber | Compare-WaPhoneNumber, with the
# reference already in memory. 20 numbers changed since the state was saved; each side must find them.

Write-Host 'Watch: one poll over 1,000 numbers in 50 accounts...'
$accountIds = 1..50 | ForEach-Object { (130000000000000 + $_).ToString() }
$seedPath = Join-Path $benchDir 'watch-seed.json'
$seed = [ordered]@{
    businesses = @()
    wabas      = @(foreach ($a in 0..49) {
            [ordered]@{
                id = $accountIds[$a]; name = "Bench WABA $a"; currency = 'USD'; timezone_id = '1'
                message_template_namespace = "bench_namespace_$a"; account_review_status = 'APPROVED'; country = 'US'
                phone_numbers = @(foreach ($n in 1..20) {
                        $i = $a * 20 + $n
                        [ordered]@{
                            id = (1200000000000000 + $i).ToString(); display_phone_number = ('+1 555-{0:D3}-{1:D4}' -f $a, $n); verified_name = "Bench Store $i"
                            status = 'CONNECTED'; quality_rating = 'GREEN'; code_verification_status = 'VERIFIED'; name_status = 'APPROVED'; new_name_status = 'NONE'
                            platform_type = 'CLOUD_API'; throughput = @{ level = 'STANDARD' }; messaging_limit_tier = 'TIER_1K'
                            whatsapp_business_manager_messaging_limit = 'TIER_2K'; account_mode = 'LIVE'; is_official_business_account = $false
                        }
                    })
            }
        })
}
$seed | ConvertTo-Json -Depth 6 | Set-Content $seedPath
$emu = Start-WaEmulator -Seed $seedPath
try {
    $statePath = Join-Path $benchDir 'watch-state.json'
    $workPath = Join-Path $benchDir 'watch-state-work.json'
    $watchScript = @"
Import-Module '$ModulePath'
`$ctx = Connect-WaAccount -AccessToken '$($emu.Token)' -BaseUri '$($emu.BaseUri)' -PassThru
`$ids = '$($accountIds -join "','")'
function NewHour { `$null = Invoke-RestMethod -Method Post '$($emu.ControlUri)/clock' -Body '{"advanceHours":1}' -ContentType 'application/json' }
Remove-Item '$statePath' -ErrorAction SilentlyContinue
`$null = Watch-WaPhoneNumber -Context `$ctx -BusinessAccountId `$ids -StatePath '$statePath' -Once
`$reference = @(Get-WaPhoneNumber -Context `$ctx -BusinessAccountId `$ids)
if (`$reference.Count -ne 1000) { throw "expected 1000 numbers, got `$(`$reference.Count)" }
# Meta changes 20 numbers, one in every fifty, after the state was saved.
for (`$i = 0; `$i -lt 1000; `$i += 50) {
    `$null = Invoke-RestMethod -Method Post "$($emu.ControlUri)/numbers/`$(`$reference[`$i].Id)" -Body '{"qualityRating":"YELLOW"}' -ContentType 'application/json'
}
function Module {
    Copy-Item '$statePath' '$workPath' -Force
    NewHour
    (Measure-Command { `$script:out = @(Watch-WaPhoneNumber -Context `$ctx -BusinessAccountId `$ids -StatePath '$workPath' -Once) }).TotalMilliseconds
}
function ByHand {
    NewHour
    (Measure-Command { `$script:out = @(Get-WaPhoneNumber -Context `$ctx -BusinessAccountId `$ids | Compare-WaPhoneNumber -ReferenceObject `$reference) }).TotalMilliseconds
}
`$null = Module; `$null = ByHand
`$a = @(); `$b = @()
for (`$i = 0; `$i -lt $Rounds; `$i++) {
    `$a += Module; if (`$out.Count -ne 20) { throw "the watch found `$(`$out.Count) changes" }
    `$b += ByHand; if (`$out.Count -ne 20) { throw "the pipeline found `$(`$out.Count) changes" }
}
(`$a | Sort-Object)[[int][Math]::Floor(`$a.Count / 2)]
(`$b | Sort-Object)[[int][Math]::Floor(`$b.Count / 2)]
"@
    $lines = & dotnet $pwshDll -NoProfile -NonInteractive -Command $watchScript
    if ($LASTEXITCODE -ne 0) { throw "The watch benchmark failed: $lines" }
    $pair = [pscustomobject]@{ Module = [double]$lines[-2]; Baseline = [double]$lines[-1] }
    Add-Result 'Watch -Once: 1,000 numbers in 50 accounts' 'ms' $pair 1.2 'Get-WaPhoneNumber | Compare-WaPhoneNumber'
}
finally {
    Stop-WaEmulator $emu
    Remove-Item $statePath, $workPath, $seedPath -ErrorAction SilentlyContinue
}
