"""A unit test of the app (L1: the tests folder is not a function)."""
