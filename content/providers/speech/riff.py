"""Read and write the RIFF ``LIST``/``INFO`` chunk of WAV files, where implicit AI labels go.

INFO fields are four-letter ids (``ICMT`` comment, ``ISFT`` software, ``INAM`` title...)
holding NUL-terminated text. We write UTF-8 so an AIGC JSON object with Chinese text
survives; ffmpeg and most tools read it back as metadata.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Mapping

_FIELD_ID = re.compile(r"^[A-Z][A-Z0-9]{3}$")


def riff_chunks(wav_bytes: bytes) -> list[tuple[bytes, bytes]]:
    """The top-level chunks of a RIFF/WAVE file as ``(id, payload)`` pairs, in order."""
    if len(wav_bytes) < 12 or wav_bytes[:4] != b"RIFF" or wav_bytes[8:12] != b"WAVE":
        raise ValueError("not a RIFF/WAVE file")
    chunks: list[tuple[bytes, bytes]] = []
    offset = 12
    while offset + 8 <= len(wav_bytes):
        chunk_id = wav_bytes[offset : offset + 4]
        (size,) = struct.unpack_from("<I", wav_bytes, offset + 4)
        payload = wav_bytes[offset + 8 : offset + 8 + size]
        if len(payload) != size:
            raise ValueError(f"chunk {chunk_id!r} is truncated")
        chunks.append((chunk_id, payload))
        # Chunks are word-aligned: an odd-sized payload is followed by one pad byte.
        offset += 8 + size + (size & 1)
    return chunks


def wav_with_info(wav_bytes: bytes, fields: Mapping[str, str]) -> bytes:
    """A copy of ``wav_bytes`` whose ``LIST``/``INFO`` chunk holds exactly ``fields``.

    Any existing INFO chunk is replaced; the new one goes just before the ``data`` chunk,
    where ffmpeg puts it and where readers that stop at the audio still see it.
    """
    for field_id, value in fields.items():
        if not _FIELD_ID.match(field_id):
            raise ValueError(f"INFO field ids are four uppercase letters or digits: {field_id!r}")
        if "\x00" in value:
            raise ValueError(f"INFO field {field_id} contains a NUL character")
    kept = [chunk for chunk in riff_chunks(wav_bytes) if not _is_info_list(chunk)]
    info = (
        b"LIST",
        b"INFO" + b"".join(_chunk(k.encode("ascii"), _text(v)) for k, v in fields.items()),
    )
    data_index = next((i for i, (cid, _) in enumerate(kept) if cid == b"data"), len(kept))
    chunks = [*kept[:data_index], *([info] if fields else []), *kept[data_index:]]
    body = b"WAVE" + b"".join(_chunk(cid, payload) for cid, payload in chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def read_wav_info(wav_bytes: bytes) -> dict[str, str]:
    """The text fields of the WAV's ``LIST``/``INFO`` chunk (empty if it has none)."""
    fields: dict[str, str] = {}
    for chunk in riff_chunks(wav_bytes):
        if not _is_info_list(chunk):
            continue
        payload = chunk[1]
        offset = 4
        while offset + 8 <= len(payload):
            field_id = payload[offset : offset + 4].decode("ascii", errors="replace")
            (size,) = struct.unpack_from("<I", payload, offset + 4)
            raw = payload[offset + 8 : offset + 8 + size]
            fields[field_id] = raw.split(b"\x00", 1)[0].decode("utf-8", errors="replace")
            offset += 8 + size + (size & 1)
    return fields


def _is_info_list(chunk: tuple[bytes, bytes]) -> bool:
    return chunk[0] == b"LIST" and chunk[1][:4] == b"INFO"


def _text(value: str) -> bytes:
    return value.encode("utf-8") + b"\x00"


def _chunk(chunk_id: bytes, payload: bytes) -> bytes:
    pad = b"\x00" if len(payload) & 1 else b""
    return chunk_id + struct.pack("<I", len(payload)) + payload + pad
