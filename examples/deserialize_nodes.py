"""Parse JSON lines into nodes lazily: good lines become nodes, bad lines become errors.

`deserialize_nodes` takes an `Iter` of lines and returns an `Iter` of `Result`s: `Ok(node)` for
a line that holds a valid node, `Err(ValueError)` naming the line number for one that does not.
Nothing is parsed until a consumer asks, one line is in flight at a time, and a bad line does
not stop the others: the caller decides what to do with each error.

Run it:  python examples/deserialize_nodes.py [SIZES...]   (default sizes: 10000 1000000)
"""

from __future__ import annotations

import gc
import json
import sys
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass

from itero import Err, Iter, Ok, Result

# --- The data --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A node of a tree: its id, its name, and the id of its parent (None for a root)."""

    id: int
    name: str
    parent: int | None


# --- Parsing one line, then a stream of lines ------------------------------------------------


def parse_node(line_number: int, line: str) -> Result[Node, ValueError]:
    """One JSON line to `Ok(Node)`, or `Err(ValueError)` that says which line and why."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return Err(ValueError(f"line {line_number}: not JSON ({exc.msg})"))
    if not isinstance(data, dict):
        return Err(ValueError(f"line {line_number}: expected an object, got {line.strip()}"))
    node_id, name, parent = data.get("id"), data.get("name"), data.get("parent")
    # `type(...) is int`, not isinstance: JSON's true and false are bools, which are ints.
    if type(node_id) is not int or not isinstance(name, str):
        return Err(ValueError(f"line {line_number}: a node needs an int id and a str name"))
    if parent is not None and type(parent) is not int:
        return Err(ValueError(f"line {line_number}: parent must be an int or null"))
    return Ok(Node(node_id, name, parent))


def deserialize_nodes(lines: Iter[str]) -> Iter[Result[Node, ValueError]]:
    """Parse each line lazily, numbering lines from 1 so that errors can say where they are."""
    return lines.enumerate(start=1).map(lambda numbered: parse_node(*numbered))


# --- A small file, collected -----------------------------------------------------------------

SAMPLE = [
    '{"id": 1, "name": "root", "parent": null}\n',
    '{"id": 2, "name": "left", "parent": 1}\n',
    '{"id": 3, "name": "right", "parent": 1\n',  # the closing brace is missing
    '{"id": 4, "name": "leaf", "parent": 2}\n',
    '{"id": "5", "name": "odd"}\n',  # the id is a string
]


def show_sample() -> None:
    nodes, errors = deserialize_nodes(Iter(SAMPLE)).partition_results()
    print(f"Collected {len(nodes)} nodes:")
    for node in nodes:
        print(f"  {node}")
    print(f"Reported {len(errors)} bad lines:")
    for error in errors:
        print(f"  {error}")


# --- A large stream, consumed as it goes -----------------------------------------------------


def node_lines(count: int) -> Iterator[str]:
    """`count` JSON lines made on the fly (as a file or a socket would give them), two bad."""
    bad = {7, count // 2}
    for number in range(1, count + 1):
        if number in bad:
            yield "{broken\n"
        else:
            parent = number // 2 or "null"
            yield f'{{"id": {number}, "name": "n{number}", "parent": {parent}}}\n'


def measure(count: int) -> str:
    """Stream `count` lines through `deserialize_nodes`, keeping only a count and the errors."""
    gc.collect()  # start from no garbage, so the peak is the stream's own
    tracemalloc.start()
    valid = 0
    bad_lines: list[str] = []
    for result in deserialize_nodes(Iter(node_lines(count))):
        match result:
            case Ok(_):
                valid += 1
            case Err(error):
                bad_lines.append(str(error).split(":")[0])  # "line 7"
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (
        f"  {count:>9,} lines: {valid:>9,} nodes, bad: {', '.join(bad_lines)}; "
        f"tracemalloc peak {peak / 1024:.0f} KiB"
    )


def main(sizes: list[int]) -> None:
    show_sample()
    print("Streaming larger inputs (memory does not grow with them):")
    measure(10_000)  # a warm-up: the first calls fill one-time caches, which are not the stream's
    for count in sizes:
        print(measure(count))


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [10**4, 10**6])
