"""Benchmarks of pulumi-meet against its emulator: ``python -m bench`` (see ``bench/README.md``)."""
