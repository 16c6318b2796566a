"""Benchmarks of Klassa at a real organisation's size (numbers, not tests): see run.py."""
