"""Forewarning: dated national events that change what trusts must plan, and roles' lead times."""
