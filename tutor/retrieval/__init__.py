"""Finding the passages of the course that answer a question."""
