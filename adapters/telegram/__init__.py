"""The Telegram adapter: Updates -> ``Incoming``, ``Reply`` -> Bot API calls, and an Outbox for pushes.

Thin on purpose: every pedagogical decision stays in the core (``Assistant.handle``); this package only translates and
renders within Telegram's limits (4096 characters a message, 64 bytes of callback data, flood limits).
"""
