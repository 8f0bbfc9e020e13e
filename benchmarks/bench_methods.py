"""Every public ``Iter`` method against its fastest idiomatic stdlib/more-itertools equivalent
(issue 10), plus the fixed cost of a call on small inputs.

The sweep: one row per public method, over ``N`` items (``data = list(range(N))``), each a pair
of tiny functions doing the same work, the baseline written as a Python programmer would without
itero (builtins, ``itertools``, ``heapq``, ``more_itertools``). Methods that do O(1) work per call
(``next``, ``by_ref``, ``size_hint``, ``close``, ``peek``, ...) are called once per item or per
chunk over the same ``N`` items. Goal: every row <= 1.2x, except ``it.next()`` (<= 4x
``next(it, None)``: the ``Some`` it allocates is most of the floor) and ``size_hint()`` (<= 5x
``operator.length_hint``).

The fixed-cost table: building and consuming tiny pipelines, where the per-call cost of itero
(not the per-item cost) dominates: build + ``take(10)`` + collect (<= 1.6x), and the consumers
``nth``, ``find``, ``any``, ``min``, ``max``, ``count``, ``last`` on 10 items (their goals halve
the overhead over the stdlib call measured before issue 10).

The ``floor`` column times ``Bare``: the thinnest fluent wrapper that pure Python allows (one
slot, no checks at all: no ``MovedError``, no depth limit, no size hints, no argument checks),
doing the same calls. It is the cost of a Python method call and an object per stage; a goal
below it cannot be met by any pure-Python ``Iter``.

Run alone: ``python benchmarks/bench_methods.py [--quick]``.
"""

from __future__ import annotations

import heapq
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import cmp_to_key, partial, reduce
from itertools import (
    chain,
    compress,
    count,
    cycle,
    dropwhile,
    groupby,
    islice,
    takewhile,
    tee,
    zip_longest,
)
from math import prod
from operator import add, attrgetter, itemgetter, length_hint, lt
from typing import Any

import more_itertools as mi
from _harness import Case, Config, Goal, Row, f, ilen, measure, p, render

from itero import Err, Iter, Nothing, Ok, Some

N_FULL = 100_000
N_QUICK = 10_000
SMALL_CALLS_FULL = 20_000
SMALL_CALLS_QUICK = 2_000
SWEEP_GOAL = Goal(1.2)


class Bare:
    """The floor: a fluent wrapper with one slot and no checks (see the module docstring)."""

    __slots__ = ("_it",)

    _it: Any

    def __init__(self, source: Iterable[Any]) -> None:
        self._it = iter(source)

    def next(self) -> Any:
        for x in self._it:
            some = _new_some()
            some._value = x
            return some
        return _NOTHING

    __next__ = property(attrgetter("_it.__next__"))

    def size_hint(self) -> Any:
        # Reading one exact source and allocating the upper bound: what any evaluator must do.
        upper = _new_some()
        upper._value = self._it.__length_hint__()
        return (0, upper)

    def by_ref(self) -> Bare:
        new: Bare = _new_bare()
        new._it = self._it
        return new

    def map(self, fn: Callable[[Any], Any]) -> Bare:
        new: Bare = _new_bare()
        new._it = map(fn, self._it)
        return new

    def take(self, n: int) -> Bare:
        new: Bare = _new_bare()
        new._it = islice(self._it, n)
        return new

    def collect(self) -> list[Any]:
        return list(self._it)

    def find(self, pred: Callable[[Any], object]) -> Any:
        for x in filter(pred, self._it):
            some = _new_some()
            some._value = x
            return some
        return _NOTHING

    def any(self, pred: Callable[[Any], object]) -> bool:
        return any(map(pred, self._it))

    def nth(self, n: int) -> Any:
        for x in islice(self._it, n, None):
            some = _new_some()
            some._value = x
            return some
        return _NOTHING


_new_some: Any = partial(object.__new__, Some)  # the cheapest empty objects (as itero makes them)
_new_bare: Any = partial(object.__new__, Bare)
_NOTHING = Nothing()


def tail(iterable: Iterable[Any]) -> Any:
    """The last item (None if none), pulled at C speed: what every sweep row returns."""
    last = deque(iterable, maxlen=1)
    return last[0] if last else None


def pair(x: int) -> tuple[int, int]:
    """The ``flat_map`` callback."""
    return (x, x)


def compare(a: int, b: int) -> int:
    """The ``*_by`` callback: a three-way comparison."""
    return (a > b) - (a < b)


def some_if(x: int) -> Some[int] | Nothing:
    """The ``filter_map``/``find_map`` callback (two items in three are kept)."""
    return Some(x) if x % 3 else Nothing()


def ok_or_err(x: int) -> Ok[int] | Err[int]:
    """The Result items: an ``Err`` for every tenth."""
    return Err(x) if x % 10 == 0 else Ok(x)


def to_ok(x: int) -> Ok[int]:
    """The ``and_then_ok`` callback."""
    return Ok(x)


def sweep(n: int) -> list[Case]:
    """One case per public ``Iter`` method over ``n`` items."""
    data = list(range(n))
    half = data[: n // 2]
    evens, odds = data[::2], data[1::2]
    nested = [data[i : i + 10] for i in range(0, n, 10)]
    small = list(range(7))
    words = [str(x % 100) for x in data]
    pairs = list(zip(data, data, strict=True))
    results = [ok_or_err(x) for x in data]
    all_ok = [Ok(x) for x in data]
    runs = [x // 3 for x in data]  # runs of three equal items
    stopper = n - 1  # the predicate of the searching consumers matches the last item

    def last_is(x: int) -> bool:
        return x == stopper

    def below(x: int) -> bool:
        return x < stopper

    def gen() -> Iterator[int]:
        yield from data

    rows: list[tuple[str, Callable[[], object], Callable[[], object]]] = []
    floors: dict[str, Callable[[], object]] = {}

    def row(name: str, baseline: Callable[[], object], candidate: Callable[[], object]) -> None:
        rows.append((name, baseline, candidate))

    # -- protocols ------------------------------------------------------------------------
    def next_stdlib() -> object:
        it = iter(data)
        x = None
        for _ in data:
            x = next(it, None)
        return x

    def next_with(make: Callable[[list[int]], Any]) -> Callable[[], object]:
        def run() -> object:  # the same loop for itero and the floor
            nx = make(data).next
            x: Any = None
            for _ in data:
                x = nx()
            return x.unwrap()

        return run

    row("next() ~ next(it, None)", next_stdlib, next_with(Iter))
    floors["next() ~ next(it, None)"] = next_with(Bare)

    def dunder_next_with(make: Callable[[list[int]], Any]) -> Callable[[], object]:
        def run() -> object:  # the same loop for the stdlib, itero and the floor
            it = make(data)
            x = None
            for _ in data:
                x = next(it)
            return x

        return run

    row("next(Iter) ~ next(it)", dunder_next_with(iter), dunder_next_with(Iter))
    floors["next(Iter) ~ next(it)"] = dunder_next_with(Bare)

    hint_calls = max(1, n // 10)
    hint_data = list(range(100))

    def size_hint_stdlib() -> object:
        it = map(f, filter(p, map(f, iter(hint_data))))
        it = islice(it, 50)
        h = 0
        for _ in range(hint_calls):
            h = length_hint(it)
        return h >= 0

    def size_hint_itero() -> object:
        it = Iter(hint_data).map(f).filter(p).map(f).take(50)
        h: Any = None
        for _ in range(hint_calls):
            h = it.size_hint()
        return h == (0, Some(50))

    def size_hint_floor() -> object:
        it = Bare(hint_data)
        h: Any = None
        for _ in range(hint_calls):
            h = it.size_hint()
        return h == (0, Some(100))

    row("size_hint() of 4 stages ~ length_hint(it)", size_hint_stdlib, size_hint_itero)
    floors["size_hint() of 4 stages ~ length_hint(it)"] = size_hint_floor

    def close_stdlib() -> object:
        g = gen()
        r = tail(map(f, g))
        g.close()
        return r

    def close_itero() -> object:
        it = Iter(gen())
        r = tail(it.by_ref().map(f))
        it.close()
        return r

    row("close() ~ gen.close()", close_stdlib, close_itero)

    # -- adapters that reshape --------------------------------------------------------------
    row("chain() ~ chain()", lambda: tail(chain(data, data)), lambda: tail(Iter(data).chain(data)))
    row(
        "zip() ~ zip()",
        lambda: tail(zip(data, data, strict=False)),
        lambda: tail(Iter(data).zip(data)),
    )
    row(
        "enumerate() ~ enumerate()",
        lambda: tail(enumerate(data)),
        lambda: tail(Iter(data).enumerate()),
    )
    row(
        "flatten() ~ chain.from_iterable()",
        lambda: tail(chain.from_iterable(nested)),
        lambda: tail(Iter(nested).flatten()),
    )
    row(
        "flat_map() ~ chain.from_iterable(map())",
        lambda: tail(chain.from_iterable(map(pair, data))),
        lambda: tail(Iter(data).flat_map(pair)),
    )
    row(
        "interleave() ~ mi.interleave_longest()",
        lambda: tail(mi.interleave_longest(data, half)),
        lambda: tail(Iter(data).interleave(half)),
    )
    row(
        "intersperse() ~ mi.intersperse()",
        lambda: tail(mi.intersperse(-1, data)),
        lambda: tail(Iter(data).intersperse(-1)),
    )
    row(
        "zip_longest() ~ zip_longest()",
        lambda: tail(zip_longest(data, half)),
        lambda: tail(Iter(data).zip_longest(half)),
    )
    row(
        "merge() ~ heapq.merge()",
        lambda: tail(heapq.merge(evens, odds)),
        lambda: tail(Iter(evens).merge(odds)),
    )
    row(
        "cycle().take() ~ islice(cycle())",
        lambda: tail(islice(cycle(small), n)),
        lambda: tail(Iter(small).cycle().take(n)),
    )
    row(
        "peekable() iteration ~ iter()",
        lambda: tail(iter(data)),
        lambda: tail(Iter(data).peekable()),
    )
    row(
        "map().peekable() iteration ~ map()",
        lambda: tail(map(f, data)),
        lambda: tail(Iter(data).map(f).peekable()),
    )

    def peek_stdlib() -> object:
        it = mi.peekable(data)
        peek = it.peek
        x = None
        for _ in range(n // 2):
            peek()
            x = next(it)
        return x

    def peek_itero() -> object:
        it = Iter(data).peekable()
        peek = it.peek
        x: Any = None
        for _ in range(n // 2):
            peek()
            x = it.next()
        return x.unwrap()

    row("peek() + next() ~ mi.peekable", peek_stdlib, peek_itero)
    row("fuse() ~ iter()", lambda: tail(iter(data)), lambda: tail(Iter(data).fuse()))

    def by_ref_stdlib() -> object:
        it = iter(data)
        last = None
        while chunk := list(islice(it, 100)):
            last = chunk
        return last

    def by_ref_with(make: Callable[[list[int]], Any]) -> Callable[[], object]:
        def run() -> object:  # the same loop for itero and the floor
            it = make(data)
            last = None
            while chunk := it.by_ref().take(100).collect():
                last = chunk
            return last

        return run

    name = "by_ref().take(100).collect() ~ list(islice(it, 100))"
    row(name, by_ref_stdlib, by_ref_with(Iter))
    floors[name] = by_ref_with(Bare)

    # -- adapters that map ---------------------------------------------------------------------
    row("map() ~ map()", lambda: tail(map(f, data)), lambda: tail(Iter(data).map(f)))
    row(
        "inspect() ~ mi.side_effect()",
        lambda: tail(mi.side_effect(f, data)),
        lambda: tail(Iter(data).inspect(f)),
    )
    row(
        "filter_map() ~ map(value, filter(is_some, map()))",
        lambda: tail(map(Some.value.fget, filter(Some.__instancecheck__, map(some_if, data)))),
        lambda: tail(Iter(data).filter_map(some_if)),
    )
    row(
        "map_while() ~ map(value, takewhile(is_some, map()))",
        lambda: tail(map(Some.value.fget, takewhile(Some.__instancecheck__, map(Some, data)))),
        lambda: tail(Iter(data).map_while(Some)),
    )

    def step(state: int, x: int) -> Some[tuple[int, int]]:
        return Some((state + x, state + x))

    def scan_stdlib() -> object:
        def scanned() -> Iterator[int]:  # the same callback, unwrapped by hand
            state = 0
            for x in data:
                o = step(state, x)
                if o.__class__ is not Some:
                    return
                state, out = o.value
                yield out

        return tail(scanned())

    def scan_itero() -> object:
        return tail(Iter(data).scan(0, step))

    row("scan() ~ a generator", scan_stdlib, scan_itero)

    def progress_stdlib() -> object:
        def counted() -> Iterator[int]:  # a counter, and a line at the end
            seen = 0
            for x in data:
                seen += 1
                yield x
            no_log(f"items: done, {seen} it")

        return tail(counted())

    def no_log(line: str) -> None:
        pass

    row(
        "progress() ~ a counting generator",
        progress_stdlib,
        lambda: tail(Iter(data).progress("items", bar=False, log=no_log)),
    )

    pool_items = data[: max(10, n // 100)]  # threads: fewer items, same work per item

    def map_concurrent_stdlib() -> object:
        with ThreadPoolExecutor(4) as pool:
            return tail(pool.map(f, pool_items))

    def map_concurrent_itero() -> object:
        with Iter(pool_items).map_concurrent(f, concurrency=4) as it:
            return tail(it)

    row(
        "map_concurrent() ~ ThreadPoolExecutor.map()",
        map_concurrent_stdlib,
        map_concurrent_itero,
    )

    # -- adapters that cut ---------------------------------------------------------------------
    row("filter() ~ filter()", lambda: tail(filter(p, data)), lambda: tail(Iter(data).filter(p)))
    row(
        "take() ~ islice()",
        lambda: tail(islice(data, n // 2)),
        lambda: tail(Iter(data).take(n // 2)),
    )
    row(
        "skip() ~ islice(it, k, None)",
        lambda: tail(islice(data, n // 2, None)),
        lambda: tail(Iter(data).skip(n // 2)),
    )
    row(
        "take_while() ~ takewhile()",
        lambda: tail(takewhile(below, data)),
        lambda: tail(Iter(data).take_while(below)),
    )
    row(
        "skip_while() ~ dropwhile()",
        lambda: tail(dropwhile(below, data)),
        lambda: tail(Iter(data).skip_while(below)),
    )
    row(
        "step_by() ~ islice(it, 0, None, k)",
        lambda: tail(islice(data, 0, None, 3)),
        lambda: tail(Iter(data).step_by(3)),
    )

    # -- grouping and windows ------------------------------------------------------------------
    def chunks_stdlib() -> object:
        it = iter(data)
        return tail(iter(lambda: list(islice(it, 100)), []))

    row(
        "chunks() ~ iter(lambda: list(islice()), [])",
        chunks_stdlib,
        lambda: tail(Iter(data).chunks(100)),
    )
    row(
        "windows(5) ~ mi.sliding_window()",
        lambda: tail(mi.sliding_window(data, 5)),
        lambda: tail(Iter(data).windows(5)),
    )
    row(
        "chunk_by() ~ groupby() + list",
        lambda: tail((k, list(g)) for k, g in groupby(runs, f)),
        lambda: tail(Iter(runs).chunk_by(f)),
    )
    row(
        "dedup() ~ map(itemgetter(0), groupby())",
        lambda: tail(map(itemgetter(0), groupby(runs))),
        lambda: tail(Iter(runs).dedup()),
    )
    row(
        "dedup_by_key() ~ mi.unique_justseen(key=)",
        lambda: tail(mi.unique_justseen(runs, key=f)),
        lambda: tail(Iter(runs).dedup_by_key(f)),
    )
    row(
        "unique() ~ mi.unique_everseen()",
        lambda: tail(mi.unique_everseen(runs)),
        lambda: tail(Iter(runs).unique()),
    )
    row(
        "unique_by_key() ~ mi.unique_everseen(key=)",
        lambda: tail(mi.unique_everseen(runs, key=f)),
        lambda: tail(Iter(runs).unique_by_key(f)),
    )

    # -- Option/Result-aware adapters ------------------------------------------------------------
    def ok_map(r: Any) -> Any:
        return Ok(f(r._value)) if r.__class__ is Ok else r

    def err_map(r: Any) -> Any:
        return Err(f(r._error)) if r.__class__ is Err else r

    def ok_then(r: Any) -> Any:
        return to_ok(r._value) if r.__class__ is Ok else r

    def ok_keep(r: Any) -> bool:
        return r.__class__ is not Ok or p(r._value)

    def err_seen(r: Any) -> Any:
        if r.__class__ is Err:
            f(r._error)
        return r

    row(
        "map_ok() ~ map(a function)",
        lambda: tail(map(ok_map, results)),
        lambda: tail(Iter(results).map_ok(f)),
    )
    row(
        "map_err() ~ map(a function)",
        lambda: tail(map(err_map, results)),
        lambda: tail(Iter(results).map_err(f)),
    )
    row(
        "and_then_ok() ~ map(a function)",
        lambda: tail(map(ok_then, results)),
        lambda: tail(Iter(results).and_then_ok(to_ok)),
    )
    row(
        "filter_ok() ~ filter(a function)",
        lambda: tail(filter(ok_keep, results)),
        lambda: tail(Iter(results).filter_ok(p)),
    )
    row(
        "inspect_err() ~ map(a function)",
        lambda: tail(map(err_seen, results)),
        lambda: tail(Iter(results).inspect_err(f)),
    )
    row(
        "oks() ~ map(value, filter(is_ok))",
        lambda: tail(map(Ok.value.fget, filter(Ok.__instancecheck__, results))),
        lambda: tail(Iter(results).oks()),
    )
    row(
        "errs() ~ map(error, filter(is_err))",
        lambda: tail(map(Err.error.fget, filter(Err.__instancecheck__, results))),
        lambda: tail(Iter(results).errs()),
    )

    # -- consumers that fold ----------------------------------------------------------------------
    row("collect() ~ list()", lambda: list(data)[-1], lambda: Iter(data).collect()[-1])
    row("collect(set) ~ set()", lambda: len(set(runs)), lambda: len(Iter(runs).collect(set)))

    def for_each_stdlib() -> object:
        for x in data:
            f(x)

    row("for_each() ~ a for loop", for_each_stdlib, lambda: Iter(data).for_each(f))
    row(
        "fold() ~ functools.reduce()", lambda: reduce(add, data, 0), lambda: Iter(data).fold(0, add)
    )

    def add_ok(acc: int, x: int) -> Ok[int]:
        return Ok(acc + x)

    def try_fold_stdlib() -> object:
        acc = 0
        for x in data:
            r = add_ok(acc, x)
            if r.__class__ is not Ok:
                return r
            acc = r.value
        return Ok(acc)

    row(
        "try_fold() ~ a for loop",
        try_fold_stdlib,
        lambda: Iter(data).try_fold(0, add_ok),
    )

    def try_for_each_stdlib() -> object:
        for x in data:
            r = to_ok(x)
            if r.__class__ is Err:
                return r
        return Ok(None)

    row("try_for_each() ~ a for loop", try_for_each_stdlib, lambda: Iter(data).try_for_each(to_ok))
    row(
        "reduce() ~ functools.reduce()",
        lambda: reduce(add, data),
        lambda: Iter(data).reduce(add).unwrap(),
    )
    row("count() ~ mi.ilen()", lambda: mi.ilen(map(f, data)), lambda: Iter(data).map(f).count())
    row("sum() ~ sum()", lambda: sum(data), lambda: Iter(data).sum())
    row(
        "product() ~ math.prod()",
        lambda: prod(map(bool, data)),
        lambda: Iter(data).map(bool).product(),
    )
    row("min() ~ min()", lambda: min(data), lambda: Iter(data).min().unwrap())
    row("max() ~ max()", lambda: max(data), lambda: Iter(data).max().unwrap())

    def min_by_stdlib() -> object:
        return min(data, key=cmp_to_key(compare))

    def max_by_stdlib() -> object:
        return max(data, key=cmp_to_key(compare))

    row(
        "min_by() ~ min(key=cmp_to_key())",
        min_by_stdlib,
        lambda: Iter(data).min_by(compare).unwrap(),
    )
    row(
        "max_by() ~ max(key=cmp_to_key())",
        max_by_stdlib,
        lambda: Iter(data).max_by(compare).unwrap(),
    )
    row(
        "min_by_key() ~ min(key=)",
        lambda: min(data, key=f),
        lambda: Iter(data).min_by_key(f).unwrap(),
    )
    row(
        "max_by_key() ~ max(key=)",
        lambda: max(data, key=f),
        lambda: Iter(data).max_by_key(f).unwrap(),
    )
    row(
        "last() ~ mi.last()",
        lambda: mi.last(map(f, data)),
        lambda: Iter(data).map(f).last().unwrap(),
    )

    def partition_stdlib() -> object:
        yes: list[int] = []
        no: list[int] = []
        for x in data:
            (yes if p(x) else no).append(x)
        return (yes, no)

    row("partition() ~ a for loop", partition_stdlib, lambda: Iter(data).partition(p))

    def unzip_stdlib() -> object:
        a, b = zip(*pairs, strict=True)
        return (list(a), list(b))

    row("unzip() ~ zip(*pairs)", unzip_stdlib, lambda: Iter(pairs).unzip())
    row("join() ~ str.join()", lambda: ",".join(words), lambda: Iter(words).join(","))

    def try_collect_stdlib() -> object:
        out: list[int] = []
        for r in all_ok:
            if r.__class__ is Err:
                return r
            out.append(r._value)
        return Ok(out)

    row("try_collect() ~ a for loop", try_collect_stdlib, lambda: Iter(all_ok).try_collect())

    def partition_results_stdlib() -> object:
        oks: list[int] = []
        errs: list[int] = []
        for r in results:
            if r.__class__ is Ok:
                oks.append(r._value)
            else:
                errs.append(r._error)
        return (oks, errs)

    row(
        "partition_results() ~ a for loop",
        partition_results_stdlib,
        lambda: Iter(results).partition_results(),
    )

    def process_results_stdlib() -> object:
        total = 0
        for r in all_ok:
            if r.__class__ is not Ok:
                return r
            total += r.value
        return Ok(total)

    row(
        "process_results() ~ a for loop",
        process_results_stdlib,
        lambda: Iter(all_ok).process_results(lambda oks: oks.sum()),
    )

    # -- consumers that search --------------------------------------------------------------------
    row("any() ~ any(map())", lambda: any(map(last_is, data)), lambda: Iter(data).any(last_is))
    row("all() ~ all(map())", lambda: all(map(below, data)), lambda: Iter(data).all(below))
    row(
        "find() ~ next(filter(), None)",
        lambda: next(filter(last_is, data), None),
        lambda: Iter(data).find(last_is).unwrap(),
    )

    def find_some(x: int) -> Some[int] | Nothing:
        return Some(x) if x == stopper else Nothing()

    row(
        "find_map() ~ next(filter(is_some, map()))",
        lambda: next(filter(Some.__instancecheck__, map(find_some, data)), None),
        lambda: Iter(data).find_map(find_some),
    )
    row(
        "position() ~ next(compress(count(), map()))",
        lambda: next(compress(count(), map(last_is, data)), None),
        lambda: Iter(data).position(last_is).unwrap(),
    )
    row(
        "nth() ~ next(islice(it, k, None))",
        lambda: next(islice(map(f, data), n - 1, None), None),
        lambda: Iter(data).map(f).nth(n - 1).unwrap(),
    )

    # -- consumers that compare -------------------------------------------------------------------
    # Baselines: the lexicographic walk written by hand over two iterators (what a Python
    # programmer writes for streams; `list(a) == list(b)` would hold both inputs in memory).
    other = list(data)
    bigger = [*data[:-1], n]
    end = object()

    def first_difference(a: Iterable[Any], b: Iterable[Any]) -> tuple[Any, Any] | None:
        for x, y in zip_longest(a, b, fillvalue=end):
            if x != y:
                return (x, y)
        return None

    def lex(a: Iterable[Any], b: Iterable[Any]) -> int:
        pair = first_difference(a, b)
        if pair is None:
            return 0
        x, y = pair
        return -1 if x is end or (y is not end and x < y) else 1

    row(
        "eq() ~ a zip_longest loop",
        lambda: first_difference(data, other) is None,
        lambda: Iter(data).eq(other),
    )
    row(
        "ne() ~ a zip_longest loop",
        lambda: first_difference(data, other) is not None,
        lambda: Iter(data).ne(other),
    )
    row("lt() ~ a zip_longest loop", lambda: lex(data, bigger) == -1, lambda: Iter(data).lt(bigger))
    row("le() ~ a zip_longest loop", lambda: lex(data, bigger) <= 0, lambda: Iter(data).le(bigger))
    row("gt() ~ a zip_longest loop", lambda: lex(data, bigger) == 1, lambda: Iter(data).gt(bigger))
    row("ge() ~ a zip_longest loop", lambda: lex(data, bigger) >= 0, lambda: Iter(data).ge(bigger))
    row("cmp() ~ a zip_longest loop", lambda: lex(data, bigger), lambda: Iter(data).cmp(bigger))

    def sorted_stdlib(xs: list[Any]) -> bool:
        a, b = tee(xs)
        next(b, None)
        return not any(map(lt, b, a))

    row(
        "is_sorted() ~ not any(map(lt, b, a))",
        lambda: sorted_stdlib(data),
        lambda: Iter(data).is_sorted(),
    )
    row(
        "is_sorted_by() ~ all(map(compare, a, b))",
        lambda: all(map(lambda a, b: a <= b, data, islice(data, 1, None))),
        lambda: Iter(data).is_sorted_by(lambda a, b: a <= b),
    )
    row(
        "is_sorted_by_key() ~ mi.is_sorted(key=)",
        lambda: mi.is_sorted(data, key=f),
        lambda: Iter(data).is_sorted_by_key(f),
    )

    # -- data-scalable kit ----------------------------------------------------------------------
    row(
        "batched_by_size() ~ mi.constrained_batches()",
        lambda: list(tail(mi.constrained_batches(words, 1000, get_len=len))),
        lambda: tail(Iter(words).batched_by_size(1000)),
    )
    row(
        "try_batched_by_size() ~ mi.constrained_batches()",
        lambda: list(tail(mi.constrained_batches(words, 1000, get_len=len))),
        lambda: tail(Iter(words).try_batched_by_size(1000)).unwrap(),
    )

    def no_sleep(seconds: float) -> None:
        pass

    def paced_stdlib() -> object:
        def paced() -> Iterator[int]:  # a token bucket by hand: a clock read per item
            interval = 1e-12
            ready = time.monotonic()
            for x in data:
                now = time.monotonic()
                if now < ready:
                    no_sleep(ready - now)
                    now = ready
                ready = max(ready, now - interval) + interval
                yield x

        return tail(paced())

    row(
        "rate_limited() ~ a token-bucket generator",
        paced_stdlib,
        lambda: tail(Iter(data).rate_limited(1e12, sleep=no_sleep)),
    )

    cases: list[Case] = []
    for name, baseline, candidate in rows:
        goal = SWEEP_GOAL
        if name.startswith("next() "):
            goal = Goal(4.0)
        elif name.startswith("size_hint()"):
            goal = Goal(5.0)
        peers = {"floor": floors[name]} if name in floors else {}
        cases.append(Case(name, baseline, candidate, goal, peers=peers))
    return cases


# Each consumer's ratio to the stdlib call on 10 items before issue 10 (main at 97293df, this
# benchmark, two full runs on the same machine); the goal halves the overhead over the stdlib
# call: 1 + (before - 1) / 2. ``Iter(x)`` alone costs ~0.14 µs of it.
SMALL_BEFORE = {
    "nth": 5.8,
    "find": 3.96,
    "any": 2.95,
    "min": 4.45,
    "max": 6.4,
    "count": 1.76,
    "last": 2.55,
}


def fixed_cost(calls: int) -> list[Case]:
    """Per-call cases: tiny pipelines built and consumed ``calls`` times per run."""
    ten = list(range(10))
    big = range(10**12)

    def loop(thunk: Callable[[], object]) -> Callable[[], object]:
        def run() -> object:
            r = None
            for _ in range(calls):
                r = thunk()
            return r

        return run

    def case(
        name: str,
        goal: Goal,
        baseline: Callable[[], object],
        candidate: Callable[[], object],
        floor: Callable[[], object] | None = None,
    ) -> Case:
        peers = {} if floor is None else {"floor": loop(floor)}
        return Case(name, loop(baseline), loop(candidate), goal, peers=peers, per_call=calls)

    cases = [
        case(
            "build + take(10) + collect: Iter(range(10**12)).map(f).take(10).collect()",
            Goal(1.6),
            lambda: list(islice(map(f, big), 10)),
            lambda: Iter(big).map(f).take(10).collect(),
            lambda: Bare(big).map(f).take(10).collect(),
        ),
        case(
            "Iter(x)",
            Goal(),
            lambda: iter(ten) and None,
            lambda: Iter(ten) and None,
            lambda: Bare(ten) and None,
        ),
    ]
    floors: dict[str, Callable[[], object]] = {
        "nth": lambda: Bare(ten).nth(5).unwrap(),
        "find": lambda: Bare(ten).find(p).unwrap(),
        "any": lambda: Bare(ten).any(p),
    }
    small: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
        "nth": (lambda: next(islice(ten, 5, None), None), lambda: Iter(ten).nth(5).unwrap()),
        "find": (lambda: next(filter(p, ten), None), lambda: Iter(ten).find(p).unwrap()),
        "any": (lambda: any(map(p, ten)), lambda: Iter(ten).any(p)),
        "min": (lambda: min(ten), lambda: Iter(ten).min().unwrap()),
        "max": (lambda: max(ten), lambda: Iter(ten).max().unwrap()),
        "count": (lambda: ilen(ten), lambda: Iter(ten).count()),
        "last": (lambda: tail(ten), lambda: Iter(ten).last().unwrap()),
    }
    for name, (baseline, candidate) in small.items():
        goal = Goal(round(1 + (SMALL_BEFORE[name] - 1) / 2, 2))
        cases.append(case(f"{name}() on 10 items", goal, baseline, candidate, floors.get(name)))
    return cases


NOTES = """\
Sweep: `data` is a list of N = {n:,} ints, `f(x) = x + 1`, `p(x) = x % 3 != 0`, `mi` is
more-itertools; each row names the method and its baseline, and both sides return the same value
(`tests/test_benchmarks_smoke.py` checks it). Items are drained with `deque(maxlen=1)` on both
sides. Per-call rows (`next`, `next(Iter)`, `size_hint`, `peek`) loop in Python on both sides.
Fixed cost: each run makes {calls:,} calls; times are per call. `floor` is `Bare` doing the same
calls (see the module docstring): the least a pure-Python wrapper can cost, with no checks."""


def table(config: Config) -> tuple[str, list[Row]]:
    """Measure every case; return the Markdown section and the rows."""
    n = N_QUICK if config.quick else N_FULL
    calls = SMALL_CALLS_QUICK if config.quick else SMALL_CALLS_FULL
    sweep_rows = [measure(case, config) for case in sweep(n)]
    fixed_rows = [measure(case, config) for case in fixed_cost(calls)]
    worst = max(
        (r for r in sweep_rows if r.ratio is not None and r.case.goal == SWEEP_GOAL),
        key=lambda r: r.ratio or 0.0,
        default=None,
    )
    summary = (
        ""
        if worst is None
        else (f"Worst sweep row (goal 1.2x): `{worst.case.name}` at {worst.ratio:.2f}x.")
    )
    text = "\n\n".join(
        [
            "## Every Iter method (issue 10)",
            render(sweep_rows, config, "baseline"),
            summary,
            "### Fixed cost per call on small inputs",
            render(fixed_rows, config),
            NOTES.format(n=n, calls=calls),
        ]
    )
    return text, [*sweep_rows, *fixed_rows]


def main() -> None:
    """Print this section's tables."""
    import sys

    print(table(Config(quick="--quick" in sys.argv[1:], peers=False))[0])


if __name__ == "__main__":
    main()
