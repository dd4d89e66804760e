"""The diff's built-in record kinds: one module per kind, each registering its comparator
(``registry.BUILTIN`` lists them in report order)."""
