"""Conversation modes: what the learner is doing (asking, a quiz; scenarios and the lab next), one class each."""
