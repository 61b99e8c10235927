"""kommunrapport: monthly economic and volume reports for Swedish municipal committees."""

__version__ = "0.1.0"
