"""HTTP adapters: parse, call one service function, serialize."""
