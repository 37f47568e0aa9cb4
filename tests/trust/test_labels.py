"""Machine-readable AIGC labels (GB 45438-2025 Annex E) written into media files and read back."""

from __future__ import annotations

import io
import json
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from content.layouts.encode import encode_jpeg, encode_png
from trust.labels import (
    AIGC_FIELDS,
    LabelingError,
    aigc_json,
    aigc_metadata,
    ffmpeg_binary,
    label_jpeg,
    label_mp4,
    label_png,
    label_wav,
    parse_aigc_json,
    read_jpeg_aigc,
    read_mp4_aigc,
    read_png_aigc,
    read_wav_aigc,
)

AIGC = aigc_metadata(
    producer="Shop AI · 杭州小店",
    produce_id="job-42/asset-7",
    propagator="直播间 #3",
    propagate_id="room=3;seq\\9",
)


def product_image() -> Image.Image:
    img = Image.new("RGB", (64, 48), (232, 232, 234))
    img.paste((200, 40, 48), (16, 8, 48, 40))
    return img


def sine_wav(*, seconds: float = 0.25, rate: int = 16000) -> bytes:
    times = np.arange(int(seconds * rate)) / rate
    samples = (np.sin(2 * np.pi * 440 * times) * 12000).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())
    return out.getvalue()


def test_metadata_has_the_standard_fields_in_order_with_label_1() -> None:
    assert list(AIGC) == list(AIGC_FIELDS)
    assert AIGC["Label"] == "1"
    assert AIGC["ContentProducer"] == "Shop AI · 杭州小店"
    assert AIGC["ReservedCode1"] == AIGC["ReservedCode2"] == ""


def test_metadata_needs_a_producer_and_content_id() -> None:
    with pytest.raises(ValueError, match="producer"):
        aigc_metadata(producer=" ", produce_id="x")
    with pytest.raises(ValueError, match="PropagateID"):
        aigc_metadata(producer="Shop AI", produce_id="x", propagate_id="y")


def test_json_is_compact_ordered_and_keeps_chinese_readable() -> None:
    text = aigc_json(AIGC)

    assert text.startswith('{"Label":"1","ContentProducer":"Shop AI · 杭州小店","ProduceID"')
    assert '", "' not in text
    assert '": "' not in text
    assert aigc_json(dict(reversed(AIGC.items()))) == text
    assert json.loads(text) == AIGC


def test_json_rejects_unknown_fields_and_labels() -> None:
    with pytest.raises(ValueError, match="unknown"):
        aigc_json({**AIGC, "Model": "x"})
    with pytest.raises(ValueError, match="Label"):
        aigc_json({**AIGC, "Label": "yes"})


def test_parsing_is_lenient_with_other_generators_but_not_with_non_labels() -> None:
    assert parse_aigc_json('{"Label":1,"ContentProducer":"豆包"}') == {
        "Label": "1",
        "ContentProducer": "豆包",
    }
    assert parse_aigc_json('{"ContentProducer":"x"}') is None
    assert parse_aigc_json("not json") is None


def test_png_round_trip_keeps_pixels_and_other_chunks() -> None:
    original = encode_png(product_image(), text_chunks={"Software": "Shop AI"})

    labelled = label_png(original, AIGC)

    assert read_png_aigc(labelled) == AIGC
    assert read_png_aigc(original) is None
    with Image.open(io.BytesIO(labelled)) as img:
        img.load()
        assert img.text["Software"] == "Shop AI"
        assert json.loads(img.text["AIGC"]) == AIGC
        assert img.tobytes() == product_image().tobytes()


def test_png_relabelling_leaves_one_label() -> None:
    first = label_png(encode_png(product_image()), AIGC)
    second_aigc = aigc_metadata(producer="Shop AI", produce_id="job-43")

    relabelled = label_png(first, second_aigc)

    assert read_png_aigc(relabelled) == second_aigc
    assert relabelled.count(b"AIGC\0") == 1


def test_png_reader_understands_the_layout_encoders_text_chunk() -> None:
    encoded = encode_png(product_image(), text_chunks={"AIGC": aigc_json(AIGC)})

    assert read_png_aigc(encoded) == AIGC


def test_png_reader_finds_a_tc260_xmp_label() -> None:
    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        'rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/"><TC260:AIGC>'
        "{&quot;Label&quot;:&quot;1&quot;,&quot;ContentProducer&quot;:&quot;豆包&quot;}"
        "</TC260:AIGC></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    encoded = encode_png(product_image(), text_chunks={"XML:com.adobe.xmp": xmp})

    assert read_png_aigc(encoded) == {"Label": "1", "ContentProducer": "豆包"}


def test_png_writer_rejects_other_files() -> None:
    with pytest.raises(ValueError, match="PNG"):
        label_png(b"GIF89a", AIGC)


def test_jpeg_round_trip_decodes_to_the_same_pixels() -> None:
    original = encode_jpeg(product_image())

    labelled = label_jpeg(original, AIGC)

    assert read_jpeg_aigc(labelled) == AIGC
    assert read_jpeg_aigc(original) is None
    with Image.open(io.BytesIO(labelled)) as img, Image.open(io.BytesIO(original)) as ref:
        assert img.format == "JPEG"
        assert img.tobytes() == ref.tobytes()
        xmp = img.info["xmp"].decode("utf-8")
    assert "http://www.tc260.org.cn/ns/AIGC/1.0/" in xmp
    assert "trainedAlgorithmicMedia" in xmp


def test_jpeg_label_goes_after_the_jfif_and_exif_segments() -> None:
    exif = Image.Exif()
    exif[0x0131] = "Shop AI"  # Software
    out = io.BytesIO()
    product_image().save(out, format="JPEG", exif=exif.tobytes())

    labelled = label_jpeg(out.getvalue(), AIGC)

    assert labelled.index(b"JFIF") < labelled.index(b"Exif\0\0") < labelled.index(b"ns.adobe")
    with Image.open(io.BytesIO(labelled)) as img:
        assert img.getexif()[0x0131] == "Shop AI"
    assert read_jpeg_aigc(labelled) == AIGC


def test_jpeg_relabelling_merges_into_existing_xmp_and_keeps_one_label() -> None:
    other_xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        'rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" dc:format="image/jpeg"/>'
        "</rdf:RDF></x:xmpmeta>"
    )
    out = io.BytesIO()
    product_image().save(out, format="JPEG", xmp=other_xmp.encode())
    second_aigc = aigc_metadata(producer="Shop AI", produce_id="job-43")

    relabelled = label_jpeg(label_jpeg(out.getvalue(), AIGC), second_aigc)

    assert read_jpeg_aigc(relabelled) == second_aigc
    assert relabelled.count(b"<TC260:AIGC>") == 1
    assert relabelled.count(b"ns.adobe.com/xap/1.0/\0") == 1
    assert b'dc:format="image/jpeg"' in relabelled
    with Image.open(io.BytesIO(relabelled)) as img:
        img.load()


def test_wav_round_trip_stays_a_valid_wav_with_the_same_audio() -> None:
    original = sine_wav()

    labelled = label_wav(original, AIGC)

    assert read_wav_aigc(labelled) == AIGC
    assert read_wav_aigc(original) is None
    assert int.from_bytes(labelled[4:8], "little") == len(labelled) - 8
    with wave.open(io.BytesIO(labelled)) as wav, wave.open(io.BytesIO(original)) as ref:
        assert wav.getparams() == ref.getparams()
        assert wav.readframes(wav.getnframes()) == ref.readframes(ref.getnframes())


def test_wav_chunks_stay_word_aligned_and_old_comments_are_replaced() -> None:
    # An even-length JSON plus its NUL terminator makes an odd ICMT body that needs a pad byte.
    odd = aigc_metadata(producer="Shop AI", produce_id="job-10")
    assert len(aigc_json(odd).encode()) % 2 == 0

    relabelled = label_wav(label_wav(sine_wav(seconds=0.01), AIGC), odd)

    assert read_wav_aigc(relabelled) == odd
    assert relabelled.count(b"ICMT") == 1
    icmt_at, list_at = relabelled.index(b"ICMT"), relabelled.index(b"LIST")
    icmt_size = int.from_bytes(relabelled[icmt_at + 4 : icmt_at + 8], "little")
    list_size = int.from_bytes(relabelled[list_at + 4 : list_at + 8], "little")
    assert icmt_size % 2 == 1
    assert relabelled[icmt_at + 8 + icmt_size] == 0  # the pad byte
    assert list_size == len(b"INFO") + 8 + icmt_size + 1
    with wave.open(io.BytesIO(relabelled)) as wav:
        assert wav.getnframes() == 160


def test_ffmpeg_reads_the_wav_label_as_its_comment(tmp_path: Path) -> None:
    path = tmp_path / "voice.wav"
    path.write_bytes(label_wav(sine_wav(), AIGC))

    # read_mp4_aigc asks ffmpeg, an independent RIFF reader, for the comment tag.
    assert read_mp4_aigc(path) == AIGC


def test_wav_with_an_unset_streaming_size_is_repaired() -> None:
    streamed = bytearray(sine_wav(seconds=0.01))
    streamed[4:8] = b"\xff\xff\xff\xff"
    data_at = streamed.index(b"data")
    streamed[data_at + 4 : data_at + 8] = b"\xff\xff\xff\xff"

    labelled = label_wav(bytes(streamed), AIGC)

    assert int.from_bytes(labelled[4:8], "little") == len(labelled) - 8
    with wave.open(io.BytesIO(labelled)) as wav:
        assert wav.getnframes() == 160


def test_wav_writer_rejects_other_files() -> None:
    with pytest.raises(ValueError, match="WAVE"):
        label_wav(b"RIFF\0\0\0\0AVI ", AIGC)


@pytest.fixture(scope="module")
def one_second_mp4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mp4") / "clip.mp4"
    subprocess.run(
        [
            ffmpeg_binary(),
            *("-nostdin", "-v", "error", "-f", "lavfi", "-i"),
            "testsrc=size=64x64:rate=10:duration=1",
            *("-f", "lavfi", "-i", "sine=frequency=440:duration=1"),
            *("-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path)),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return path


def test_mp4_round_trip_still_decodes_with_the_index_first(
    one_second_mp4: Path, tmp_path: Path
) -> None:
    labelled = tmp_path / "labelled.mp4"

    label_mp4(one_second_mp4, labelled, AIGC)

    assert read_mp4_aigc(labelled) == AIGC
    assert read_mp4_aigc(one_second_mp4) is None
    decoded = subprocess.run(
        [ffmpeg_binary(), "-v", "error", "-i", str(labelled), "-f", "null", "-"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert decoded.returncode == 0
    assert decoded.stderr == b""
    data = labelled.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # faststart


def test_mp4_relabelling_replaces_the_label(one_second_mp4: Path, tmp_path: Path) -> None:
    second_aigc = aigc_metadata(producer="Shop AI", produce_id="job-43")
    label_mp4(one_second_mp4, tmp_path / "first.mp4", AIGC)

    label_mp4(tmp_path / "first.mp4", tmp_path / "second.mp4", second_aigc)

    assert read_mp4_aigc(tmp_path / "second.mp4") == second_aigc


def test_mp4_labelling_refuses_to_overwrite_its_input(one_second_mp4: Path) -> None:
    with pytest.raises(ValueError, match="differ"):
        label_mp4(one_second_mp4, one_second_mp4, AIGC)


def test_mp4_errors_carry_ffmpegs_message(tmp_path: Path) -> None:
    not_a_video = tmp_path / "notes.mp4"
    not_a_video.write_text("hello")

    with pytest.raises(LabelingError, match="ffmpeg failed"):
        label_mp4(not_a_video, tmp_path / "out.mp4", AIGC)
