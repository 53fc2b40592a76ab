"""`python -m llmwall ...` is the `llmwall` command."""

from llmwall.addon.cli import main

raise SystemExit(main())
