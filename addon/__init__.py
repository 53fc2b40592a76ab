"""llmwall addon package."""
