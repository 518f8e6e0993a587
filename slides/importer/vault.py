"""Finding an embedded picture the way Obsidian does, and checking it can be used."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import unquote


def find_vault(note: Path) -> Path:
    """The nearest folder above the note holding `.obsidian`, else the note's own folder."""
    for folder in note.resolve().parents:
        if (folder / ".obsidian").is_dir():
            return folder
    return note.resolve().parent


class Vault:
    """Finds an embedded file: beside the note, in the attachment folder, then anywhere."""

    def __init__(self, root: Path, note: Path) -> None:
        self.root = root.resolve()
        self.note_dir = note.resolve().parent
        self._by_name: dict[str, list[Path]] | None = None
        self.attachments = self._attachment_folder()

    def _attachment_folder(self) -> Path | None:
        """Obsidian's 'Default location for new attachments' from .obsidian/app.json."""
        try:
            settings = json.loads((self.root / ".obsidian" / "app.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        folder = settings.get("attachmentFolderPath") if isinstance(settings, dict) else None
        if not isinstance(folder, str) or not folder:
            return None
        if folder == "/":
            return self.root
        if folder.startswith("./"):
            return self.note_dir / folder[2:]
        return self.root / folder

    def find(self, target: str) -> Path | None:
        """The file an embed names, inside the vault, or None."""
        target = unquote(target).strip().lstrip("/")
        if not target or "\0" in target:
            return None
        name = Path(target).name
        places = [self.note_dir / target]
        if self.attachments is not None:
            places.append(self.attachments / name)
        places.append(self.root / target)
        for place in places:
            found = self._inside(place)
            if found:
                return found
        matches = self._index().get(name.lower(), [])
        # Obsidian takes the match with the shortest path when a name is not unique.
        for match in sorted(matches, key=lambda p: (len(p.parts), str(p))):
            found = self._inside(match)
            if found:
                return found
        return None

    def _inside(self, path: Path) -> Path | None:
        try:
            real = path.resolve()
        except (OSError, RuntimeError):
            return None
        inside = real.is_relative_to(self.root) or real.is_relative_to(self.note_dir)
        return real if inside and real.is_file() else None

    def _index(self) -> dict[str, list[Path]]:
        if self._by_name is None:
            self._by_name = {}
            for folder, dirs, files in os.walk(self.root):
                dirs[:] = [d for d in dirs if not d.startswith(".")]  # .obsidian, .git, .trash
                for file in files:
                    self._by_name.setdefault(file.lower(), []).append(Path(folder) / file)
        return self._by_name


def picture_problem(path: Path) -> str | None:
    """Why a found picture file cannot be used, or None."""
    from slides.assets import BadImage, _bytes, _open

    try:
        _open(_bytes(path))[0].close()
    except BadImage as error:
        return str(error)
    except OSError as error:
        return f"could not be read ({error.strerror})"
    return None
