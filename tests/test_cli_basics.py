import subprocess
import sys

import pytest

from accessshare import __version__
from accessshare.cli import build_parser, main
from accessshare.config import resolve_paths


def test_version_is_printed(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"accessshare {__version__}"


def test_python_dash_m_runs_the_same_cli():
    out = subprocess.run([sys.executable, "-m", "accessshare", "--version"],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"accessshare {__version__}"


def _subcommand_names():
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)


@pytest.mark.parametrize("name", _subcommand_names())
def test_every_subcommand_has_help(name, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([name, "--help"])
    assert exit_info.value.code == 0
    assert f"usage: accessshare {name}" in capsys.readouterr().out


def test_data_dir_option_env_and_default(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCESSSHARE_DATA_DIR", str(tmp_path / "from-env"))
    assert resolve_paths().data_dir == tmp_path / "from-env"
    assert resolve_paths(tmp_path / "flag").data_dir == tmp_path / "flag"
    assert resolve_paths(tmp_path / "flag").db_url == f"sqlite:///{tmp_path / 'flag' / 'records.sqlite3'}"
    monkeypatch.setenv("ACCESSSHARE_DB_URL", "postgresql+psycopg://u@localhost/x")
    assert resolve_paths().db_url == "postgresql+psycopg://u@localhost/x"
    assert resolve_paths(db_url="sqlite:///other.db").db_url == "sqlite:///other.db"
