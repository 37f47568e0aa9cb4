"""Compress speech for delivery (AAC in .m4a, or Opus in .ogg) with imageio-ffmpeg's ffmpeg."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from content.providers.base import ProviderError, ProviderUnavailable

Codec = Literal["aac", "opus"]

# Container and encoder arguments per codec. The m4a gets its index at the front
# (+faststart) so players can start before the whole file has arrived.
_FORMATS: dict[str, tuple[str, list[str]]] = {
    "aac": ("m4a", ["-c:a", "aac", "-movflags", "+faststart"]),
    "opus": ("ogg", ["-c:a", "libopus", "-application", "voip"]),
}


def ffmpeg_executable() -> str:
    """Path of the ffmpeg binary bundled in the ``imageio-ffmpeg`` wheel."""
    try:
        import imageio_ffmpeg
    except ImportError as exc:
        raise ProviderUnavailable("ffmpeg is missing: pip install imageio-ffmpeg.") from exc
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:
        raise ProviderUnavailable(f"imageio-ffmpeg has no ffmpeg binary: {exc}") from exc


def compressed_extension(codec: Codec) -> str:
    """File extension for ``codec``'s container: ``m4a`` or ``ogg``."""
    return _FORMATS[codec][0]


def encode_compressed(
    wav_bytes: bytes,
    *,
    codec: Codec = "aac",
    bitrate: str = "64k",
    metadata: Mapping[str, str] | None = None,
    timeout_s: float = 60.0,
) -> bytes:
    """The WAV compressed to ``codec`` (AAC .m4a by default; Opus .ogg for the web).

    ``metadata`` becomes container tags (``comment``, ``title``...), which is where implicit
    AI labels ride in compressed files. 64 kb/s is plenty for mono speech.
    """
    if codec not in _FORMATS:
        raise ValueError(f"codec must be one of {sorted(_FORMATS)}, got {codec!r}")
    extension, codec_args = _FORMATS[codec]
    tag_args: list[str] = []
    for key, value in (metadata or {}).items():
        tag_args += ["-metadata", f"{key}={value}"]
    with tempfile.TemporaryDirectory(prefix="shop-ai-speech-") as folder:
        source = Path(folder) / "speech.wav"
        target = Path(folder) / f"speech.{extension}"
        source.write_bytes(wav_bytes)
        command = [
            ffmpeg_executable(),
            "-nostdin",
            "-hide_banner",
            "-loglevel",
            "error",
            "-i",
            str(source),
            *codec_args,
            "-b:a",
            bitrate,
            *tag_args,
            "-y",
            str(target),
        ]
        try:
            # A fixed argument list, no shell: the text of tags cannot become a command.
            completed = subprocess.run(  # noqa: S603
                command, capture_output=True, timeout=timeout_s, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise ProviderError(
                f"ffmpeg took longer than {timeout_s}s to encode {codec}", transient=True
            ) from exc
        if completed.returncode != 0 or not target.is_file():
            detail = completed.stderr.decode("utf-8", errors="replace").strip()[-500:]
            raise ProviderError(f"ffmpeg failed to encode {codec}: {detail}")
        return target.read_bytes()
