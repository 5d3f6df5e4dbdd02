"""Shared code reached only by a relative import beyond the top level (L6, beyond_top)."""
