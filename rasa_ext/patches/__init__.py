"""Start-up patches of Rasa 3.6.21's internals, installed by scripts/rasa_server.py before `rasa run`."""
