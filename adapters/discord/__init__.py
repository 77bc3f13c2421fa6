"""The Discord adapter: interactions and messages -> ``Incoming``, ``Reply`` -> messages and views, an Outbox.

Thin on purpose: every pedagogical decision stays in the core (``Assistant.handle``); this package only translates and
renders within Discord's rules (2,000 characters a message, 100-character custom ids, the 3-second deadline to
acknowledge an interaction, ephemeral replies in servers).
"""
