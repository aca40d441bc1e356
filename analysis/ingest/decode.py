"""Bytes to text: UTF-8 (with or without BOM), UTF-16/32, legacy encodings; binary files refused."""

from __future__ import annotations

import codecs

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
MAX_CONTROL_SHARE = 0.05  # text with more control characters than this is treated as binary


def _control_share(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f") or 0x7F <= ord(ch) < 0xA0)
    return bad / len(sample)


def decode_bytes(data: bytes) -> tuple[str | None, str]:
    """Return (text, note). `text` is None for binary data, with the reason in `note`; `note` names a
    non-UTF-8 encoding that was detected, else is empty."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), "" if encoding == "utf-8-sig" else f"read as {encoding.upper()}"
            except UnicodeDecodeError:
                break
    try:
        text = data.decode("utf-8")
        if _control_share(text) <= MAX_CONTROL_SHARE:
            return text, ""
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        return None, "this looks like a binary file, not text"
    encoding = best.encoding
    text = data.decode(encoding, errors="replace")
    if _control_share(text) > MAX_CONTROL_SHARE:
        return None, "this looks like a binary file, not text"
    return text, f"not UTF-8: read as {encoding}"
