"""dailybrief: verified, cited daily intelligence briefs from news and policy pages."""

__version__ = "0.1.0"
