"""Smart-city privacy trade-off simulator: world, sensors, privacy controls and assessment (no UI)."""
