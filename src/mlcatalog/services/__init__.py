"""Use cases, with no HTTP and no SQL in them."""
