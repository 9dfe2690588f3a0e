"""orplan: operating-room scheduling optimiser."""

__version__ = "0.1.0"
