"""The terminal chat: the smallest adapter, and the embedded default."""
