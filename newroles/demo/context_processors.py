from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from newroles.demo.models import DemoLoad


def demo(request: HttpRequest) -> dict[str, Any]:
    # One indexed query per page; cheap enough not to cache (a stale cache would hide the banner).
    return {"demo_loaded": DemoLoad.objects.exists()}
