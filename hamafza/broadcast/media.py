"""ffmpeg and ffprobe for the archive, behind one small module.

Every run has a timeout (``HAMAFZA_FFMPEG_TIMEOUT``, or less when the caller
has less time left) and is killed when it passes. Output is written to a
temporary name beside its target and renamed into place, so a file under its
final name is always complete. A failure raises ``MediaError`` whose text
ends with ffmpeg's last lines of stderr; nothing is swallowed.

The live packager (``packager.py``) runs its own ffmpeg: it is started by
nginx, outside Django, and imports only the standard library.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

# What the archive keeps: AAC in the MP4 beside the copied video, a smaller AAC alone.
MP4_AUDIO_BITRATE = "128k"
THUMBNAIL_WIDTH = 640
THUMBNAIL_AT = 0.10  # of the duration
WAVEFORM_SIZE = "1200x200"
WAVEFORM_COLOUR = "#2d6a4f"
# showwavespic keeps the whole decoded audio until it draws: mono at 8 kHz keeps that small
# (about 110 MB for three hours) and loses nothing a picture 1200 pixels wide can show.
WAVEFORM_SAMPLE_RATE = 8000
PROBE_TIMEOUT = 60
STDERR_LINES = 8
STDERR_CHARACTERS = 1500


class MediaError(Exception):
    """ffmpeg or ffprobe failed; ``str(error)`` is the reason, for staff to read."""


@dataclass(frozen=True)
class MediaInfo:
    duration: float | None
    has_video: bool
    has_audio: bool
    video_codec: str = ""
    audio_codec: str = ""


def _timeout(timeout: float | None) -> float:
    limit = float(settings.HAMAFZA_FFMPEG_TIMEOUT)
    if timeout is None:
        return limit
    if timeout <= 0:
        raise MediaError(_("There was no time left to run ffmpeg."))
    return min(limit, timeout)


def _stderr_tail(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return "\n".join(lines[-STDERR_LINES:])[-STDERR_CHARACTERS:]


def _run(command: list[str], *, what: str, timeout: float) -> subprocess.CompletedProcess:
    """Run ``command``; a non-zero exit, a timeout or a missing program raise MediaError."""
    try:
        result = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as error:
        raise MediaError(
            _("%(what)s took longer than %(seconds)d seconds and was stopped.")
            % {"what": what, "seconds": int(timeout)}
        ) from error
    except OSError as error:
        raise MediaError(
            _("%(what)s could not be started: %(error)s") % {"what": what, "error": error}
        ) from error
    if result.returncode != 0:
        raise MediaError(
            _("%(what)s failed (exit status %(status)d): %(detail)s")
            % {
                "what": what,
                "status": result.returncode,
                "detail": _stderr_tail(result.stderr) or "-",
            }
        )
    return result


def _ffmpeg(*arguments: str) -> list[str]:
    return [settings.HAMAFZA_FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", *arguments]


def _temporary(output: Path) -> Path:
    """A name beside ``output`` no other run uses (two workers may build the same item)."""
    return output.with_name(f".{output.name}.{secrets.token_hex(4)}.part")


def _produce(output: Path, command: list[str], *, what: str, timeout: float | None) -> Path:
    """Run ffmpeg with ``command`` (which writes to ``{output}``), then rename into place."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(output)
    command = [str(temporary) if part == "{output}" else part for part in command]
    try:
        _run(command, what=what, timeout=_timeout(timeout))
        if not temporary.exists() or temporary.stat().st_size == 0:
            raise MediaError(_("%(what)s wrote nothing.") % {"what": what})
        os.replace(temporary, output)
    finally:
        temporary.unlink(missing_ok=True)
    return output


def probe(path: Path | str, *, timeout: float | None = None) -> MediaInfo:
    """What a media file holds. MediaError if ffprobe cannot read it."""
    path = Path(path)
    if not path.is_file():
        raise MediaError(_("The file %(name)s does not exist.") % {"name": path.name})
    command = [
        settings.HAMAFZA_FFPROBE,
        "-v", "error",
        "-show_entries", "format=duration:stream=codec_type,codec_name,duration",
        "-of", "json",
        str(path),
    ]  # fmt: skip
    what = _("Reading %(name)s") % {"name": path.name}
    result = _run(command, what=what, timeout=min(_timeout(timeout), PROBE_TIMEOUT))
    try:
        data = json.loads(result.stdout or "{}")
    except ValueError as error:
        raise MediaError(_("%(what)s gave an answer that is not JSON.") % {"what": what}) from error
    streams = data.get("streams") or []
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    duration = _seconds(data.get("format", {}).get("duration"))
    if duration is None:
        durations = [_seconds(s.get("duration")) for s in streams]
        duration = max((d for d in durations if d is not None), default=None)
    return MediaInfo(
        duration=duration,
        has_video=video is not None,
        has_audio=audio is not None,
        video_codec=(video or {}).get("codec_name", ""),
        audio_codec=(audio or {}).get("codec_name", ""),
    )


def _seconds(value) -> float | None:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds >= 0 else None


def _inputs(inputs: Path | str | Sequence[Path | str], listing: Path) -> list[str]:
    """ffmpeg input arguments: one file as it is, several through the concat demuxer."""
    files = [Path(inputs)] if isinstance(inputs, str | Path) else [Path(i) for i in inputs]
    if not files:
        raise MediaError(_("There is nothing to read."))
    if len(files) == 1:
        return ["-i", str(files[0])]
    lines = []
    for file in files:
        quoted = str(file.resolve()).replace("'", "'\\''")
        lines.append(f"file '{quoted}'\n")
    listing.write_text("".join(lines), encoding="utf-8")
    return ["-f", "concat", "-safe", "0", "-i", str(listing)]


def _with_inputs(
    inputs, output: Path, arguments: list[str], *, what: str, timeout: float | None
) -> Path:
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    listing = _temporary(output).with_suffix(".txt")
    try:
        command = _ffmpeg(*_inputs(inputs, listing), *arguments, "{output}")
        return _produce(output, command, what=what, timeout=timeout)
    finally:
        listing.unlink(missing_ok=True)


def concat_to_mp4(
    inputs: Path | str | Sequence[Path | str], output: Path | str, *, timeout: float | None = None
) -> Path:
    """The recordings, in order, as one faststart MP4: video copied, audio as AAC.

    Several recordings (an encoder that reconnected) are joined with the
    concat demuxer, which needs them to share their streams' layout.
    """
    arguments = [
        "-map", "0:v:0?", "-map", "0:a:0?",
        "-c:v", "copy",
        "-c:a", "aac", "-b:a", MP4_AUDIO_BITRATE,
        "-movflags", "+faststart",
        "-f", "mp4",
    ]  # fmt: skip
    return _with_inputs(
        inputs, Path(output), arguments, what=_("Joining the recordings"), timeout=timeout
    )


def audio_extract(
    inputs: Path | str | Sequence[Path | str], output: Path | str, *, timeout: float | None = None
) -> Path:
    """The sound alone as AAC in a faststart .m4a, for listeners on weak links."""
    arguments = [
        "-map", "0:a:0",
        "-vn",
        "-c:a", "aac", "-b:a", settings.HAMAFZA_ARCHIVE_AUDIO_BITRATE,
        "-movflags", "+faststart",
        "-f", "mp4",
    ]  # fmt: skip
    return _with_inputs(
        inputs, Path(output), arguments, what=_("Extracting the audio"), timeout=timeout
    )


def thumbnail(
    source: Path | str,
    output: Path | str,
    *,
    duration: float | None = None,
    timeout: float | None = None,
) -> Path:
    """A JPEG of the picture about a tenth of the way in. MediaError if there is no video."""
    if duration is None:
        info = probe(source, timeout=timeout)
        if not info.has_video:
            raise MediaError(_("There is no picture to take a thumbnail from."))
        duration = info.duration
    at = max(0.0, (duration or 0.0) * THUMBNAIL_AT)
    command = _ffmpeg(
        "-ss", f"{at:.3f}",
        "-i", str(source),
        "-map", "0:v:0",
        "-frames:v", "1",
        "-vf", f"scale='min({THUMBNAIL_WIDTH},iw)':-2",
        "-c:v", "mjpeg", "-q:v", "3",
        "-f", "image2", "-update", "1",
        "{output}",
    )  # fmt: skip
    return _produce(Path(output), command, what=_("Taking the thumbnail"), timeout=timeout)


def waveform(source: Path | str, output: Path | str, *, timeout: float | None = None) -> Path:
    """A PNG of the sound's waveform: every item has one; audio-only items show it as poster."""
    graph = (
        f"[0:a:0]aformat=channel_layouts=mono,aresample={WAVEFORM_SAMPLE_RATE},"
        f"showwavespic=s={WAVEFORM_SIZE}:colors={WAVEFORM_COLOUR}:filter=peak[wave]"
    )
    command = _ffmpeg(
        "-i", str(source),
        "-filter_complex", graph,
        "-map", "[wave]",
        "-frames:v", "1",
        "-c:v", "png",
        "-f", "image2", "-update", "1",
        "{output}",
    )  # fmt: skip
    return _produce(Path(output), command, what=_("Drawing the waveform"), timeout=timeout)
