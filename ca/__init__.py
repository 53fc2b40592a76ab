"""llmwall ca package."""
