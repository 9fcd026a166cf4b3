"""Channel connectors loaded by the Rasa server: fixes for Rasa 3.6's socketio, Slack and Telegram channels,
and the one place where channel-specific formatting lives (formatting.py)."""
