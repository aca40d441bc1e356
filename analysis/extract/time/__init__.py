"""extract.time: see docs/architecture.md."""
