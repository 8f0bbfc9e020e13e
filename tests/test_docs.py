"""The API reference (docs/api.md) names every public name, and names nothing that is not there.

docs/api.md lists one name per line as a code span: top-level names bare (`` `Iter` ``,
`` `batched_by_size(...)` ``), methods qualified by their class (`` `Iter.map(f)` ``; the methods
shared by ``Some`` and ``Nothing`` as `` `Option.map(f)` ``, those shared by ``Ok`` and ``Err`` as
`` `Result.map(f)` ``), and the submodules' names by their module (`` `grpc.serve_stream(...)` ``,
`` `strategies.options(...)` ``).
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from types import ModuleType

import pytest

import itero

API_MD = Path(__file__).resolve().parent.parent / "docs" / "api.md"

# A code span's leading dotted name: `Iter.map(f)` -> "Iter.map", `itero.grpc.x` -> "grpc.x".
_SPAN = re.compile(r"`(?:itero\.)?([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)")

# Which qualifiers document a class's methods in api.md.
_QUALIFIERS: dict[str, tuple[str, ...]] = {
    "Iter": ("Iter",),
    "AsyncIter": ("AsyncIter",),
    "AsyncPeekable": ("AsyncPeekable", "AsyncIter"),
    "Peekable": ("Peekable", "Iter"),
    "Some": ("Some", "Option"),
    "Nothing": ("Nothing", "Option"),
    "Ok": ("Ok", "Result"),
    "Err": ("Err", "Result"),
}


def documented() -> set[str]:
    """The dotted name of the first code span of every list item and table row of docs/api.md."""
    names: set[str] = set()
    for line in API_MD.read_text(encoding="utf-8").splitlines():
        if line.startswith(("- `", "| `")):
            match = _SPAN.search(line)
            if match:
                names.add(match.group(1))
    return names


def public_attributes(cls: type) -> list[str]:
    """The public attributes (methods, properties) of a class, inherited ones included."""
    return sorted(name for name in dir(cls) if not name.startswith("_"))


def has_path(obj: object, path: list[str]) -> bool:
    """Whether ``obj.a.b...`` exists for ``path == ["a", "b", ...]``."""
    for attr in path:
        if not hasattr(obj, attr):
            return False
        obj = getattr(obj, attr)
    return True


def submodule(name: str) -> ModuleType:
    """Import ``itero.<name>``, skipping the test when its optional dependency is missing."""
    try:
        return importlib.import_module(f"itero.{name}")
    except ImportError as e:  # pragma: no cover - the dev extra installs everything
        pytest.skip(f"itero.{name} is not importable here: {e}")


def module_names(module: ModuleType) -> list[str]:
    """A module's public names: its ``__all__`` when it has one."""
    names: list[str] | None = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    return sorted(names)


class TestEveryPublicNameIsDocumented:
    def test_top_level_names(self) -> None:
        missing = [name for name in itero.__all__ if name not in documented()]
        assert missing == [], f"docs/api.md does not list: {missing}"

    @pytest.mark.parametrize("cls_name", sorted(_QUALIFIERS))
    def test_methods(self, cls_name: str) -> None:
        cls = getattr(itero, cls_name, None)
        if cls is None:
            pytest.skip(f"itero.{cls_name} does not exist yet")
        names = documented()
        missing = [
            f"{cls_name}.{attr}"
            for attr in public_attributes(cls)
            if not any(f"{q}.{attr}" in names for q in _QUALIFIERS[cls_name])
        ]
        assert missing == [], f"docs/api.md does not list: {missing}"

    @pytest.mark.parametrize("module_name", ["grpc", "strategies", "testing"])
    def test_submodules(self, module_name: str) -> None:
        module = submodule(module_name)
        names = documented()
        missing = [
            f"{module_name}.{name}"
            for name in module_names(module)
            if f"{module_name}.{name}" not in names
        ]
        assert missing == [], f"docs/api.md does not list: {missing}"


class TestEveryDocumentedNameExists:
    """The reverse: a name listed in docs/api.md that the code does not have is stale."""

    def test_qualified_names(self) -> None:
        classes: dict[str, tuple[object, ...]] = {
            "Iter": (getattr(itero, "Iter", None),),
            "AsyncIter": (getattr(itero, "AsyncIter", None),),
            "AsyncPeekable": (getattr(itero, "AsyncPeekable", None),),
            "Peekable": (getattr(itero, "Peekable", None),),
            "Some": (itero.Some,),
            "Nothing": (itero.Nothing,),
            "Option": (itero.Some, itero.Nothing),
            "Ok": (itero.Ok,),
            "Err": (itero.Err,),
            "Result": (itero.Ok, itero.Err),
        }
        stale: list[str] = []
        for name in sorted(documented()):
            qualifier, _, attr = name.partition(".")
            if not attr or "." in attr or qualifier not in classes:
                continue
            owners = classes[qualifier]
            if any(owner is None for owner in owners):
                continue
            if not all(hasattr(owner, attr) for owner in owners):
                stale.append(name)
        assert stale == [], f"docs/api.md lists names the code does not have: {stale}"

    @pytest.mark.parametrize("module_name", ["grpc", "strategies", "testing"])
    def test_submodule_names(self, module_name: str) -> None:
        module = submodule(module_name)
        stale = [
            name
            for name in sorted(documented())
            if name.startswith(f"{module_name}.") and not has_path(module, name.split(".")[1:])
        ]
        assert stale == [], f"docs/api.md lists names the code does not have: {stale}"


# ------------------------------------------------------------------------------------------------
# Rendering docs/api.md from the code: `python tests/test_docs.py` rewrites it, so that every
# line's signature and summary is the code's own (the summary is the docstring's first
# paragraph). Groups follow the banner comments of src/itero/_iter.py.
# ------------------------------------------------------------------------------------------------

_INTRO = """\
# API reference

Every public name of itero, grouped as in the code, one line each: its signature and the first
line of its docstring (`help(name)` or the source has the rest, with examples). This page is
generated from the code by `python tests/test_docs.py`, and `tests/test_docs.py` fails when a
public name is missing from it. For a tour, read the [guide](guide.md); for the data-scalable
kit and gRPC, [data-scalable APIs](data-scalable.md).

Conventions: methods are written `Iter.map(f)`; `Option.x` is a method of both `Some` and
`Nothing`, `Result.x` of both `Ok` and `Err`. Signatures show parameter names and defaults
(callables and the main operands are positional-only). Adapters are lazy and return a new
`Iter`; adapters and consumers that take the `Iter` by value in Rust *move* it (using it again
raises `MovedError`), while `next`, `nth`, `find`, `find_map`, `position`, `any`, `all`,
`try_fold`, `try_for_each`, `by_ref`, `size_hint` and `close` leave it usable (see the
[guide](guide.md#ownership-moves-and-by_ref)).
"""

_BANNER = re.compile(r"^    # ([^-\s].*)$")
_METHOD = re.compile(r"^    def ([A-Za-z]\w*)\(")


def _summary(obj: object) -> str:
    """The first paragraph of obj's docstring, on one line, with Markdown code spans."""
    doc = inspect.getdoc(obj) or ""
    lines: list[str] = []
    for line in doc.splitlines():
        if not line.strip() or line.lstrip().startswith(">>>"):
            break
        lines.append(line.strip())
    return " ".join(lines).replace("``", "`")


def _default(value: object) -> str:
    if callable(value) and hasattr(value, "__name__"):
        return str(value.__name__)
    return repr(value)


def _signature(obj: object, *, method: bool) -> str:
    """``(a, b=1, *, c)``: parameter names and defaults, without annotations or ``/``."""
    try:
        sig = inspect.signature(obj)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "(...)"
    parts: list[str] = []
    star_done = False
    params = list(sig.parameters.values())
    if method and params and params[0].name in ("self", "cls"):
        params = params[1:]
    for p in params:
        if p.kind is p.VAR_POSITIONAL:
            parts.append(f"*{p.name}")
            star_done = True
            continue
        if p.kind is p.VAR_KEYWORD:
            parts.append(f"**{p.name}")
            continue
        if p.kind is p.KEYWORD_ONLY and not star_done:
            parts.append("*")
            star_done = True
        if p.default is p.empty:
            parts.append(p.name)
        else:
            parts.append(f"{p.name}={_default(p.default)}")
    return "(" + ", ".join(parts) + ")"


def _line(label: str, obj: object) -> str:
    return f"- `{label}`: {_summary(obj)}"


def _class_groups(source: str, class_name: str) -> list[tuple[str, list[str]]]:
    """The banner groups of a class in source order: [(banner, [method names])]."""
    groups: list[tuple[str, list[str]]] = []
    inside = False
    seen: set[str] = set()
    lines = source.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(f"class {class_name}(") or line.startswith(f"class {class_name}:"):
            inside = True
            groups.append(("", []))
            continue
        if not inside:
            continue
        if line and not line[0].isspace() and not line.startswith(("#", ")")):
            break
        banner = _BANNER.match(line)
        if banner and i > 0 and lines[i - 1].strip().startswith("# --"):
            groups.append((banner.group(1).strip(), []))
            continue
        method = _METHOD.match(line)
        if method and method.group(1) not in seen:
            seen.add(method.group(1))
            groups[-1][1].append(method.group(1))
    return [(name, methods) for name, methods in groups if methods]


def _member_label(qualifier: str, cls: type, name: str) -> str:
    attr = inspect_attr(cls, name)
    if isinstance(attr, property):
        return f"{qualifier}.{name}"
    return f"{qualifier}.{name}{_signature(getattr(cls, name), method=True)}"


def inspect_attr(cls: type, name: str) -> object:
    """The raw attribute (a property object, not its value) from the class's MRO."""
    for klass in cls.__mro__:
        if name in vars(klass):
            return vars(klass)[name]
    return getattr(cls, name)


def _module_items(module: ModuleType, names: list[str]) -> list[str]:
    """One line per name, in source order."""

    def position(name: str) -> int:
        try:
            return inspect.getsourcelines(getattr(module, name))[1]
        except (TypeError, OSError):
            return 10**9

    out: list[str] = []
    prefix = "" if module is itero else module.__name__.removeprefix("itero.") + "."
    for name in sorted(names, key=position):
        obj = getattr(module, name)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            out.append(_line(f"{prefix}{name}", obj))
        elif isinstance(obj, type) and getattr(obj, "_is_protocol", False):
            out.append(_line(f"{prefix}{name}", obj))
        elif isinstance(obj, type) or callable(obj):
            out.append(_line(f"{prefix}{name}{_signature(obj, method=False)}", obj))
        else:
            out.append(f"- `{prefix}{name}`: `{obj!r}`.")
    return out


def _variant_table(
    label: str, left: type, right: type, left_head: str, right_head: str
) -> list[str]:
    """One row per method the variants share, summarised by the left variant's docstring: a
    shared method is documented once, on ``Some``/``Ok``, for both variants (the other
    variant's docstring is one line pointing there)."""
    names = [n for n in vars(left) if not n.startswith("_") and hasattr(right, n)]
    rows = [f"| Method | What it does (on {left_head} and on {right_head}) |", "|---|---|"]
    for name in names:
        if isinstance(inspect_attr(left, name), property):
            continue
        sig = _signature(getattr(left, name), method=True)
        summary = _summary(getattr(left, name)).replace("|", "\\|")
        rows.append(f"| `{label}.{name}{sig}` | {summary} |")
    return rows


def render_api() -> str:
    """The text of docs/api.md, from the code."""
    iter_mod = importlib.import_module("itero._iter")
    iter_source = inspect.getsource(iter_mod)
    placed: set[str] = set()
    out: list[str] = [_INTRO]

    def top(names: list[str]) -> list[str]:
        names = [n for n in names if n in itero.__all__ and n not in placed]
        placed.update(names)
        return _module_items(itero, names)

    def of_module(module_name: str) -> list[str]:
        return [
            n
            for n in itero.__all__
            if getattr(getattr(itero, n), "__module__", None) == module_name
        ]

    iter_cls: type = itero.Iter
    groups = _class_groups(iter_source, "Iter")
    producers = [n for n in of_module("itero._iter") if inspect.isfunction(getattr(itero, n))]
    out += ["## Iter and its protocols", ""]
    out += top(["Iter"])
    out += top(["SupportsNext", "MovedError", "PipelineTooDeepError"])
    for banner, methods in groups:
        if banner in ("", "protocols", "construction", "protocols and construction"):
            out += [
                _line(_member_label("Iter", iter_cls, m), getattr(iter_cls, m)) for m in methods
            ]
    out += ["", "## Producers", ""]
    out += top(producers)
    for banner, methods in groups:
        if banner in ("", "protocols", "construction", "protocols and construction"):
            continue
        out += ["", f"## Iter: {banner}", ""]
        out += [_line(_member_label("Iter", iter_cls, m), getattr(iter_cls, m)) for m in methods]
    peekable = getattr(itero, "Peekable", None)
    if isinstance(peekable, type):
        out += ["", "## Peekable", ""]
        out += top(["Peekable"])
        in_source = [m for _, ms in _class_groups(iter_source, "Peekable") for m in ms]
        own = [m for m in public_attributes(peekable) if not hasattr(iter_cls, m)]
        own.sort(key=lambda m: in_source.index(m) if m in in_source else len(in_source))
        out += [_line(_member_label("Peekable", peekable, m), getattr(peekable, m)) for m in own]
    rest_iter = top(of_module("itero._iter"))
    if rest_iter:
        out += ["", "## Iter: other names", "", *rest_iter]

    out += ["", "## Option", ""]
    out.append("- `Option[T]`: the type alias `Some[T] | Nothing`.")
    placed.add("Option")
    out += top(["Some", "Nothing"])
    out.append(_line("Some.value", inspect_attr(itero.Some, "value")))
    out += top(of_module("itero._option"))
    out += [
        "",
        *_variant_table("Option", itero.Some, itero.Nothing, "`Some(value)`", "`Nothing()`"),
    ]

    out += ["", "## Result", ""]
    out.append(
        "- `Result[T, E]`: the type alias `Ok[T] | Err[E]`; `Result[T]` means"
        " `Result[T, Exception]`."
    )
    placed.add("Result")
    out += top(["Ok", "Err", "UnwrapError"])
    out.append(_line("Ok.value", inspect_attr(itero.Ok, "value")))
    out.append(_line("Err.error", inspect_attr(itero.Err, "error")))
    out += top(of_module("itero._result"))
    out += ["", *_variant_table("Result", itero.Ok, itero.Err, "`Ok(value)`", "`Err(error)`")]

    async_cls = getattr(itero, "AsyncIter", None)
    if isinstance(async_cls, type):
        out += ["", "## AsyncIter", ""]
        out += top(["AsyncIter"])
        async_source = inspect.getsource(importlib.import_module("itero._aiter"))
        groups = _class_groups(async_source, "AsyncIter")
        listed = {m for _, methods in groups for m in methods}
        unlisted = [m for m in public_attributes(async_cls) if m not in listed]  # async defs
        for banner, methods in groups:
            if banner.startswith("private"):
                continue
            if banner == "protocols":
                methods = [*methods, *unlisted]
            if banner:
                out += ["", f"### AsyncIter: {banner}", ""]
            out += [
                _line(_member_label("AsyncIter", async_cls, m), getattr(async_cls, m))
                for m in methods
                if not m.startswith("_")
            ]
        async_peekable = getattr(itero, "AsyncPeekable", None)
        if isinstance(async_peekable, type):
            out += ["", "### AsyncPeekable", ""]
            out += top(["AsyncPeekable"])
            own = [m for m in public_attributes(async_peekable) if not hasattr(async_cls, m)]
            out += [
                _line(_member_label("AsyncPeekable", async_peekable, m), getattr(async_peekable, m))
                for m in own
            ]

    out += ["", "## Kit: pagination and page cutting", ""]
    out += top(
        [
            "Page",
            "from_pages",
            "try_from_pages",
            "cut_page",
            "PaginationError",
            "RepeatedTokenError",
            "PageItemTooLargeError",
        ]
    )
    out += ["", "## Kit: size-bounded batching and rate limiting", ""]
    out += top(
        [
            "batched_by_size",
            "try_batched_by_size",
            "ItemTooLargeError",
            "ItemTooLarge",
            "rate_limited",
        ]
    )
    rest = top(list(itero.__all__))
    if rest:
        out += ["", "## Other names", "", *rest]

    for module_name, title, blurb in (
        ("grpc", "itero.grpc", "Extra `itero[grpc]`; `import itero` never imports grpc."),
        ("testing", "itero.testing", "Test doubles for code built on itero; no extra needed."),
        (
            "strategies",
            "itero.strategies",
            "Extra `itero[hypothesis]`. `@given(x=...)` with `Option[int]`, `Result[int, str]`"
            " or `Iter[int]` annotations (and `st.from_type(...)` of them) works without"
            " importing this module; under mypy use `@given(x=...)` or the typed strategies"
            " below.",
        ),
    ):
        try:
            module = importlib.import_module(f"itero.{module_name}")
        except ImportError:
            continue
        out += ["", f"## {title}", "", blurb, ""]
        out += _module_items(module, module_names(module))
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    API_MD.write_text(render_api(), encoding="utf-8")
    print(f"wrote {API_MD}")
