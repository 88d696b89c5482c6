"""Settings and platform paths.

All state lives under one data directory: platformdirs' user data dir by default, overridden by
``--data-dir`` or ``ACCESSSHARE_DATA_DIR``. The records database defaults to a SQLite file in it;
``--db`` or ``ACCESSSHARE_DB_URL`` takes any SQLAlchemy URL instead.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import platformdirs

APP_NAME = "AccessShare"
DATA_DIR_ENV = "ACCESSSHARE_DATA_DIR"
DB_URL_ENV = "ACCESSSHARE_DB_URL"


@dataclass(frozen=True)
class AppPaths:
    """Every place the app writes to, all under ``data_dir``."""

    data_dir: Path
    db_url: str

    @property
    def thumbnails_dir(self) -> Path:
        return self.data_dir / "thumbnails"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def models_dir(self) -> Path:
        """Where users drop optional models, such as a generative captioner."""
        return self.data_dir / "models"

    @property
    def settings_file(self) -> Path:
        return self.data_dir / "settings.json"

    def ensure(self) -> "AppPaths":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def resolve_paths(data_dir: str | os.PathLike | None = None, db_url: str | None = None) -> AppPaths:
    """Command-line values win over environment variables, which win over defaults."""
    chosen_dir = data_dir or os.environ.get(DATA_DIR_ENV) or default_data_dir()
    directory = Path(chosen_dir).expanduser().resolve()
    url = db_url or os.environ.get(DB_URL_ENV) or sqlite_url(directory / "records.sqlite3")
    return AppPaths(data_dir=directory, db_url=url)


@dataclass
class Settings:
    """User preferences, persisted as JSON in the data directory."""

    verbosity: str = "brief"  # brief | detailed
    voice_mode: str = "auto"  # auto | screen-reader | own-voice | both
    speech_rate: int = 180  # words per minute
    voice_id: str | None = None
    volume: float = 1.0
    earcons: bool = True
    high_contrast: bool = False
    font_point_size: int = 0  # 0 follows the system font size
    recent_datasets: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> "Settings":
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        os.replace(temporary, path)

    def remember_dataset(self, folder: str, keep: int = 8) -> None:
        self.recent_datasets = [folder] + [f for f in self.recent_datasets if f != folder]
        del self.recent_datasets[keep:]
