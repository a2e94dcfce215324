"""Entry point of `make bench`."""

if __name__ == "__main__":
    print("no benchmarks yet")
