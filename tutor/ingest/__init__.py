"""Turning course files into indexed passages."""
