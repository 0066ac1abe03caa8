"""The NHS.UK frontend's files under /static/nhsuk/, its stylesheets made to work with no internet.

The package's compiled stylesheets load the licensed Frutiger web font from an NHS assets host and point
their icons at /assets/images/, a path this site does not serve. Trust networks often block the font host,
so pages would wait on failing requests. The font cannot be shipped with newroles, so the stylesheets are
served without the @font-face rules that fetch it: the design system's own fallback stack (Frutiger if
installed on the computer, else Arial, else sans-serif) then applies. Icon paths are made relative to the
stylesheet, so they come from the package's own images beside it.

The package stays as npm installs it (no Sass build): upgrading `nhsuk-frontend` changes nothing here. The
rewritten copies are written to `VAR_DIR/build/nhsuk/` and redone whenever the package's file is newer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import utils
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Warning
from django.core.files.storage import FileSystemStorage
from django.utils._os import safe_join

PREFIX = "nhsuk"

# An @font-face rule whose src names a file on another host (http:, https: or protocol-relative).
_EXTERNAL_FONT_FACE = re.compile(r"@font-face\s*\{[^{}]*url\(\s*[\"']?(?:https?:)?//[^{}]*\}\s*", re.IGNORECASE)
# url(/assets/...) with or without quotes: the package's default $nhsuk-assets-path.
_ROOT_ASSETS = re.compile(r"url\(\s*([\"']?)/assets/")


def offline_css(css: str, depth: int = 0) -> str:
    """The stylesheet without external web fonts, its /assets/ paths relative to a file `depth` folders down."""
    css = _EXTERNAL_FONT_FACE.sub("", css)
    return _ROOT_ASSETS.sub(lambda m: f"url({m.group(1)}{'../' * depth}assets/", css)


class NhsukFrontendFinder(BaseFinder):
    """Finds `nhsuk/<path>` in the installed package, stylesheets from their offline copies.

    Used by the development server, WhiteNoise (in development) and collectstatic alike.
    """

    def __init__(self, app_names: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = Path(settings.NHSUK_FRONTEND_DIR)
        self.build = Path(settings.VAR_DIR) / "build" / PREFIX
        self.source_storage = FileSystemStorage(location=self.source)
        self.source_storage.prefix = PREFIX  # type: ignore[attr-defined]
        self.build_storage = FileSystemStorage(location=self.build)
        self.build_storage.prefix = PREFIX  # type: ignore[attr-defined]

    def check(self, **kwargs: Any) -> list[Warning]:
        # A warning, as for a missing STATICFILES_DIRS folder: commands without pages still run.
        if not self.source.is_dir():
            return [Warning(f"The NHS.UK frontend is not installed at {self.source}.", hint="Run make install.")]
        return []

    def _built(self, relative: str) -> str:
        """The offline copy of a stylesheet (relative to the package folder), rewritten if missing or stale."""
        source = Path(safe_join(str(self.source), relative))
        target = Path(safe_join(str(self.build), relative))
        if not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
            target.parent.mkdir(parents=True, exist_ok=True)
            depth = relative.replace(os.sep, "/").count("/")
            # Written beside and renamed, so another process never reads half a file.
            partial = target.with_name(f".{target.name}.{os.getpid()}")
            partial.write_text(offline_css(source.read_text(encoding="utf-8"), depth), encoding="utf-8")
            partial.replace(target)
        return str(target)

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:
        find_all = find_all or kwargs.get("all", False)
        found: str | None = None
        if path.startswith(PREFIX + "/"):
            relative = path.removeprefix(PREFIX + "/")
            candidate = safe_join(str(self.source), relative)
            if os.path.isfile(candidate):
                found = self._built(relative) if relative.endswith(".css") else candidate
        if find_all:
            return [found] if found else []
        return found or []

    def list(self, ignore_patterns: list[str] | None) -> Iterator[tuple[str, FileSystemStorage]]:
        if not self.source.is_dir():
            return
        for path in utils.get_files(self.source_storage, ignore_patterns):
            if path.endswith(".css"):
                self._built(path)
                yield path, self.build_storage
            else:
                yield path, self.source_storage
