"""One module per measured system; each exposes run(ctx) -> Results."""
