"""Everything in this project that changes Rasa 3.6.21 (docs/rasa-deviations.md lists each change):

- components/: NLU components named in config.yml (the intent and topic classifiers, the safety net)
- policies/: the dialogue policy named in config.yml (RulePolicy matching the latest states only)
- patches/: start-up patches of Rasa's internals, installed by scripts/rasa_server.py (settings.py: off switches)
- channels/: the channels named in credentials.yml, subclasses of Rasa's, with their formatting and limits
- stores/: the tracker store named in endpoints.yml

Only the Rasa server imports this package; knowledge/, actions/ and safety/ never import it.
"""
