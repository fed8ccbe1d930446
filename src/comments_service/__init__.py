"""Self-hosted comments for the Medical Massage San Diego site."""

__version__ = "1.0.0"
