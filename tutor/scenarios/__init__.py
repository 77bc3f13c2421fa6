"""Branching bias-awareness scenarios: their format, their checks, the runs learners play."""
