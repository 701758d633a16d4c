"""hgkbp-ld: the Flemish horizontal policy plans published as linked open data."""

__version__ = "0.1.0"
