"""planx diff (scaffold; replaced by the diff module)."""
