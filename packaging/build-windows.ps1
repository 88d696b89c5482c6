# Build the standalone AccessShare for Windows: dist\accessshare\ with accessshare.exe (the
# command line, with a console) and AccessShare.exe (the app, for the Start menu, no console),
# from packaging\accessshare.spec. UNTESTED: written to the same steps as packaging/build-linux,
# which is tested on Debian 12; try it on Windows before relying on it. Needs Python 3.11+ from
# python.org and git on PATH. The app's own voice uses SAPI5, which Windows has.
#   powershell -ExecutionPolicy Bypass -File packaging\build-windows.ps1
#   dist\accessshare\accessshare.exe --smoke
$ErrorActionPreference = "Stop"
function Invoke-Checked {  # run a program; stop the build if it fails
    & $args[0] @($args | Select-Object -Skip 1)
    if ($LASTEXITCODE -ne 0) { throw "Failed ($LASTEXITCODE): $($args -join ' ')" }
}
$Root = Resolve-Path (Join-Path $PSScriptRoot "..")
$Work = Join-Path ([System.IO.Path]::GetTempPath()) ("accessshare-build-" + [guid]::NewGuid())
New-Item -ItemType Directory -Path $Work | Out-Null
try {
    $Venv = if ($env:ACCESSSHARE_BUILD_VENV) { $env:ACCESSSHARE_BUILD_VENV } else { Join-Path $Work "venv" }
    if (-not (Test-Path (Join-Path $Venv "Scripts\python.exe"))) { Invoke-Checked py -3 -m venv $Venv }
    $Pip = Join-Path $Venv "Scripts\pip.exe"
    # A clean copy of the tracked sources, so no build\ or egg-info is left in the checkout.
    $Src = Join-Path $Work "src"
    Invoke-Checked git -C $Root worktree add --detach $Src HEAD
    Invoke-Checked $Pip wheel --quiet --no-deps --wheel-dir (Join-Path $Work "wheel") $Src
    Invoke-Checked git -C $Root worktree remove --force $Src
    $Wheel = (Get-ChildItem (Join-Path $Work "wheel\accessshare-*.whl")).FullName
    Invoke-Checked $Pip install --quiet "$Wheel[bundle]"
    Invoke-Checked $Pip install --quiet --no-deps --force-reinstall $Wheel
    & $Pip show --quiet opencv-python 2>$null
    if ($LASTEXITCODE -eq 0) {  # keep only the headless OpenCV the app uses
        Invoke-Checked $Pip uninstall --quiet --yes opencv-python
        $Headless = ((& $Pip show opencv-python-headless) -match "^Version: ") -replace "^Version: ", ""
        Invoke-Checked $Pip install --quiet --no-deps --force-reinstall "opencv-python-headless==$Headless"
    }
    Remove-Item -Recurse -Force (Join-Path $Root "dist\accessshare") -ErrorAction SilentlyContinue
    Push-Location $Work
    try {
        Invoke-Checked (Join-Path $Venv "Scripts\pyinstaller.exe") --noconfirm --log-level WARN `
            --distpath (Join-Path $Root "dist") --workpath (Join-Path $Work "pyinstaller") `
            (Join-Path $Root "packaging\accessshare.spec")
    } finally { Pop-Location }
    Write-Output "Built $(Join-Path $Root 'dist\accessshare')"
} finally {
    Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue
}
