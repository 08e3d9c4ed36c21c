"""The environment every Signpost process runs with, set before Rasa is imported: Rasa's
telemetry off (nothing about a conversation leaves the machine), and no banners or C++ logs
from SQLAlchemy and TensorFlow in front of what the command prints."""

QUIET = {
    "RASA_TELEMETRY_ENABLED": "false",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}
