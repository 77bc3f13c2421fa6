"""Spaced quizzes: items, grading, FSRS scheduling, sessions and progress."""
