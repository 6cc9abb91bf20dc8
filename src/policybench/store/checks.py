"""What the store accepts, checked before anything touches the database.

Names are stored and shown exactly as given: ``../``, quotes, ``;``, ``%``, ``--``, emoji and
right-to-left scripts included (only bound parameters reach the database, never text pasted
into SQL). Refused, with a message that says why:

- the NUL byte, anywhere: PostgreSQL cannot store it in text, and a store must behave the same
  on both backends; and text that is not valid Unicode (lone surrogates, e.g. from bytes
  that were not UTF-8);
- in names, authors and display names: any other control character (newline, tab, escape...)
  and the Unicode line and paragraph separators, which would break one-line listings or
  smuggle terminal escapes; and the invisible formatting characters (bidirectional controls
  such as U+202E, zero-width characters, U+FEFF), with which "Ai\u200bko" passes for "Aiko"
  or a name displays reversed. Right-to-left scripts need none of them: the Unicode
  bidirectional algorithm lays them out. In longer text (descriptions, reasons): control
  characters other than newline and tab; reasons have the invisible formatting characters
  removed (:func:`visible`);
- empty or whitespace-only names, and text over each field's length cap;
- numbers that are not finite, negative weights, and weights above :data:`WEIGHT_MAX` (a
  weight of 1e308 overflows when a group's weights are summed);
- in a score challenge (:func:`challenge_text`, :func:`score_range`, :func:`source_id`): a
  score or range end off the criteria's 0–10 scale, a range that does not hold the score, an
  empty reason, a reason over :data:`CHALLENGE_REASON_MAX` or a quote over :data:`QUOTE_MAX`
  characters, invisible formatting characters in either (refused, not removed: a quote is
  checked verbatim against its source, so what is stored must be what was checked), and a
  source that is not an id as the catalog writes them.

Display names in a workshop are also trimmed and compared on :func:`name_key` (NFKC,
case-folded), so that "Aiko", "aiko " and "Ａｉｋｏ" are one name.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from policybench.store.errors import InvalidValueError
from policybench.store.schema import AUTHOR_MAX, ID_MAX, METHOD_MAX, NAME_MAX, SCORE_MAX, SCORE_MIN

DESCRIPTION_MAX = 2_000
PARAMS_MAX_BYTES = 16_384
WEIGHTS_MAX = 200
#: The largest weight accepted: weights are relative points, and no slider or profile needs
#: more than this; far larger ones overflow when a group's weights are combined.
WEIGHT_MAX = 1e6
#: A challenge's reason and quote: a few sentences, and a passage (a catalog quote is shorter).
CHALLENGE_REASON_MAX = 500
QUOTE_MAX = 1_000
#: An id as the catalog writes them (``catalog.models.Id``): lower case, digits, ``-`` and ``_``.
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")

#: Invisible formatting characters: the bidirectional embeddings, overrides and isolates, the
#: directional marks, the zero-width characters and the byte-order mark.
INVISIBLE = frozenset(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\ufeff"
)


def _nul(text: str, what: str) -> None:
    if "\x00" in text:
        raise InvalidValueError(
            f"{what} cannot contain a NUL byte (\\x00); remove it and try again"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates, e.g. from bytes that were not UTF-8
        raise InvalidValueError(f"{what} is not valid Unicode text (was it UTF-8?)") from None


def line(text: object, what: str, *, max_len: int) -> str:
    """A one-line name: non-empty, no control characters, at most ``max_len`` characters."""
    if not isinstance(text, str):
        raise InvalidValueError(f"{what} must be text, not {type(text).__name__}")
    _nul(text, what)
    for ch in text:
        if unicodedata.category(ch) in {"Cc", "Zl", "Zp"}:
            raise InvalidValueError(
                f"{what} cannot contain control characters such as newlines or tabs "
                f"(found U+{ord(ch):04X})"
            )
    _no_invisible(text, what)
    if not text.strip():
        raise InvalidValueError(f"{what} cannot be empty")
    if len(text) > max_len:
        raise InvalidValueError(f"{what} is too long ({len(text)} characters; at most {max_len})")
    return text


def _no_invisible(text: str, what: str) -> None:
    hidden = next((ch for ch in text if ch in INVISIBLE), None)
    if hidden is not None:
        raise InvalidValueError(
            f"{what} cannot contain invisible formatting characters such as right-to-left "
            f"overrides or zero-width spaces (found U+{ord(hidden):04X}); type it without them"
        )


def display_name(text: object, *, max_len: int) -> str:
    """A participant's name: a one-line name (see :func:`line`), trimmed at both ends."""
    if isinstance(text, str):
        text = text.strip()
    return line(text, "a display name", max_len=max_len)


def name_key(text: str) -> str:
    """What two names are compared on: NFKC-normalised, case-folded, inner spaces folded, so
    that full-width letters, case and doubled spaces do not make a second person."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def visible(text: str) -> str:
    """``text`` without the invisible formatting characters (:data:`INVISIBLE`)."""
    return "".join(ch for ch in text if ch not in INVISIBLE)


def name(text: object, what: str = "a profile name") -> str:
    return line(text, what, max_len=NAME_MAX)


def author(text: object) -> str | None:
    if text is None:
        return None
    return line(text, "an author", max_len=AUTHOR_MAX)


def method(text: object) -> str:
    return line(text, "a method name", max_len=METHOD_MAX)


def long_text(text: object, what: str, *, max_len: int) -> str:
    """Free text: newlines and tabs allowed, other control characters and NUL refused."""
    text = _free_text(text, what)
    if len(text) > max_len:
        raise InvalidValueError(f"{what} is too long ({len(text)} characters; at most {max_len})")
    return text


def _free_text(text: object, what: str) -> str:
    if not isinstance(text, str):
        raise InvalidValueError(f"{what} must be text, not {type(text).__name__}")
    _nul(text, what)
    for ch in text:
        if unicodedata.category(ch) == "Cc" and ch not in "\n\t":
            raise InvalidValueError(
                f"{what} cannot contain control characters (found U+{ord(ch):04X})"
            )
    return text


def description(text: object) -> str:
    return long_text("" if text is None else text, "a description", max_len=DESCRIPTION_MAX)


def ident(text: object, what: str) -> str:
    return line(text, what, max_len=ID_MAX)


def number(value: object, what: str, *, minimum: float | None = None) -> float:
    """A finite real number (not a bool), optionally at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValueError(f"{what} must be a number, not {value!r}")
    result = float(value)
    if not math.isfinite(result):
        raise InvalidValueError(f"{what} must be a finite number, not {value!r}")
    if minimum is not None and result < minimum:
        raise InvalidValueError(f"{what} must be {minimum:g} or more, not {result:g}")
    return result


def weights(value: object, what: str = "weights") -> dict[str, float]:
    """Criterion id → finite number ≥ 0, at least one positive, in the order given."""
    if not isinstance(value, Mapping) or not value:
        raise InvalidValueError(f"{what} must name at least one criterion with a number")
    if len(value) > WEIGHTS_MAX:
        raise InvalidValueError(
            f"{what} name too many criteria ({len(value)}; at most {WEIGHTS_MAX})"
        )
    out: dict[str, float] = {}
    for key, raw in value.items():
        cid = ident(key, "a criterion id")
        out[cid] = number(raw, f"the weight of {cid!r}", minimum=0.0)
        if out[cid] > WEIGHT_MAX:
            raise InvalidValueError(
                f"the weight of {cid!r} is {out[cid]:g}; weights are relative points, at most "
                f"{WEIGHT_MAX:g}: scale them all down"
            )
    if not any(v > 0 for v in out.values()):
        raise InvalidValueError(
            f"all {what} are zero; give at least one criterion a positive weight"
        )
    return out


def score(value: object, what: str) -> float:
    """A score on the criteria's scale (:data:`~policybench.store.schema.SCORE_MIN` to
    :data:`~policybench.store.schema.SCORE_MAX`)."""
    result = number(value, what)
    if not SCORE_MIN <= result <= SCORE_MAX:
        raise InvalidValueError(
            f"{what} is {result:g}, off the criterion's {SCORE_MIN:g}–{SCORE_MAX:g} scale; "
            f"choose a value from {SCORE_MIN:g} to {SCORE_MAX:g}"
        )
    return result


def score_range(
    value: object, low: object, high: object, what: str = "the proposed score"
) -> tuple[float, float | None, float | None]:
    """A score and an optional range around it (either end may be left out), each on the
    scale, with ``low <= value <= high``."""
    v = score(value, what)
    lo = None if low is None else score(low, "the low end of the range")
    hi = None if high is None else score(high, "the high end of the range")
    if lo is not None and lo > v:
        raise InvalidValueError(
            f"the low end of the range ({lo:g}) is above {what} ({v:g}); make it the score or lower"
        )
    if hi is not None and hi < v:
        raise InvalidValueError(
            f"the high end of the range ({hi:g}) is below {what} ({v:g}); "
            "make it the score or higher"
        )
    return v, lo, hi


def challenge_text(text: object, what: str, *, max_len: int, required: bool) -> str | None:
    """A challenge's reason or quote: free text (newlines allowed), trimmed, without invisible
    formatting characters, at most ``max_len`` characters; None for nothing when not
    ``required``."""
    if text is None and not required:
        return None
    checked = _free_text(text, what)
    _no_invisible(checked, what)
    checked = checked.strip()
    if not checked:
        if required:
            raise InvalidValueError(f"{what} is required: say in a sentence or two why")
        return None
    if len(checked) > max_len:
        raise InvalidValueError(
            f"{what} is too long ({len(checked)} characters; at most {max_len}): shorten it"
        )
    return checked


def source_id(text: object, what: str = "the quote's source") -> str | None:
    """A source's id as the catalog writes it (:data:`ID_PATTERN`), or None for none."""
    if text is None or text == "":
        return None
    found = line(text, what, max_len=ID_MAX)
    if not ID_PATTERN.fullmatch(found):
        raise InvalidValueError(
            f"{what} must be a source id as the catalog writes them (lower case letters, "
            f"digits, '-' and '_', at most {ID_MAX} characters), not {found!r}"
        )
    return found


def flag(value: object, what: str) -> bool:
    """True or False, and nothing else (not 1, not "yes")."""
    if not isinstance(value, bool):
        raise InvalidValueError(f"{what} must be True or False, not {value!r}")
    return value


def overrides(value: object) -> dict[str, dict[str, float]] | None:
    """What-if scores ``{option_id: {criterion_id: value}}``, or None for none."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidValueError("score overrides must map option ids to {criterion id: score}")
    out: dict[str, dict[str, float]] = {}
    for oid, scores in value.items():
        option = ident(oid, "an option id")
        if not isinstance(scores, Mapping) or not scores:
            raise InvalidValueError(
                f"score overrides for {option!r} must map criterion ids to scores"
            )
        out[option] = {
            ident(cid, "a criterion id"): number(
                v, f"the overridden score of {option!r} on {cid!r}"
            )
            for cid, v in scores.items()
        }
    return out or None


def _walk(value: Any, where: str) -> None:
    if isinstance(value, str):
        _nul(value, f"parameter {where}")
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        if not math.isfinite(float(value)):
            raise InvalidValueError(f"parameter {where} must be a finite number, not {value!r}")
    elif isinstance(value, Mapping):
        for k, v in value.items():
            if not isinstance(k, str):
                raise InvalidValueError(f"parameter names must be text, not {k!r}")
            _nul(k, "a parameter name")
            _walk(v, f"{where}.{k}" if where else k)
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _walk(v, f"{where}[{i}]")
    else:
        raise InvalidValueError(
            f"parameter {where} must be a number, text, a list or a mapping, "
            f"not {type(value).__name__}"
        )


def params(value: object) -> dict[str, Any]:
    """The method's parameters: JSON-like, finite numbers, no NUL, at most 16 KB encoded."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidValueError("method parameters must be a mapping of name to value")
    _walk(value, "")
    encoded = dumps(dict(value))
    if len(encoded.encode("utf-8")) > PARAMS_MAX_BYTES:
        raise InvalidValueError(
            f"method parameters are too large (at most {PARAMS_MAX_BYTES // 1024} KB)"
        )
    result: dict[str, Any] = json.loads(encoded)
    return result


def dumps(value: Any) -> str:
    """JSON as the store keeps it: UTF-8 text, keys in the order given, no NaN."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)
