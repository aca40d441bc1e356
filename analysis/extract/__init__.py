"""extract: see docs/architecture.md."""
