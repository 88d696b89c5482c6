"""The core (library, describe, records, speech, config) never imports Qt."""

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_import_linter_contract_holds():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    command = [str(lint_imports)] if lint_imports.exists() else ["lint-imports"]
    result = subprocess.run(command + ["--no-cache"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout


def test_core_packages_import_without_pyside6_loaded():
    code = (
        "import sys, importlib, pkgutil, accessshare\n"
        "for name in ('library', 'describe', 'records', 'speech', 'consent', 'steward', 'study', 'config'):\n"
        "    module = importlib.import_module('accessshare.' + name)\n"
        "    for info in pkgutil.walk_packages(getattr(module, '__path__', []), module.__name__ + '.'):\n"
        "        if '.migrations' not in info.name: importlib.import_module(info.name)\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
        "print('clean')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.stdout.strip().endswith("clean"), result.stderr
