"""Encode frames and a soundtrack to a browser-playable MP4 (H.264 High, yuv420p, AAC, faststart).

Two writers share the frame function and the ffmpeg output options:
- `moviepy`: `VideoClip(make_frame).with_audio(...).write_videofile(...)`, the reference.
  moviepy 2.2 appends `-pix_fmt yuva420p` for libx264, which ffmpeg answers by
  auto-selecting yuv420p (the tests pin the result).
- `ffmpeg`: raw RGB frames piped straight into imageio-ffmpeg's bundled binary, which
  encodes the audio in the same pass.
"""

from __future__ import annotations

import subprocess
import wave
from collections.abc import Callable, Mapping
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import numpy.typing as npt

from content.providers.base import ProviderError, ProviderUnavailable
from content.providers.video.audio import SAMPLE_RATE

FrameFunction = Callable[[float], npt.NDArray[np.uint8]]
WriterFunction = Callable[..., None]

PRESET = "veryfast"
THREADS = 2
AUDIO_BITRATE = "128k"
# Keys the MP4 muxer stores in standard (iTunes-style) atoms; any other key needs
# `use_metadata_tags`, which stores every tag as an mdta key instead.
_STANDARD_MP4_TAGS = frozenset(
    {
        "title",
        "artist",
        "author",
        "album",
        "comment",
        "description",
        "copyright",
        "genre",
        "date",
        "synopsis",
    }
)


def ffmpeg_exe() -> str:
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:  # raised when the bundled binary is missing
        raise ProviderUnavailable(
            f"no ffmpeg binary: reinstall imageio-ffmpeg (pip install imageio-ffmpeg==0.8.1): {exc}"
        ) from exc


def h264_output_options(fps: int, metadata: Mapping[str, str]) -> list[str]:
    """Encoder and container options that make the file play in every browser."""
    movflags = "+faststart"
    if any(key not in _STANDARD_MP4_TAGS for key in metadata):
        movflags += "+use_metadata_tags"
    options = [
        "-pix_fmt", "yuv420p",
        "-profile:v", "high",
        "-crf", "23",
        # A keyframe every two seconds keeps seeking in web players snappy.
        "-g", str(2 * fps),
        "-movflags", movflags,
    ]  # fmt: skip
    for key, value in metadata.items():
        options += ["-metadata", f"{key}={value}"]
    return options


def write_with_moviepy(
    make_frame: FrameFunction,
    soundtrack: npt.NDArray[np.float32],
    out_path: Path,
    *,
    fps: int,
    frame_count: int,
    metadata: Mapping[str, str],
    work_dir: Path,
) -> None:
    # Imported here: moviepy's import resolves the ffmpeg binary and takes ~0.3 s.
    from moviepy import VideoClip
    from moviepy.audio.AudioClip import AudioArrayClip

    # moviepy renders int(duration * fps) frames; the half-frame margin stops float
    # rounding from dropping the last one.
    clip = VideoClip(make_frame, duration=(frame_count + 0.5) / fps).with_fps(fps)
    clip = clip.with_audio(AudioArrayClip(soundtrack, fps=SAMPLE_RATE))
    try:
        clip.write_videofile(
            str(out_path),
            fps=fps,
            codec="libx264",
            audio_codec="aac",
            audio_fps=SAMPLE_RATE,
            audio_bitrate=AUDIO_BITRATE,
            preset=PRESET,
            threads=THREADS,
            ffmpeg_params=h264_output_options(fps, metadata),
            temp_audiofile_path=str(work_dir),
            logger=None,
        )
    except OSError as exc:
        raise ProviderError(f"ffmpeg failed to encode the video: {exc}") from exc
    finally:
        clip.close()


def _write_wav(soundtrack: npt.NDArray[np.float32], path: Path) -> None:
    pcm = (np.clip(soundtrack, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(soundtrack.shape[1])
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm.tobytes())


def write_with_ffmpeg_pipe(
    make_frame: FrameFunction,
    soundtrack: npt.NDArray[np.float32],
    out_path: Path,
    *,
    fps: int,
    frame_count: int,
    metadata: Mapping[str, str],
    work_dir: Path,
) -> None:
    first = make_frame(0.0)
    height, width = first.shape[:2]
    audio_path = work_dir / "soundtrack.wav"
    _write_wav(soundtrack, audio_path)
    command = [
        ffmpeg_exe(), "-y", "-loglevel", "error",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", str(fps), "-i", "-",
        "-i", str(audio_path),
        "-map", "0:v:0", "-map", "1:a:0",
        "-c:v", "libx264", "-preset", PRESET, "-threads", str(THREADS),
        "-c:a", "aac", "-b:a", AUDIO_BITRATE,
        *h264_output_options(fps, metadata),
        str(out_path),
    ]  # fmt: skip
    errors = (work_dir / "ffmpeg.log").open("w+b")
    # Fixed binary and an argument list, no shell.
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=errors)  # noqa: S603
    with errors, process:
        assert process.stdin is not None
        try:
            for index in range(frame_count):
                frame = first if index == 0 else make_frame(index / fps)
                process.stdin.write(np.ascontiguousarray(frame).data)
            process.stdin.close()
        except BrokenPipeError:
            pass  # ffmpeg stopped early; its exit status and log say why
        code = process.wait()
        if code != 0:
            errors.seek(0)
            log = errors.read().decode(errors="replace")[-2000:]
            raise ProviderError(f"ffmpeg failed to encode the video (exit {code}): {log}")


WRITERS: dict[str, WriterFunction] = {
    "moviepy": write_with_moviepy,
    "ffmpeg": write_with_ffmpeg_pipe,
}
