"""NLU components named in config.yml (topic_model.py and model_files.py themselves import no Rasa)."""
