"""Models arrive with the scoring issue; the app is registered so the shape is in place."""
