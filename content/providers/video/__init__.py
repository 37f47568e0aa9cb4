"""The `compose` video provider: a vertical product short with captions, cards and AI labels.

Plain Python: Pillow draws every frame, moviepy 2 (or a direct ffmpeg pipe) encodes
H.264/AAC through imageio-ffmpeg's bundled ffmpeg. No network, no model weights.
"""

from content.providers.video.composer import DEFAULT_WRITER, compose_product_video
from content.providers.video.frames import VideoFrames, plan_opening_label
from content.providers.video.spec import Timeline, VideoResult, VideoSpec, plan_timeline
from content.providers.video.writers import WRITERS

__all__ = [
    "DEFAULT_WRITER",
    "WRITERS",
    "Timeline",
    "VideoFrames",
    "VideoResult",
    "VideoSpec",
    "compose_product_video",
    "plan_opening_label",
    "plan_timeline",
]
