"""The `openai` image and speech backends against a real HTTP server speaking the few OpenAI
endpoints they use (images/generations, audio/speech), returning real PNG and WAV bytes."""

from __future__ import annotations

import base64
import io
import itertools
import json
import math
import struct
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from content.layouts import BrandKit, LayoutInput
from content.layouts.layouts import HERO_SIZE, STORY_SIZE
from content.models import Asset
from content.providers.base import ProviderError, ProviderUnavailable
from content.providers.image import ComposeImages
from content.providers.image.openai import OpenAIImages
from content.providers.registry import get_backend, get_speech_backend
from content.providers.speech import decode_wav, rms
from content.providers.speech.openai_speech import OpenAISpeech, read_pcm_wav
from content.stages import StageContext, run_stage_outputs
from livestream.voice import RoomVoice
from tests.conftest import Actor
from tests.content.providers.test_text_copy import GOOD
from tests.factories import make_product
from tests.providers import use_provider

SCENE_COLOUR = (30, 150, 70)  # a green no layout draws on its own
SPEECH_RATE = 24000
SECONDS_PER_CHAR = 0.04


def scene_png(width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height), SCENE_COLOUR)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def speech_wav(text: str, *, streaming: bool, channels: int = 1) -> bytes:
    """A real 16-bit WAV: a 220 Hz tone as long as the text (0.04 s a character), with
    100 ms of silence before and after, as voices pad their clips."""
    tone_s = len(text) * SECONDS_PER_CHAR
    t = np.arange(round(tone_s * SPEECH_RATE)) / SPEECH_RATE
    tone = 0.4 * np.sin(2 * math.pi * 220 * t)
    pad = np.zeros(round(0.1 * SPEECH_RATE))
    samples = np.concatenate([pad, tone, pad])
    pcm = np.repeat((samples * 32767).astype("<i2"), channels).tobytes()
    data_size = 0xFFFFFFFF if streaming else len(pcm)
    riff_size = 0xFFFFFFFF if streaming else 36 + len(pcm)
    fmt = struct.pack("<HHIIHH", 1, channels, SPEECH_RATE, SPEECH_RATE * 2 * channels,
                      2 * channels, 16)  # fmt: skip
    return (
        b"RIFF" + struct.pack("<I", riff_size) + b"WAVE"
        + b"fmt " + struct.pack("<I", 16) + fmt
        + b"data" + struct.pack("<I", data_size) + pcm
    )  # fmt: skip


@dataclass
class FakeOpenAI:
    """Statuses and reply styles are queued by a test; requests are recorded for it."""

    statuses: deque[int] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    image_reply: str = "b64"  # "b64", "url" or "garbage"
    streaming_wav: bool = True
    base_url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(state: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # the URL an image reply points at
            state.requests.append({"path": self.path, "method": "GET"})
            self._send(200, scene_png(512, 512), "image/png")

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with state.lock:
                state.requests.append(
                    {"path": self.path, "auth": self.headers.get("Authorization"), **body}
                )
                status = state.statuses.popleft() if state.statuses else 200
            if status != 200:
                payload = {"error": {"message": "upstream says no", "type": "server_error"}}
                self._send(status, json.dumps(payload).encode(), "application/json")
            elif self.path.endswith("/images/generations"):
                self._image(body)
            elif self.path.endswith("/audio/speech"):
                wav = speech_wav(body["input"], streaming=state.streaming_wav)
                self._send(200, wav, "audio/wav")
            else:
                self._send(404, b"{}", "application/json")

        def _image(self, body: dict[str, Any]) -> None:
            width, height = (int(n) for n in body["size"].split("x"))
            item: dict[str, Any] = {"revised_prompt": f"revised: {body['prompt'][:20]}"}
            if state.image_reply == "url":
                item["url"] = f"{state.base_url.removesuffix('/v1')}/files/scene.png"
            elif state.image_reply == "garbage":
                item["b64_json"] = base64.b64encode(b"not an image at all").decode()
            else:
                item["b64_json"] = base64.b64encode(scene_png(width, height)).decode()
            usage = {"input_tokens": 50, "output_tokens": 4000, "total_tokens": 4050,
                     "input_tokens_details": {"text_tokens": 50, "image_tokens": 0}}  # fmt: skip
            reply = {"created": 0, "data": [item], "usage": usage}
            self._send(200, json.dumps(reply).encode(), "application/json")

        def _send(self, status: int, data: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOpenAI]:
    state = FakeOpenAI()
    httpd = QuietServer(("127.0.0.1", 0), _handler(state))
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def api(server: FakeOpenAI) -> FakeOpenAI:
    server.statuses.clear()
    server.requests.clear()
    server.image_reply = "b64"
    server.streaming_wav = True
    return server


def images(api: FakeOpenAI, **options: Any) -> OpenAIImages:
    return OpenAIImages(base_url=api.base_url, api_key="sk-test", model="gpt-image-1",
                        price_per_image="0.06", timeout_s=5.0, **options)  # fmt: skip


def speech(api: FakeOpenAI, **options: Any) -> OpenAISpeech:
    return OpenAISpeech(base_url=api.base_url, api_key="sk-test", model="tts-1", voice="nova",
                        price_per_1k_chars="0.015", timeout_s=5.0, **options)  # fmt: skip


def product_photo() -> bytes:
    image = Image.new("RGB", (600, 600), (236, 236, 232))
    ImageDraw.Draw(image).rounded_rectangle((170, 150, 430, 470), 30, fill=(46, 94, 140))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


INPUT = LayoutInput(
    product_photo=product_photo(), headline="Ceramic Coffee Mug", subheadline="Holds 350 ml.",
    features=("Holds 350 ml",), price_text="$12.99", compare_at_text="$19.99",
    offer_badge_text="-35%", brand_name="Acme", locale="en",
)  # fmt: skip
KIT = BrandKit(primary_color="#1F3A5F", secondary_color="#3C6E91", accent_color="#F2A541")


# --- start-up checks -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "named", "not_named"),
    [
        ({"base_url": "", "api_key": "sk"}, "OPENAI_BASE_URL", "OPENAI_API_KEY"),
        ({"base_url": "http://x/v1", "api_key": ""}, "OPENAI_API_KEY", "OPENAI_BASE_URL"),
        ({"base_url": "", "api_key": ""}, "OPENAI_BASE_URL and OPENAI_API_KEY", None),
    ],
)
@pytest.mark.parametrize("backend", [OpenAIImages, OpenAISpeech])
def test_missing_settings_stop_the_backend_at_start_up_naming_them(
    monkeypatch, backend, options, named, not_named
):
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)

    with pytest.raises(ProviderUnavailable) as raised:
        backend(**options)

    assert named in str(raised.value)
    if not_named:
        assert not_named not in str(raised.value).split("(")[0]


def test_the_environment_is_not_read_by_the_backend(monkeypatch, api):
    # Settings turn OPENAI_* into OPTIONS; a backend built without them refuses to start.
    monkeypatch.setenv("OPENAI_BASE_URL", api.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")

    with pytest.raises(ProviderUnavailable, match="OPENAI_BASE_URL and OPENAI_API_KEY"):
        OpenAISpeech()


@pytest.mark.django_db
def test_the_live_room_speaks_with_the_configured_options(api, settings):
    use_provider(settings, "speech", "openai", locale="en", base_url=api.base_url,
                 api_key="sk-room", voice="echo")  # fmt: skip

    voice = RoomVoice(locale="en", room_slug="r")

    assert isinstance(voice.provider, OpenAISpeech)
    assert voice.provider.voice == "echo"
    voice.render("Hello there.")
    assert api.requests[0]["auth"] == "Bearer sk-room"


def test_a_missing_model_names_its_setting(api):
    with pytest.raises(ProviderUnavailable, match="OPENAI_IMAGE_MODEL"):
        OpenAIImages(base_url=api.base_url, api_key="sk", model="")
    with pytest.raises(ProviderUnavailable, match="OPENAI_SPEECH_MODEL"):
        OpenAISpeech(base_url=api.base_url, api_key="sk", model="")


# --- images --------------------------------------------------------------------------------


def test_the_hero_banner_stands_on_a_generated_scene_with_the_real_product(api):
    rendered = images(api).render("hero_banner", INPUT, KIT, subject="Kitchen > Mugs")

    (sent,) = api.requests
    assert sent["path"] == "/v1/images/generations"
    assert sent["auth"] == "Bearer sk-test"
    assert (sent["model"], sent["size"], sent["n"]) == ("gpt-image-1", "1536x1024", 1)
    assert "Kitchen > Mugs" in sent["prompt"]
    assert "no text" in sent["prompt"]
    assert "response_format" not in sent  # gpt-image-1 refuses it
    image = rendered.image
    assert image.size == HERO_SIZE
    # The right edge, away from the copy's scrim, is the scene; the centre of the product
    # area is the product photo's own blue.
    assert image.getpixel((HERO_SIZE[0] - 5, HERO_SIZE[1] - 5)) == SCENE_COLOUR
    red, green, blue = image.getpixel((1410, 580))  # type: ignore[misc]
    assert blue > green > red
    provenance = rendered.provenance
    assert (provenance.provider, provenance.model) == ("openai", "gpt-image-1")
    assert provenance.cost.money_usd == Decimal("0.06")
    assert (provenance.cost.input_tokens, provenance.cost.output_tokens) == (50, 4000)
    assert provenance.params["scene_size"] == [1536, 1024]
    assert provenance.params["revised_prompt"].startswith("revised: ")
    assert provenance.prompt == sent["prompt"]


def test_the_story_frame_asks_for_a_portrait_scene(api):
    rendered = images(api, quality="low").render("story_frame", INPUT, KIT, subject="Mugs")

    assert api.requests[0]["size"] == "1024x1536"
    assert api.requests[0]["quality"] == "low"
    assert rendered.image.size == STORY_SIZE
    assert rendered.image.getpixel((STORY_SIZE[0] // 2, STORY_SIZE[1] - 20)) == SCENE_COLOUR


@pytest.mark.parametrize("layout", ["marketplace_main", "feature_card"])
def test_white_background_and_feature_layouts_stay_composed_without_a_call(api, layout):
    rendered = images(api).render(layout, INPUT, KIT, subject="Mugs")
    composed = ComposeImages().render(layout, INPUT, KIT)

    assert api.requests == []
    assert rendered.provenance.provider == "compose"
    assert rendered.provenance.cost.money_usd == 0
    assert rendered.image.tobytes() == composed.image.tobytes()


def test_a_url_reply_is_fetched(api):
    api.image_reply = "url"

    rendered = images(api, response_format="url").render("hero_banner", INPUT, KIT, subject="")

    assert api.requests[0]["response_format"] == "url"
    assert api.requests[1] == {"path": "/files/scene.png", "method": "GET"}
    assert rendered.image.getpixel((HERO_SIZE[0] - 5, 5)) != (0, 0, 0)


def test_bytes_that_are_no_image_are_a_provider_error(api):
    api.image_reply = "garbage"

    with pytest.raises(ProviderError, match="not a readable image") as raised:
        images(api).render("hero_banner", INPUT, KIT, subject="")

    assert not raised.value.transient


@pytest.mark.parametrize(("status", "transient"), [(429, True), (503, True), (400, False)])
def test_api_errors_are_provider_errors_transient_where_a_retry_helps(api, status, transient):
    api.statuses.append(status)

    with pytest.raises(ProviderError) as raised:
        images(api).render("hero_banner", INPUT, KIT, subject="")

    assert raised.value.transient is transient
    assert str(status) in str(raised.value)


def test_the_registry_builds_image_backends_by_setting(api, settings):
    use_provider(settings, "image", "compose")
    assert isinstance(get_backend("image"), ComposeImages)
    use_provider(settings, "image", "openai", base_url=api.base_url, api_key="sk", model="m")
    assert isinstance(get_backend("image"), OpenAIImages)
    settings.SHOP_AI_PROVIDERS = {**settings.SHOP_AI_PROVIDERS, "image": {"BACKEND": "midjourney"}}
    with pytest.raises(ProviderUnavailable, match=r'SHOP_AI_PROVIDERS\["image"\]\["BACKEND"\]'):
        get_backend("image")


# --- speech --------------------------------------------------------------------------------

TEXT = "Meet the mug. It holds three hundred and fifty millilitres of coffee. Buy it now!"


def test_each_sentence_is_spoken_and_timed_on_its_own(api):
    result = speech(api).synthesize(TEXT, locale="en-US")

    sent = sorted(api.requests, key=lambda r: TEXT.index(r["input"]))
    assert [r["input"] for r in sent] == [
        "Meet the mug.",
        "It holds three hundred and fifty millilitres of coffee.",
        "Buy it now!",
    ]
    assert all(r["path"] == "/v1/audio/speech" for r in sent)
    assert {(r["model"], r["voice"], r["response_format"]) for r in sent} == {
        ("tts-1", "nova", "wav")
    }
    assert all("speed" not in r for r in sent)
    timings = result.sentences
    assert [t.text for t in timings] == [r["input"] for r in sent]
    assert timings[0].start_s == 0
    for earlier, later in itertools.pairwise(timings):
        assert later.start_s - earlier.end_s == pytest.approx(0.25, abs=0.01)
    # The server's silence padding is trimmed: each timing spans its tone (plus 40 ms).
    for timing in timings:
        expected = len(timing.text) * SECONDS_PER_CHAR + 0.08
        assert timing.end_s - timing.start_s == pytest.approx(expected, abs=0.02)
    assert timings[-1].end_s == pytest.approx(result.duration_s)


def test_the_track_is_a_real_loudness_normalised_wav(api):
    result = speech(api).synthesize(TEXT, locale="en-US")

    samples, rate = decode_wav(result.wav)
    assert rate == result.sample_rate == SPEECH_RATE
    assert samples.size / rate == pytest.approx(result.duration_s)
    assert rms(samples) > 0.05
    characters = sum(len(r["input"]) for r in api.requests)
    cost = result.provenance.cost
    assert cost.input_tokens == characters
    assert cost.money_usd == characters * Decimal("0.015") / 1000
    assert result.provenance.params["timings"] == "per-sentence requests"


def test_speed_is_sent_and_scales_the_pauses(api):
    result = speech(api).synthesize("One. Two.", locale="en", speed=1.25)

    assert {r["speed"] for r in api.requests} == {1.25}
    first, second = result.sentences
    assert second.start_s - first.end_s == pytest.approx(0.2, abs=0.01)


def test_chinese_is_spoken_sentence_by_sentence(api):
    result = speech(api).synthesize("这款杯子很好看。现在下单吧！", locale="zh-CN")  # noqa: RUF001

    assert [s.text for s in result.sentences] == ["这款杯子很好看。", "现在下单吧！"]  # noqa: RUF001


def test_a_failed_sentence_fails_the_whole_track(api):
    api.statuses.extend([200, 500, 200])

    with pytest.raises(ProviderError) as raised:
        speech(api, max_parallel=1).synthesize(TEXT, locale="en")

    assert raised.value.transient


def test_empty_text_is_refused_without_a_call(api):
    with pytest.raises(ProviderError, match="no words"):
        speech(api).synthesize(" … ", locale="en")
    assert api.requests == []


def test_the_registry_offers_openai_speech(api, settings):
    use_provider(settings, "speech", "openai", locale="zh-CN", base_url=api.base_url,
                 api_key="sk", voice="echo")  # fmt: skip
    built = get_speech_backend("zh-CN")
    assert isinstance(built, OpenAISpeech)
    assert built.voice == "echo"


def test_wav_reader_takes_streaming_headers_stereo_and_a_stray_byte():
    streamed, rate = read_pcm_wav(speech_wav("abc", streaming=True) + b"\x01")
    exact, _ = read_pcm_wav(speech_wav("abc", streaming=False))
    stereo, _ = read_pcm_wav(speech_wav("abc", streaming=False, channels=2))

    assert rate == SPEECH_RATE
    assert np.array_equal(streamed, exact)
    assert np.allclose(stereo, exact)
    with pytest.raises(ValueError, match="RIFF"):
        read_pcm_wav(b"ID3 an mp3")
    eight_bit = bytearray(speech_wav("abc", streaming=False))
    eight_bit[34:36] = struct.pack("<H", 8)
    with pytest.raises(ValueError, match="16-bit"):
        read_pcm_wav(bytes(eight_bit))


# --- the stages, chosen by settings --------------------------------------------------------


def _context_with_copy(actor: Actor) -> StageContext:
    product = make_product(actor.store)
    copy = Asset.objects.create(
        store=actor.store, product=product, kind="copy", locale="en", provider="template",
        input_hash="a" * 64, product_content_hash=product.content_hash, text=dict(GOOD),
    )  # fmt: skip
    return StageContext.build(product=product, store=actor.store, locale="en", options={},
                              upstream={"copy": [copy]})  # fmt: skip


@pytest.mark.django_db
def test_the_image_stage_uses_the_openai_backend_from_settings(alice: Actor, api, settings):
    use_provider(settings, "image", "openai", base_url=api.base_url, api_key="sk",
                 model="gpt-image-1", price_per_image="0.04")  # fmt: skip

    drafts = run_stage_outputs("image", _context_with_copy(alice))

    providers = {d.variant: (d.provenance.provider, d.provenance.cost.money_usd) for d in drafts}
    assert providers == {
        "marketplace_main": ("compose", Decimal(0)),
        "hero_banner": ("openai", Decimal("0.04")),
        "feature_card": ("compose", Decimal(0)),
        "story_frame": ("openai", Decimal("0.04")),
    }
    assert [r["size"] for r in api.requests] == ["1536x1024", "1024x1536"]
    hero = next(d for d in drafts if d.variant == "hero_banner")
    assert hero.data is not None
    assert Image.open(io.BytesIO(hero.data)).size == HERO_SIZE


@pytest.mark.django_db
def test_the_voice_stage_uses_the_openai_backend_from_settings(alice: Actor, api, settings):
    use_provider(settings, "speech", "openai", locale="en", base_url=api.base_url, api_key="sk",
                 model="tts-1", voice="nova")  # fmt: skip

    (draft,) = run_stage_outputs("voice", _context_with_copy(alice))

    assert draft.provenance.provider == "openai"
    assert [s["text"] for s in draft.metadata["sentences"]] == GOOD["video_script"]
    assert len(api.requests) == len(GOOD["video_script"])
    assert draft.data is not None
    samples, _ = decode_wav(draft.data)
    assert rms(samples) > 0.05
