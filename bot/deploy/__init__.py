"""Running Signpost beyond one machine: store settings, Rasa's endpoints, the replicated stack."""
