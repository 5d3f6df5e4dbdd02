"""Shared code of the app (L1: a folder without function.json is not a function)."""
