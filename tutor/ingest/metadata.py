"""The registry fields of a document: from its front matter, else from its path and text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tutor.ingest.loaders import LoadedDocument, UnreadableFile
from tutor.language import detect_language

_LEVEL_IN_PATH = re.compile(r"(?:^|[/_-])(?:level|niveau|l)[-_ ]?([123])(?:[/_-]|$)", re.IGNORECASE)


def document_fields(path: Path, loaded: LoadedDocument) -> dict[str, Any]:
    """module_id, title, lang, level, cohort and source_url for the registry."""
    meta = loaded.meta
    lang = str(meta.get("lang") or _lang_from_path(path) or detect_language(loaded.markdown[:4000]) or "fr")[:2]
    if lang not in ("fr", "en"):
        raise UnreadableFile(f"language '{lang}' is not supported (fr or en)")
    level = meta.get("level") or _level_from_path(path) or 1
    try:
        level = int(level)
    except (TypeError, ValueError):
        raise UnreadableFile(f"level '{level}' is not 1, 2 or 3") from None
    if level not in (1, 2, 3):
        raise UnreadableFile(f"level '{level}' is not 1, 2 or 3")
    module_id, cohort = str(meta.get("id") or path.stem), str(meta.get("cohort") or "")
    if len(module_id) > 128 or len(cohort) > 64:
        raise UnreadableFile("an id longer than 128 characters or a cohort longer than 64")
    url = str(meta.get("url") or "")
    return {
        "module_id": module_id,
        "title": str(meta.get("title") or path.stem)[:256],
        "lang": lang,
        "level": level,
        "cohort": cohort,
        "source_url": url if len(url) <= 512 else "",
    }


def _lang_from_path(path: Path) -> str | None:
    for part in path.parts:
        if part in ("fr", "en"):
            return part
    match = re.search(r"[._-](fr|en)$", path.stem)
    return match.group(1) if match else None


def _level_from_path(path: Path) -> int | None:
    match = _LEVEL_IN_PATH.search(path.as_posix())
    return int(match.group(1)) if match else None
