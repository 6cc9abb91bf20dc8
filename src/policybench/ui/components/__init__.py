"""Reusable pieces of the app; each ``show(...)`` owns its widget keys."""
