"""A first look at itero: a lazy pipeline over Results, and Option/Result values.

Run it with ``python examples/quickstart.py``.
"""

from __future__ import annotations

from itero import Err, Iter, Nothing, Ok, Result, Some


def parse(line: str) -> Result[int, ValueError]:
    """Parse one line as an int, keeping a bad line as an ``Err`` instead of raising."""
    try:
        return Ok(int(line))
    except ValueError as exc:
        return Err(exc)


def main() -> None:
    # Option and Result values print as they are written.
    print(Some(1), Nothing(), Ok("ready"), Err("boom"))

    # A lazy pipeline: nothing is read or parsed until a consumer pulls.
    lines = Iter(["3", "oops", "4", "10", "x"])
    numbers = lines.map(parse)
    good, bad = numbers.partition_results()
    print("parsed:", good)
    print("rejected:", [str(e) for e in bad])

    # An unbounded source is fine: only the first three even squares are ever computed.
    evens = Iter(range(10**18)).map(lambda n: n * n).filter(lambda n: n % 2 == 0).take(3)
    print("first even squares:", evens.collect())


if __name__ == "__main__":
    main()
