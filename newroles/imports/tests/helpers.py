"""Helpers for import tests: files built in memory and the three steps of the import pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve, reverse


def stored_files(private_files: Path) -> list[str]:
    folder = private_files / "imports"
    return sorted(p.name for p in folder.glob("*")) if folder.exists() else []


def csv_text(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


@dataclass
class Flow:
    """Drives the import pages for one client: upload, map, commit."""

    client: Client
    kind: str = "teams"
    trust: str | None = "TAH"
    token: str = ""

    @property
    def query(self) -> str:
        return f"?trust={self.trust}" if self.trust else ""

    def _data(self, **extra: str) -> dict[str, object]:
        return {"trust": self.trust, **extra} if self.trust else dict(extra)

    def upload(self, data: bytes, filename: str = "teams.csv"):  # type: ignore[no-untyped-def]
        url = reverse("imports:upload", args=[self.kind]) + self.query
        response = self.client.post(url, self._data(file=SimpleUploadedFile(filename, data)))
        if response.status_code == 302 and "/imports/" in response.url:
            self.token = resolve(response.url.split("?")[0]).kwargs.get("token", "")
        return response

    @property
    def map_url(self) -> str:
        return reverse("imports:map", args=[self.kind, self.token]) + self.query

    def map(self, **mapping: str):  # type: ignore[no-untyped-def]
        return self.client.post(self.map_url, self._data(**mapping))

    def commit(self):  # type: ignore[no-untyped-def]
        return self.client.post(reverse("imports:commit", args=[self.kind, self.token]) + self.query, self._data())

    def errors_csv(self):  # type: ignore[no-untyped-def]
        return self.client.get(reverse("imports:errors", args=[self.kind, self.token]) + self.query)
