"""Benchmark speech: voice load time and real-time factor of Piper and eSpeak NG, as JSON.

Real-time factor is synthesis seconds per audio second (lower is faster), on a 30-word text.

Run: python bench/bench_tts.py [--repeat N]
"""

# ruff: noqa: RUF001 - Chinese punctuation in the sample text is meant

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content.providers.speech import EspeakSpeech, PiperSpeech, SpeechProvider, encode_compressed

# 30 words of product copy, three sentences.
ENGLISH = (
    "Meet the new travel kettle. It boils half a litre of water in three "
    "minutes and switches itself off. The handle folds flat, so it fits in any carry-on bag."
)
# About the same content in Mandarin (60 characters, roughly 30 words).
CHINESE = (
    "欢迎来到我们的直播间，今天给大家介绍这款旅行电热水壶。"
    "它三分钟就能烧开半升水，烧开后自动断电。"
    "把手可以折叠，放进任何登机箱都没问题。"
)


def measure(provider: SpeechProvider, text: str, locale: str, repeat: int) -> dict[str, float]:
    start = time.perf_counter()
    first = provider.synthesize(text, locale=locale)
    first_call_s = time.perf_counter() - start
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = provider.synthesize(text, locale=locale)
        timings.append(time.perf_counter() - start)
    synthesis_s = statistics.median(timings)
    return {
        "words": len(text.split()) if locale.startswith("en") else None,
        "chinese_characters": sum("\u4e00" <= char <= "\u9fff" for char in text) or None,
        "audio_s": round(result.duration_s, 2),
        "first_call_s": round(first_call_s, 3),
        "synthesis_s": round(synthesis_s, 3),
        "real_time_factor": round(synthesis_s / result.duration_s, 4),
        "sentences": len(first.sentences),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    piper = PiperSpeech()
    start = time.perf_counter()
    piper.load()
    piper_load_s = time.perf_counter() - start

    espeak = EspeakSpeech()
    start = time.perf_counter()
    espeak.load()
    espeak_load_s = time.perf_counter() - start

    piper_english = measure(piper, ENGLISH, "en-US", args.repeat)
    wav = piper.synthesize(ENGLISH, locale="en-US").wav
    start = time.perf_counter()
    m4a = encode_compressed(wav, codec="aac")
    aac_s = time.perf_counter() - start

    report = {
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.processor() or platform.machine(),
            "cores": os.cpu_count(),
        },
        "repeat": args.repeat,
        "piper": {"voice": "en_US-joe-medium", "load_s": round(piper_load_s, 3), **piper_english},
        "espeak": {
            "load_s": round(espeak_load_s, 3),
            "en-US": measure(espeak, ENGLISH, "en-US", args.repeat),
            "zh-CN": measure(espeak, CHINESE, "zh-CN", args.repeat),
        },
        "encode_aac": {
            "seconds": round(aac_s, 3),
            "wav_bytes": len(wav),
            "m4a_bytes": len(m4a),
        },
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
