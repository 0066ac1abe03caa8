"""Conditional requests on the lists analysts poll: each answer carries an ETag (a digest of its body), and a
request that sends it back in `If-None-Match` gets 304 Not Modified with no body while nothing changed."""

from __future__ import annotations

from django.middleware.http import ConditionalGetMiddleware
from django.utils.decorators import decorator_from_middleware
from ninja.decorators import decorate_view

conditional = decorate_view(decorator_from_middleware(ConditionalGetMiddleware))
