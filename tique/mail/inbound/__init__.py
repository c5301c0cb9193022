"""Inbound e-mail: store the raw message first, then parse, route and process it."""
