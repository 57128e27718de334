"""kg: documents in, a trustworthy knowledge graph out."""
__version__ = "0.1.0"
