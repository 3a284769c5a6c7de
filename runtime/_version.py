"""The distribution's version; also the single source for pyproject.toml and the User-Agent."""

__version__ = "0.1.0"
