"""Entry points: the command line, `tutor serve` and the composition root; the only layer that imports adapters."""
