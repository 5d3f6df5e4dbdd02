"""Shared code imported by a blueprint (relative import inside the package)."""


def helper_text() -> str:
    return "shared helper"
