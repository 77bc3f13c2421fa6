"""CAIRE tutor core: platform-neutral, it decides; adapters render."""
