"""Option/Result overhead (issue 2): construction, and a short method chain.

* Construction: ``Some(x)`` and ``Ok(x)`` against a bare class with ``__slots__`` and an
  ``__init__`` (the least a Python object holding one value can cost); goal <= 1.3x.
* Chains: ``Ok(x).map(f).unwrap_or(d)`` and ``Some(x).and_then(g).unwrap_or(d)`` against the same
  chain written with the ``result`` package (rustedpy/result); goal <= 1.0x. ``result`` has no
  Option type, so the ``Some`` chain is compared with ``result.Ok(x).and_then(g)``, which does the
  same work (one call, one new object). The ``Err``/``Nothing`` rows are informational.

Run alone: ``python benchmarks/bench_option_result.py [--quick]``.
"""

from __future__ import annotations

from typing import Any

from _harness import (
    Case,
    Config,
    Goal,
    Peer,
    Row,
    Thunk,
    consume,
    f,
    measure,
    optional_import,
    render,
)

from itero import Err, Nothing, Ok, Some

result_pkg = optional_import("result")
ROk: Any = getattr(result_pkg, "Ok", None)
RErr: Any = getattr(result_pkg, "Err", None)

N_FULL = 100_000
N_QUICK = 30_000
D = -1
"""The default passed to ``unwrap_or``."""


class Plain:
    """The baseline: the cheapest Python object that holds one value."""

    __slots__ = ("_value",)

    def __init__(self, value: object) -> None:
        self._value = value


def cases(n: int) -> list[Case]:
    """The cases over ``n`` values. Each variant returns its result for the smoke test."""
    data = list(range(n))
    note = "result not installed"

    def plain_construct() -> None:
        consume(map(Plain, data))

    def some_construct() -> None:
        consume(map(Some, data))

    def ok_construct() -> None:
        consume(map(Ok, data))

    def some_g(x: int) -> Some[int]:
        return Some(x + 1)

    def ok_map_chain() -> int:
        r = D
        for x in data:
            r = Ok(x).map(f).unwrap_or(D)
        return r

    def some_and_then_chain() -> int:
        r = D
        for x in data:
            r = Some(x).and_then(some_g).unwrap_or(D)
        return r

    def err_map_chain() -> int:
        r = 0
        for x in data:
            r = Err(x).map(f).unwrap_or(D)
        return r

    def nothing_and_then_chain() -> int:
        r = 0
        for _ in data:
            r = Nothing().and_then(some_g).unwrap_or(D)
        return r

    # The same work with the `result` package (called only when it is installed).
    def result_ok_construct() -> None:
        consume(map(ROk, data))

    def result_g(x: int) -> object:
        return ROk(x + 1)

    def result_ok_map_chain() -> int:
        r = D
        for x in data:
            r = ROk(x).map(f).unwrap_or(D)
        return r

    def result_ok_and_then_chain() -> int:
        r = D
        for x in data:
            r = ROk(x).and_then(result_g).unwrap_or(D)
        return r

    def result_err_map_chain() -> int:
        r = 0
        for x in data:
            r = RErr(x).map(f).unwrap_or(D)
        return r

    def result_err_and_then_chain() -> int:
        r = 0
        for x in data:
            r = RErr(x).and_then(result_g).unwrap_or(D)
        return r

    def ref(thunk: Thunk) -> Thunk | None:
        return None if result_pkg is None else thunk

    construct_peers: dict[str, Peer] = {"result": ref(result_ok_construct) or note}
    return [
        Case("construct Some(x)", plain_construct, some_construct, Goal(1.3), construct_peers),
        Case("construct Ok(x)", plain_construct, ok_construct, Goal(1.3), construct_peers),
        Case(
            "Ok(x).map(f).unwrap_or(d)",
            ref(result_ok_map_chain),
            ok_map_chain,
            Goal(1.0),
            note=note,
        ),
        Case(
            "Some(x).and_then(g).unwrap_or(d) [vs result.Ok.and_then]",
            ref(result_ok_and_then_chain),
            some_and_then_chain,
            Goal(1.0),
            note=note,
        ),
        Case(
            "Err(e).map(f).unwrap_or(d)",
            ref(result_err_map_chain),
            err_map_chain,
            Goal(),
            note=note,
        ),
        Case(
            "Nothing().and_then(g).unwrap_or(d) [vs result.Err.and_then]",
            ref(result_err_and_then_chain),
            nothing_and_then_chain,
            Goal(),
            note=note,
        ),
    ]


NOTES = """\
Baselines: the two construction rows compare with `Plain(x)`, a class with `__slots__` and an
`__init__` (the ratio column); the `result` column is `result.Ok(x)` against the same baseline.
Chain rows compare with the same chain written with the `result` package, so *baseline* there is
`result`, not the stdlib. Each run maps or loops over {n:,} values; times are per run."""


def table(config: Config) -> tuple[str, list[Row]]:
    """Measure every case; return the Markdown section and the rows."""
    n = N_QUICK if config.quick else N_FULL
    rows = [measure(case, config) for case in cases(n)]
    text = "\n\n".join(
        [
            "## Option / Result (issue 2)",
            render(rows, config, baseline_label="baseline"),
            NOTES.format(n=n),
        ]
    )
    return text, rows


def main() -> None:
    """Print this section's table."""
    import sys

    print(table(Config(quick="--quick" in sys.argv[1:]))[0])


if __name__ == "__main__":
    main()
