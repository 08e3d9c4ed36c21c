"""Rasa input channels with the checks that channel input needs: every request is untrusted."""
