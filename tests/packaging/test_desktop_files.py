"""The desktop entry, AppStream metainfo and icons: valid for the real validators, installed
where desktops look for them, and drawn from one SVG."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from accessshare import __version__

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGING = REPO_ROOT / "packaging"
ICONS = REPO_ROOT / "assets" / "icons"
APP_ID = "org.accessshare.AccessShare"
DESKTOP_FILE = PACKAGING / f"{APP_ID}.desktop"
METAINFO_FILE = PACKAGING / f"{APP_ID}.metainfo.xml"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:  # the reason names a system component, so CI fails instead of skipping
        pytest.skip(f"{name} is not installed (Debian package {package}, a system component)")
    return path


def _validate_desktop(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([_tool("desktop-file-validate", "desktop-file-utils"), str(path)],
                          capture_output=True, text=True)


def _desktop_entry(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def test_desktop_entry_passes_desktop_file_validate():
    result = _validate_desktop(DESKTOP_FILE)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    entry = _desktop_entry(DESKTOP_FILE)
    assert entry["Exec"] == "accessshare" and entry["Icon"] == APP_ID


def test_metainfo_passes_appstreamcli_validate_offline():
    result = subprocess.run([_tool("appstreamcli", "appstream"), "validate", "--no-net",
                             str(METAINFO_FILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation was successful" in result.stdout


def test_metainfo_names_the_desktop_entry_this_version_and_screenshots_in_docs():
    component = ET.parse(METAINFO_FILE).getroot()
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable") == DESKTOP_FILE.name
    assert component.find("releases/release").get("version") == __version__
    assert component.find("content_rating").get("type") == "oars-1.1"
    images = [image.text for image in component.iter("image")]
    assert images, "no screenshots"
    for url in images:
        assert (REPO_ROOT / "docs" / "screenshots" / url.rsplit("/", 1)[-1]).is_file(), url


def test_icons_at_every_size_are_rendered_from_the_svg(tmp_path):
    rsvg = _tool("rsvg-convert", "librsvg2-bin")
    for size in ICON_SIZES:
        committed = Image.open(ICONS / f"accessshare-{size}.png").convert("RGBA")
        assert committed.size == (size, size)
        fresh_file = tmp_path / f"{size}.png"
        subprocess.run([rsvg, "-w", str(size), "-h", str(size), str(ICONS / "accessshare.svg"),
                        "-o", str(fresh_file)], check=True)
        difference = ImageChops.difference(committed, Image.open(fresh_file).convert("RGBA"))
        # The same drawing, give or take a renderer's anti-aliasing: re-run packaging/render-icons.
        assert max(ImageStat.Stat(difference).mean) < 2.0, f"{size} px icon is out of date"


def test_install_desktop_files_puts_them_where_desktops_look(tmp_path):
    prefix = tmp_path / "prefix"
    result = subprocess.run([str(PACKAGING / "install-desktop-files"), "--prefix", str(prefix)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    share = prefix / "share"
    installed_entry = share / "applications" / f"{APP_ID}.desktop"
    assert _desktop_entry(installed_entry)["Exec"] == "accessshare"
    assert _validate_desktop(installed_entry).returncode == 0
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").read_bytes() == METAINFO_FILE.read_bytes()
    assert (share / "icons/hicolor/scalable/apps" / f"{APP_ID}.svg").is_file()
    for size in ICON_SIZES:
        png = share / f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png"
        assert Image.open(png).size == (size, size)


def test_install_desktop_files_runs_the_command_it_is_given(tmp_path):
    command = tmp_path / "AccessShare" / "accessshare"
    subprocess.run([str(PACKAGING / "install-desktop-files"), "--prefix", str(tmp_path),
                    "--exec", str(command)], check=True, capture_output=True)
    entry = tmp_path / "share" / "applications" / f"{APP_ID}.desktop"
    assert _desktop_entry(entry)["Exec"] == str(command)


def test_install_desktop_files_refuses_a_command_it_cannot_quote_in_one_sentence(tmp_path):
    result = subprocess.run([str(PACKAGING / "install-desktop-files"), "--prefix", str(tmp_path),
                             "--exec", "my app"], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "without spaces" in result.stderr
    assert not (tmp_path / "share").exists()
