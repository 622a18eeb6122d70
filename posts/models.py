"""Models arrive with the posts issue; the app is registered so the shape is in place."""
