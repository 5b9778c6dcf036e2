"""voice-interviewer: spoken mock interviews for ML system design, offline by default."""

__version__ = "0.1.0"
