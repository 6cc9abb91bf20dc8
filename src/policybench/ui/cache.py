"""The app's result caches, written once: :func:`by_catalog` caches a computation on a catalog.

Every page recomputes on each rerun (a slider moved, a fragment refreshed), and most of what it
computes depends only on the catalog and a few plain inputs: weights, a method, the options in
play. :func:`by_catalog` wraps ``fn(catalog, *args, **kwargs)`` in a bounded
``st.cache_data`` keyed on the catalog's fingerprint and :func:`freeze` of the other arguments,
so that the catalog itself is never hashed (a fingerprint names its files' bytes) and
weights given as ``{"a": 1, "b": 2}`` or ``{"b": 2.0, "a": 1.0}`` are one entry. The value is
computed with the arguments as given. Each wrapped function has its own cache (named after
it and its source, as ``st.cache_data`` names a function), so editing a wrapped function
empties its cache.

Only the UI caches: the layers below compute and return values, and never see Streamlit.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import numbers
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import streamlit as st

from policybench.catalog import Catalog

#: A function of a catalog and plain arguments: ``fn(catalog, *args, **kwargs)``.
F = TypeVar("F", bound=Callable[..., Any])


def freeze(value: Any) -> Any:
    """``value`` as a cache key: a mapping as its items sorted by key (so its order is not
    part of the key: pass what is ordered as a sequence), a list or tuple as a tuple, a
    dataclass or a catalog model as its class name and fields, a real number as a float (weights of
    ``1`` and ``1.0`` are the same weights); text, booleans and None as they are; anything
    else is left for Streamlit to hash."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value).__qualname__, tuple(freeze(getattr(value, f.name)) for f in fields))
    if callable(dump := getattr(value, "model_dump", None)):  # a catalog model (pydantic)
        return (type(value).__qualname__, freeze(dump()))
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, numbers.Real):
        return float(value)
    return value


def by_catalog(*, max_entries: int) -> Callable[[F], F]:
    """Cache ``fn(catalog, *args, **kwargs)`` in ``st.cache_data`` (at most ``max_entries``
    values, no spinner), keyed on ``catalog.fingerprint`` and :func:`freeze` of the other
    arguments; the wrapped function is called like ``fn``, and ``fn`` gets its arguments as
    they were given. Two wrappers of one function share its cache (the same function of the
    same arguments has the same value)."""

    def decorate(fn: F) -> F:
        # Streamlit hashes every argument whose name does not start with "_" and names a
        # function's cache by its module, qualified name and source: the catalog and the
        # arguments as given pass unhashed, ``key`` is what tells values apart, and the
        # cache is named after ``fn`` (not this closure, which every wrapped function shares).
        def compute(_catalog: Catalog, _args: Any, _kwargs: Any, key: Any) -> Any:
            return fn(_catalog, *_args, **_kwargs)

        compute.__module__ = fn.__module__
        compute.__qualname__ = f"{fn.__qualname__}[{_source_digest(fn)}]"
        cached = st.cache_data(max_entries=max_entries, show_spinner=False)(compute)

        def call(catalog: Catalog, /, *args: Any, **kwargs: Any) -> Any:
            key = (catalog.fingerprint, freeze(args), freeze(kwargs))
            return cached(catalog, args, kwargs, key)

        call.__doc__ = fn.__doc__
        call.__name__ = getattr(fn, "__name__", "cached")
        call.__qualname__ = getattr(fn, "__qualname__", call.__name__)
        call.__module__ = fn.__module__
        return cast(F, call)

    return decorate


def _source_digest(fn: Callable[..., Any]) -> str:
    """A short digest of ``fn``'s source (its bytecode where the source cannot be read)."""
    try:
        text = inspect.getsource(fn).encode()
    except (OSError, TypeError):
        text = getattr(getattr(fn, "__code__", None), "co_code", repr(fn).encode())
    return hashlib.blake2b(text, digest_size=6).hexdigest()
