"""The tutors' dashboard: a Starlette app with server-rendered pages (flag queue, flags, learners, analytics)."""
