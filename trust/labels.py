"""Machine-readable AI-content labels: the GB 45438-2025 `AIGC` metadata in PNG, JPEG, WAV and MP4.

China's GB 45438-2025 (Annex E, "file metadata implicit label") and the EU AI Act Art. 50(2)
both ask that generated content carry a machine-readable mark saying it is AI-generated.
We write the standard's `AIGC` JSON object into each format's ordinary metadata slot and
read it back to verify.

Our reading of the fields (GB 45438-2025 §5.2 and Annex E):

- ``Label``: the content's generation attribute: "1" AI-generated or synthesised,
  "2" possibly AI-generated, "3" suspected AI-generated. Everything we make is "1".
- ``ContentProducer``: name or code of the service provider that generated the content.
- ``ProduceID``: that provider's unique number for this piece of content.
- ``ReservedCode1``: reserved for the producer's own use, in practice security data such
  as a hash or signature protecting the label; empty when unused.
- ``ContentPropagator``: name or code of the service that distributes the content.
- ``PropagateID``: the distributor's unique number for this content.
- ``ReservedCode2``: reserved for the propagator, like ``ReservedCode1``.

A file carries one copy only (the standard's rule): writers replace any label already there.
JPEG uses the XMP property that TC260's practice guide (TC260-PG-20258A) and real generators
use: ``<TC260:AIGC>`` in namespace ``http://www.tc260.org.cn/ns/AIGC/1.0/``.
"""

from __future__ import annotations

import html
import json
import re
import struct
import subprocess
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

AIGC_KEY = "AIGC"
AIGC_FIELDS = (
    "Label",
    "ContentProducer",
    "ProduceID",
    "ReservedCode1",
    "ContentPropagator",
    "PropagateID",
    "ReservedCode2",
)
LABEL_AI_GENERATED = "1"
LABEL_POSSIBLY_AI_GENERATED = "2"
LABEL_SUSPECTED_AI_GENERATED = "3"

TC260_XMP_NAMESPACE = "http://www.tc260.org.cn/ns/AIGC/1.0/"
IPTC_XMP_NAMESPACE = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
IPTC_TRAINED_ALGORITHMIC_MEDIA = (
    "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
)
FFMPEG_TIMEOUT_S = 120.0


class LabelingError(Exception):
    """A label could not be written or read (ffmpeg failed or timed out)."""


class LabelingUnavailable(LabelingError):
    """The tool a label needs is not installed (ffmpeg, from imageio-ffmpeg, for MP4).

    Apps may map it to their own "backend unavailable" error; trust knows none of them.
    """


def aigc_metadata(
    *,
    producer: str,
    produce_id: str,
    propagator: str = "",
    propagate_id: str = "",
    reserved_code1: str = "",
    reserved_code2: str = "",
) -> dict[str, str]:
    """The `AIGC` object for content we generated (``Label`` "1"), in the standard's order."""
    if not producer.strip() or not produce_id.strip():
        raise ValueError("an AIGC label needs the producer and its content id")
    if propagate_id and not propagator:
        raise ValueError("a PropagateID needs the ContentPropagator that assigned it")
    return {
        "Label": LABEL_AI_GENERATED,
        "ContentProducer": producer,
        "ProduceID": produce_id,
        "ReservedCode1": reserved_code1,
        "ContentPropagator": propagator,
        "PropagateID": propagate_id,
        "ReservedCode2": reserved_code2,
    }


def aigc_json(aigc: Mapping[str, str]) -> str:
    """Compact JSON, keys in the standard's order, Chinese kept as UTF-8 rather than escaped."""
    unknown = set(aigc) - set(AIGC_FIELDS)
    if unknown:
        raise ValueError(f"unknown AIGC fields: {sorted(unknown)}")
    if aigc.get("Label") not in (
        LABEL_AI_GENERATED,
        LABEL_POSSIBLY_AI_GENERATED,
        LABEL_SUSPECTED_AI_GENERATED,
    ):
        raise ValueError("AIGC Label must be '1', '2' or '3'")
    ordered = {name: str(aigc.get(name, "")) for name in AIGC_FIELDS}
    return json.dumps(ordered, ensure_ascii=False, separators=(",", ":"))


def parse_aigc_json(text: str) -> dict[str, str] | None:
    """The `AIGC` object from its JSON text; None when the text is not one.

    Lenient on purpose: other generators write numbers or extra keys, and a reader that
    rejected those would report "unlabelled" for content that is labelled.
    """
    try:
        value: Any = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict) or "Label" not in value:
        return None
    return {str(key): "" if item is None else str(item) for key, item in value.items()}


# --- PNG -------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_TEXT_CHUNKS = (b"tEXt", b"zTXt", b"iTXt")
# A label is a few hundred bytes; refuse to inflate a compressed chunk past this.
_MAX_TEXT_CHUNK_BYTES = 1 << 20


def _png_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG file")
    chunks: list[tuple[bytes, bytes]] = []
    offset = len(PNG_SIGNATURE)
    while offset < len(png):
        if offset + 12 > len(png):
            raise ValueError("truncated PNG chunk")
        (length,) = struct.unpack_from(">I", png, offset)
        kind = png[offset + 4 : offset + 8]
        data = png[offset + 8 : offset + 8 + length]
        if len(data) != length or offset + 12 + length > len(png):
            raise ValueError("truncated PNG chunk")
        chunks.append((kind, data))
        offset += 12 + length
        if kind == b"IEND":
            break
    return chunks


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _inflate_limited(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    text = inflater.decompress(data, _MAX_TEXT_CHUNK_BYTES)
    if inflater.unconsumed_tail:
        raise ValueError("compressed PNG text chunk is too large")
    return text


def _png_text(kind: bytes, data: bytes) -> tuple[str, str]:
    """(keyword, text) of a tEXt, zTXt or iTXt chunk."""
    keyword, _, rest = data.partition(b"\0")
    key = keyword.decode("latin-1")
    if kind == b"tEXt":
        return key, rest.decode("latin-1")
    if kind == b"zTXt":
        return key, _inflate_limited(rest[1:]).decode("latin-1")
    compressed = rest[:1] == b"\x01"
    _language, _, rest = rest[2:].partition(b"\0")
    _translated, _, text = rest.partition(b"\0")
    return key, (_inflate_limited(text) if compressed else text).decode("utf-8")


def label_png(png_bytes: bytes, aigc: Mapping[str, str]) -> bytes:
    """The PNG with an uncompressed UTF-8 iTXt chunk ``AIGC`` before its image data.

    Works on the bytes, chunk by chunk, instead of re-encoding through Pillow
    (``content.layouts.encode.encode_png`` writes the same chunk when encoding fresh): the
    pixels and every other chunk stay byte-identical.
    """
    text = aigc_json(aigc).encode("utf-8")
    itxt = _png_chunk(b"iTXt", AIGC_KEY.encode("latin-1") + b"\0\0\0\0\0" + text)
    out = [PNG_SIGNATURE]
    inserted = False
    for kind, data in _png_chunks(png_bytes):
        if kind in _PNG_TEXT_CHUNKS and data.partition(b"\0")[0] == AIGC_KEY.encode():
            continue  # one label per file: drop the old one
        if kind in (b"IDAT", b"IEND") and not inserted:
            out.append(itxt)
            inserted = True
        out.append(_png_chunk(kind, data))
    if not inserted:
        raise ValueError("PNG has no image data")
    return b"".join(out)


def read_png_aigc(png_bytes: bytes) -> dict[str, str] | None:
    """The `AIGC` object from an ``AIGC`` text chunk, or from TC260 XMP; None if absent."""
    xmp_label: dict[str, str] | None = None
    for kind, data in _png_chunks(png_bytes):
        if kind not in _PNG_TEXT_CHUNKS:
            continue
        key, text = _png_text(kind, data)
        if key == AIGC_KEY:
            return parse_aigc_json(text)
        if key == "XML:com.adobe.xmp" and xmp_label is None:
            xmp_label = _aigc_from_xmp(text)
    return xmp_label


# --- JPEG (XMP in APP1) -------------------------------------------------------------------

_XMP_APP1_HEADER = b"http://ns.adobe.com/xap/1.0/\0"
_EXIF_APP1_HEADER = b"Exif\0\0"
_MAX_XMP_PACKET_BYTES = 0xFFFF - 2 - len(_XMP_APP1_HEADER)
_STANDALONE_MARKERS = {0x01, *range(0xD0, 0xD8)}


def _jpeg_segments(jpeg: bytes) -> tuple[list[tuple[int, bytes]], bytes]:
    """Header segments before the scan as (marker, whole segment), and the rest from SOS on."""
    if not jpeg.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG file")
    segments: list[tuple[int, bytes]] = []
    offset = 2
    while offset < len(jpeg):
        if jpeg[offset] != 0xFF:
            raise ValueError(f"JPEG marker expected at byte {offset}")
        marker_at = offset
        while offset < len(jpeg) and jpeg[offset] == 0xFF:
            offset += 1  # fill bytes
        if offset >= len(jpeg):
            break
        marker = jpeg[offset]
        offset += 1
        if marker in (0xDA, 0xD9):  # start of scan / end of image: the rest is opaque
            return segments, jpeg[marker_at:]
        if marker in _STANDALONE_MARKERS:
            segments.append((marker, jpeg[marker_at:offset]))
            continue
        if offset + 2 > len(jpeg):
            raise ValueError("truncated JPEG segment")
        (length,) = struct.unpack_from(">H", jpeg, offset)
        end = offset + length
        if length < 2 or end > len(jpeg):
            raise ValueError("truncated JPEG segment")
        segments.append((marker, jpeg[marker_at:end]))
        offset = end
    raise ValueError("JPEG has no image scan")


def _xmp_payload(marker: int, segment: bytes) -> bytes | None:
    body = segment[4:]
    if marker == 0xE1 and body.startswith(_XMP_APP1_HEADER):
        return body[len(_XMP_APP1_HEADER) :]
    return None


def _tc260_prefixes(xmp: str) -> list[str]:
    pattern = r"xmlns:([A-Za-z_][\w.-]*)\s*=\s*[\"']" + re.escape(TC260_XMP_NAMESPACE) + r"[\"']"
    return re.findall(pattern, xmp)


def _aigc_property_patterns(prefix: str) -> list[re.Pattern[str]]:
    name = re.escape(f"{prefix}:{AIGC_KEY}")
    return [
        re.compile(rf"<{name}(?:\s[^>]*)?>(.*?)</{name}\s*>", re.DOTALL),  # element form
        re.compile(rf"\s{name}\s*=\s*\"([^\"]*)\""),  # attribute form
        re.compile(rf"\s{name}\s*=\s*'([^']*)'"),
    ]


def _aigc_from_xmp(xmp: str) -> dict[str, str] | None:
    # Regular expressions, not an XML parser: this reads untrusted files, and one property
    # is all we need, so no entity expansion or external references can be triggered.
    for prefix in _tc260_prefixes(xmp):
        for pattern in _aigc_property_patterns(prefix):
            match = pattern.search(xmp)
            if match:
                return parse_aigc_json(html.unescape(match.group(1)))
    return None


def _xmp_description(aigc_text: str, *, with_source_type: bool) -> str:
    source_type = (
        f' xmlns:Iptc4xmpExt="{IPTC_XMP_NAMESPACE}"'
        f' Iptc4xmpExt:DigitalSourceType="{IPTC_TRAINED_ALGORITHMIC_MEDIA}"'
        if with_source_type
        else ""
    )
    return (
        f'<rdf:Description rdf:about="" xmlns:TC260="{TC260_XMP_NAMESPACE}"{source_type}>'
        f"<TC260:AIGC>{html.escape(aigc_text, quote=False)}</TC260:AIGC>"
        "</rdf:Description>"
    )


def _new_xmp_packet(aigc_text: str) -> str:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f"{_xmp_description(aigc_text, with_source_type=True)}"
        "</rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    )


def _merge_into_xmp(xmp: str, aigc_text: str) -> str:
    """Existing XMP with any old AIGC property removed and ours added in its own Description."""
    for prefix in _tc260_prefixes(xmp):
        for pattern in _aigc_property_patterns(prefix):
            xmp = pattern.sub("", xmp)
    closing = xmp.rfind("</rdf:RDF>")
    if closing < 0:
        raise ValueError("JPEG carries XMP without an rdf:RDF element; cannot add the label")
    description = _xmp_description(aigc_text, with_source_type="DigitalSourceType" not in xmp)
    return xmp[:closing] + description + xmp[closing:]


def _app1_segment(payload: bytes) -> bytes:
    if len(payload) > _MAX_XMP_PACKET_BYTES:
        raise ValueError("XMP packet does not fit in one JPEG APP1 segment")
    body = _XMP_APP1_HEADER + payload
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def label_jpeg(jpeg_bytes: bytes, aigc: Mapping[str, str]) -> bytes:
    """The JPEG with the label in XMP (``TC260:AIGC``), scan data untouched.

    A new XMP APP1 segment goes right after SOI and any JFIF APP0 / Exif APP1 segments,
    which readers expect first. Existing XMP is kept and the label merged into it.
    The IPTC ``DigitalSourceType`` trainedAlgorithmicMedia is added too, the term EU and
    platform readers look for.
    """
    aigc_text = aigc_json(aigc)
    segments, rest = _jpeg_segments(jpeg_bytes)
    for position, (marker, segment) in enumerate(segments):
        payload = _xmp_payload(marker, segment)
        if payload is not None:
            merged = _merge_into_xmp(payload.decode("utf-8"), aigc_text)
            segments[position] = (marker, _app1_segment(merged.encode("utf-8")))
            break
    else:
        insert_at = 0
        for marker, segment in segments:
            is_exif = marker == 0xE1 and segment[4:].startswith(_EXIF_APP1_HEADER)
            if marker != 0xE0 and not is_exif:
                break
            insert_at += 1
        new_segment = _app1_segment(_new_xmp_packet(aigc_text).encode("utf-8"))
        segments.insert(insert_at, (0xE1, new_segment))
    return b"\xff\xd8" + b"".join(segment for _, segment in segments) + rest


def read_jpeg_aigc(jpeg_bytes: bytes) -> dict[str, str] | None:
    """The `AIGC` object from the JPEG's XMP; None if it carries none."""
    segments, _ = _jpeg_segments(jpeg_bytes)
    for marker, segment in segments:
        payload = _xmp_payload(marker, segment)
        if payload is not None:
            label = _aigc_from_xmp(payload.decode("utf-8", errors="replace"))
            if label is not None:
                return label
    return None


# --- WAV (RIFF LIST/INFO ICMT) ------------------------------------------------------------


def _riff_chunks(data: bytes, start: int, end: int) -> list[tuple[bytes, bytes]]:
    chunks: list[tuple[bytes, bytes]] = []
    offset = start
    while offset + 8 <= end:
        kind = data[offset : offset + 4]
        (size,) = struct.unpack_from("<I", data, offset + 4)
        body_start = offset + 8
        if body_start + size > end:
            if kind != b"data":
                raise ValueError(f"truncated RIFF chunk {kind!r}")
            # Streaming writers leave the data size unset (0xFFFFFFFF): take what is there.
            size = end - body_start
        chunks.append((kind, data[body_start : body_start + size]))
        offset = body_start + size + (size & 1)
    return chunks


def _riff_chunk(kind: bytes, body: bytes) -> bytes:
    # RIFF chunks start on even offsets: an odd-sized body is followed by one pad byte.
    return kind + struct.pack("<I", len(body)) + body + (b"\0" if len(body) & 1 else b"")


def _wav_chunks(wav: bytes) -> list[tuple[bytes, bytes]]:
    if len(wav) < 12 or wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        raise ValueError("not a RIFF WAVE file")
    return _riff_chunks(wav, 12, len(wav))


def label_wav(wav_bytes: bytes, aigc: Mapping[str, str]) -> bytes:
    """The WAV with ``LIST/INFO/ICMT`` = the AIGC JSON (UTF-8, NUL-terminated), before ``data``.

    Other INFO entries are kept; an old ICMT is replaced. The RIFF size is recomputed, which
    also repairs files whose streaming writer left it unset.
    """
    comment = aigc_json(aigc).encode("utf-8") + b"\0"
    chunks = _wav_chunks(wav_bytes)
    info_entries: list[tuple[bytes, bytes]] = []
    kept: list[tuple[bytes, bytes]] = []
    for kind, body in chunks:
        if kind == b"LIST" and body[:4] == b"INFO":
            info_entries += [e for e in _riff_chunks(body, 4, len(body)) if e[0] != b"ICMT"]
        else:
            kept.append((kind, body))
    info_entries.append((b"ICMT", comment))
    info_list = (b"LIST", b"INFO" + b"".join(_riff_chunk(k, b) for k, b in info_entries))
    data_at = next((i for i, (kind, _) in enumerate(kept) if kind == b"data"), len(kept))
    kept.insert(data_at, info_list)
    body = b"WAVE" + b"".join(_riff_chunk(kind, chunk) for kind, chunk in kept)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def read_wav_aigc(wav_bytes: bytes) -> dict[str, str] | None:
    """The `AIGC` object from the WAV's INFO comment; None if it carries none."""
    for kind, body in _wav_chunks(wav_bytes):
        if kind == b"LIST" and body[:4] == b"INFO":
            for entry, text in _riff_chunks(body, 4, len(body)):
                if entry == b"ICMT":
                    return parse_aigc_json(text.rstrip(b"\0").decode("utf-8", errors="replace"))
    return None


# --- MP4 (ffmpeg, stream copy) ------------------------------------------------------------


def ffmpeg_binary() -> str:
    """The ffmpeg shipped in the imageio-ffmpeg wheel."""
    try:
        import imageio_ffmpeg
    except ImportError:
        raise LabelingUnavailable(
            "Labelling MP4 needs the PyPI package imageio-ffmpeg (it ships ffmpeg)."
        ) from None
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def _run_ffmpeg(args: list[str], timeout_s: float) -> subprocess.CompletedProcess[bytes]:
    try:
        result = subprocess.run(  # noqa: S603 - fixed binary, argument list, no shell
            args, capture_output=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise LabelingError(f"ffmpeg took longer than {timeout_s:.0f} s") from exc
    if result.returncode != 0:
        tail = result.stderr.decode("utf-8", errors="replace").strip()[-800:]
        raise LabelingError(f"ffmpeg failed ({result.returncode}): {tail}")
    return result


def label_mp4(
    mp4_path_in: str | Path,
    mp4_path_out: str | Path,
    aigc: Mapping[str, str],
    *,
    timeout_s: float = FFMPEG_TIMEOUT_S,
) -> None:
    """Copy the MP4 (no re-encode) with the AIGC JSON in its ``comment`` and ``AIGC`` tags.

    ``use_metadata_tags`` stores the tags as QuickTime ``mdta`` keys, which keeps the
    custom ``AIGC`` key; ``faststart`` moves the index first for progressive playback.
    """
    source, target = Path(mp4_path_in), Path(mp4_path_out)
    if source.resolve() == target.resolve():
        raise ValueError("label_mp4 writes a new file; the output must differ from the input")
    text = aigc_json(aigc)
    _run_ffmpeg(
        [
            ffmpeg_binary(),
            *("-nostdin", "-hide_banner", "-v", "error", "-y", "-i", str(source)),
            *("-map", "0", "-map_metadata", "0", "-c", "copy"),
            *("-metadata", f"comment={text}", "-metadata", f"{AIGC_KEY}={text}"),
            # The container's ftyp fields come back as tags on input; with use_metadata_tags
            # they would be written again as mdta keys and read back doubled.
            *("-metadata", "major_brand=", "-metadata", "minor_version="),
            *("-metadata", "compatible_brands="),
            *("-movflags", "use_metadata_tags+faststart", "-f", "mp4", str(target)),
        ],
        timeout_s,
    )


def _parse_ffmetadata(text: str) -> dict[str, str]:
    """Global tags from ffmpeg's FFMETADATA1 output.

    A backslash escapes ``=``, ``;``, ``#``, ``\\`` and newline, so a value may span lines;
    hence one pass over the characters rather than splitting lines.
    """
    tags: dict[str, str] = {}
    key: list[str] = []
    value: list[str] = []
    target = key
    at_line_start = True
    escaped = in_comment = False
    for char in text:
        if at_line_start:
            at_line_start = False
            if char == "[":
                break  # stream and chapter sections follow the global tags
            in_comment = char in ";#"
        if in_comment:
            at_line_start = char == "\n"
            in_comment = not at_line_start
        elif escaped:
            target.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "=" and target is key:
            target = value
        elif char == "\n":
            if key:
                tags["".join(key)] = "".join(value)
            key, value, at_line_start = [], [], True
            target = key
        else:
            target.append(char)
    if key:
        tags["".join(key)] = "".join(value)
    return tags


def read_mp4_aigc(
    mp4_path: str | Path, *, timeout_s: float = FFMPEG_TIMEOUT_S
) -> dict[str, str] | None:
    """The `AIGC` object from the MP4's ``AIGC`` or ``comment`` tag; None if neither holds one."""
    result = _run_ffmpeg(
        [
            ffmpeg_binary(),
            *("-nostdin", "-hide_banner", "-v", "error", "-i", str(mp4_path)),
            *("-f", "ffmetadata", "-"),
        ],
        timeout_s,
    )
    tags = {key.lower(): value for key, value in _parse_ffmetadata(result.stdout.decode()).items()}
    for key in ("aigc", "comment"):
        if key in tags:
            label = parse_aigc_json(tags[key])
            if label is not None:
                return label
    return None
