"""Shared text helpers no stage owns: tokens, TF-IDF vectors, and spotting numbers, dates and 《titles》.

Imports no stage, so select, stories, write and verify can all build on it.
"""
