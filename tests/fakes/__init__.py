"""Local stand-ins for the Slack Web API and the Telegram Bot API: they record calls and answer like the real ones."""
