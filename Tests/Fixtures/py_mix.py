"""Four pure-Python functions with different shares of the work, for the
perf-map and py-spy comparisons: heavy 8, medium 4, light 2, tiny 1 units."""
import sys


def churn(n):
    x = 0
    for i in range(n):
        x = (x * 31 + i) & 0xFFFF
    return x


def heavy(n):
    total = 0
    for i in range(n):
        total += i % 7
    return total


def medium(n):
    return sum(churn(n // 100) for _ in range(100))


def light(n):
    s = []
    for i in range(n):
        s.append(i ^ 5)
    return len(s)


def tiny(n):
    d = {}
    for i in range(n):
        d[i & 255] = i
    return len(d)


def main(rounds):
    unit = 200_000
    for _ in range(rounds):
        heavy(8 * unit)
        medium(4 * unit)
        light(2 * unit)
        tiny(unit)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
