"""Entry point of `make bench`."""

import sys

from bench import load

if __name__ == "__main__":
    sys.exit(load.main([]))
