"""Funding lines per deployment and the sustainability warnings computed from them."""
