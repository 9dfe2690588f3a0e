"""Tests for the IHTC-2024 data model and evaluator (``orplan.ihtc``)."""
