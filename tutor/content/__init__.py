"""The course material's schema and the checks that keep it sound."""
