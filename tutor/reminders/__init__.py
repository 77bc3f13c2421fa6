"""Daily quiz reminders: when each learner is due, and the dispatcher that sends them once a day."""
