"""knowledge: see docs/architecture.md."""
