"""Custom actions of the gut-skin axis assistant (run by `python -m rasa_sdk --actions actions`)."""
