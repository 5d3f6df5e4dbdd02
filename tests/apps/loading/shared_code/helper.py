"""Imported by several functions (L4, L6)."""


def greet(who):
    return "helper greets " + who
