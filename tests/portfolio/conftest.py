"""Fixtures shared by the portfolio tests (defined next to the page tests that use most)."""

from tests.portfolio.test_views import portfolio_data  # noqa: F401
