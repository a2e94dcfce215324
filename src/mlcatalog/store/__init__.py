"""Persistence: versioned aspects, relationship edges and the change log."""
