"""Hamafza: a platform for networks of religious and cultural community organizations."""
