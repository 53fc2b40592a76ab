"""Training and evaluation corpora: used by the scripts only, never installed."""
