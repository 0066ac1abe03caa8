"""`{{ amount|pounds }}`: an amount of money as the funding pages write it (£45,000 or £45,000.50)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from newroles.funding.services import pounds as _pounds

register = template.Library()


@register.filter
def pounds(amount: Decimal | None) -> str:
    return _pounds(amount)
