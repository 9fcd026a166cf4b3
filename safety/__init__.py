"""The safety net's readings of a message (phrase rules, numbers, a learned model): no Rasa imports, so they are
used and tested alone; rasa_ext/components/safety_net.py is the Rasa component that runs them."""
