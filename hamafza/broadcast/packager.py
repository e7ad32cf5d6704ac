"""The per-broadcast packager that nginx-rtmp starts (``exec_push``) for every stream.

    python -I packager.py --config var/ingest/packager.json --name b42

It reads the stream from nginx-rtmp's internal application, asks Django
whether its codecs are acceptable, then runs one ffmpeg that writes HLS into
``<live dir>/<name>/``:

- ``source/``: the video copied as it came (no re-encode) with its audio;
- ``audio/``: the audio alone, AAC at the configured bit rate, for weak links;
- ``<height>p/``: optional transcoded renditions (``transcode_heights``);
- ``video.m3u8``: a master playlist of the video renditions only (what hls.js
  plays: it hides audio-only variants found inside a master playlist);
- ``index.m3u8``: a master playlist of every rendition, the audio-only one
  included, for native players.

Segments are short and carry EXT-X-PROGRAM-DATE-TIME, so players can stay
close to the live edge and latency can be measured.

Only the standard library is imported: nginx starts one of these per stream,
and it must start in milliseconds and stay small. nginx sends SIGTERM when
the stream ends (``exec_kill_signal term``); the packager passes it on to
ffmpeg, which closes its playlists with EXT-X-ENDLIST. If the packager dies,
nginx starts it again (``respawn``); the recording is made by nginx itself
and does not depend on it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

PROBE_TIMEOUT = 15
CALLBACK_TIMEOUT = 10
PROFILE_HEX = {
    "baseline": "4200",
    "constrained baseline": "42e0",
    "main": "4d00",
    "extended": "5800",
    "high": "6400",
    "high 10": "6e00",
    "high 4:2:2": "7a00",
}
DEFAULT_VIDEO_BANDWIDTH = 2_500_000
TRANSCODE_BITRATES = {240: 400_000, 360: 800_000, 480: 1_200_000, 720: 2_500_000, 1080: 4_500_000}


LOG_FILE: str | None = None  # nginx gives an exec'd program no stderr: log to a file instead


def log(message: str) -> None:
    line = f"{time.strftime('%Y-%m-%dT%H:%M:%S')} packager[{os.getpid()}]: {message}\n"
    if LOG_FILE:
        with open(LOG_FILE, "a", encoding="utf-8") as handle:
            handle.write(line)
    else:
        sys.stderr.write(line)


def probe(config: dict, url: str) -> dict:
    """ffprobe's view of the stream: {"video": {...} | None, "audio": {...} | None}."""
    command = [
        config["ffprobe"],
        "-v", "error",
        "-rw_timeout", str(PROBE_TIMEOUT * 1_000_000),
        "-analyzeduration", "2000000",
        "-probesize", "2000000",
        "-show_entries", "stream=codec_type,codec_name,profile,level,width,height,bit_rate,"
        "avg_frame_rate,sample_rate,channels:format=bit_rate",
        "-of", "json",
        url,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=PROBE_TIMEOUT + 5)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip()[-300:] or f"ffprobe exit {result.returncode}")
    data = json.loads(result.stdout or "{}")
    streams = data.get("streams", [])
    return {
        "video": next((s for s in streams if s.get("codec_type") == "video"), None),
        "audio": next((s for s in streams if s.get("codec_type") == "audio"), None),
        "bit_rate": _int(data.get("format", {}).get("bit_rate")),
    }


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def ask_django(config: dict, name: str, streams: dict) -> tuple[bool, str]:
    """POST the codecs to Django's probe callback: (accepted, reason)."""
    video, audio = streams["video"] or {}, streams["audio"] or {}
    form = {
        "name": name,
        "video_codec": video.get("codec_name", ""),
        "audio_codec": audio.get("codec_name", ""),
        "width": video.get("width", ""),
        "height": video.get("height", ""),
    }
    request = urllib.request.Request(
        config["probe_url"],
        data=urllib.parse.urlencode(form).encode(),
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=CALLBACK_TIMEOUT) as response:
            return True, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return False, error.read().decode("utf-8", "replace")


def transcode_heights(config: dict, streams: dict) -> list[int]:
    """The configured transcoded heights below the source's (none without video)."""
    video = streams["video"]
    if not video:
        return []
    source_height = _int(video.get("height"))
    return [h for h in config["transcode_heights"] if not source_height or h < source_height]


def codecs_attribute(video: dict | None, audio: dict | None) -> str:
    codecs = []
    if video:
        profile = PROFILE_HEX.get(str(video.get("profile", "")).lower(), "4d00")
        level = _int(video.get("level")) or 31
        codecs.append(f"avc1.{profile}{level:02x}")
    if audio:
        codecs.append("mp4a.40.2")
    return ",".join(codecs)


# ffmpeg's AAC encoder with the "fast" coder: about half the CPU of its default
# (twoloop) at the bitrates used here, which is what lets one machine package
# many channels (bench/bench_broadcast.py measures both).
AAC = ["-c:a", "aac", "-aac_coder", "fast"]


def ffmpeg_command(
    config: dict, url: str, out: Path, streams: dict, *, restart: bool = False
) -> list[str]:
    """One ffmpeg, one HLS output per rendition.

    After a restart (the packager or ffmpeg died mid-broadcast) the playlists
    are continued, not started over: numbering goes on and a discontinuity
    is marked, so players keep playing.
    """
    segment = float(config["segment_seconds"])
    flags = "delete_segments+program_date_time+independent_segments+temp_file"
    if restart:
        flags += "+append_list+discont_start"
    hls = [
        "-f", "hls",
        "-hls_time", f"{segment:g}",
        "-hls_list_size", str(config["playlist_segments"]),
        "-hls_flags", flags,
        "-hls_delete_threshold", "2",
    ]  # fmt: skip
    command = [
        config["ffmpeg"],
        "-hide_banner", "-nostdin", "-loglevel", "warning",
        "-rw_timeout", str(PROBE_TIMEOUT * 1_000_000),
        "-fflags", "+genpts",
        "-i", url,
    ]  # fmt: skip
    audio_codec = (streams["audio"] or {}).get("codec_name", "")
    bitrate = config["audio_bitrate"]
    if streams["video"]:
        source_audio = ["-c:a", "copy"] if audio_codec == "aac" else [*AAC, "-b:a", "128k"]
        command += ["-map", "0:v:0", "-map", "0:a:0", "-c:v", "copy", *source_audio, *hls]
        command += ["-hls_segment_filename", str(out / "source" / "%06d.ts")]
        command += [str(out / "source" / "index.m3u8")]
        for height in transcode_heights(config, streams):
            gop = f"expr:gte(t,n_forced*{segment:g})"
            command += [
                "-map", "0:v:0", "-map", "0:a:0",
                "-vf", f"scale=-2:{height}",
                "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
                "-b:v", str(TRANSCODE_BITRATES.get(height, 1_000_000)),
                "-force_key_frames", gop, "-sc_threshold", "0",
                *AAC, "-b:a", "96k",
                *hls,
                "-hls_segment_filename", str(out / f"{height}p" / "%06d.ts"),
                str(out / f"{height}p" / "index.m3u8"),
            ]  # fmt: skip
    command += ["-map", "0:a:0", "-vn", *AAC, "-b:a", bitrate, "-ac", "2", *hls]
    command += ["-hls_segment_filename", str(out / "audio" / "%06d.ts")]
    command += [str(out / "audio" / "index.m3u8")]
    return command


def masters(config: dict, streams: dict) -> dict[str, str]:
    """The two master playlists' text: video renditions only, and every rendition."""
    video, audio = streams["video"], streams["audio"]
    audio_bandwidth = _bits(config["audio_bitrate"])
    audio_line = (
        f"#EXT-X-STREAM-INF:BANDWIDTH={int(audio_bandwidth * 1.1)},"
        f'CODECS="{codecs_attribute(None, audio)}"\naudio/index.m3u8\n'
    )
    head = "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n"
    if not video:
        return {"index.m3u8": head + audio_line}
    source_bandwidth = _int(video.get("bit_rate")) or streams["bit_rate"] or DEFAULT_VIDEO_BANDWIDTH
    codecs = codecs_attribute(video, audio)
    lines = [
        f"#EXT-X-STREAM-INF:BANDWIDTH={int(source_bandwidth * 1.2)},"
        f'CODECS="{codecs}",RESOLUTION={video.get("width")}x{video.get("height")}\n'
        "source/index.m3u8\n"
    ]
    source_height = _int(video.get("height"))
    for height in transcode_heights(config, streams):
        width = int(_int(video.get("width")) * height / max(source_height, 1)) // 2 * 2
        bandwidth = TRANSCODE_BITRATES.get(height, 1_000_000) + 96_000
        lines.append(
            f'#EXT-X-STREAM-INF:BANDWIDTH={int(bandwidth * 1.2)},CODECS="avc1.640028,mp4a.40.2",'
            f"RESOLUTION={width}x{height}\n{height}p/index.m3u8\n"
        )
    return {"video.m3u8": head + "".join(lines), "index.m3u8": head + "".join(lines) + audio_line}


def _bits(rate: str) -> int:
    rate = rate.strip().lower()
    if rate.endswith("k"):
        return int(float(rate[:-1]) * 1000)
    if rate.endswith("m"):
        return int(float(rate[:-1]) * 1_000_000)
    return _int(rate)


def write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _die_with_parent() -> None:
    """In the child: ask Linux to stop ffmpeg if the packager dies (even by SIGKILL).

    Otherwise nginx's respawned packager would start a second ffmpeg beside
    the orphan, both writing the same playlists.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: an orphan ffmpeg ends when nginx drops the stream


PR_SET_PDEATHSIG = 1


def run(config: dict, name: str) -> int:
    if not name.startswith("b") or not name[1:].isdigit():
        log(f"refusing to package {name!r}: not an internal broadcast name")
        return 2
    url = f"{config['input_base']}/{name}"
    out = Path(config["live_dir"]) / name
    try:
        streams = probe(config, url)
    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as error:
        log(f"{name}: cannot read the stream: {error}")
        streams = {"video": None, "audio": None, "bit_rate": 0}
    try:
        accepted, answer = ask_django(config, name, streams)
    except (urllib.error.URLError, OSError) as error:
        log(f"{name}: Django did not answer the probe: {error}")
        return 1  # nginx starts the packager again
    if not accepted:
        log(f"{name}: refused: {answer}")
        return 0  # Django drops the publisher; nothing to package
    restart = (out / "audio" / "index.m3u8").exists()
    renditions = ["audio"]
    if streams["video"]:
        renditions += ["source"] + [f"{h}p" for h in transcode_heights(config, streams)]
    for rendition in renditions:
        (out / rendition).mkdir(parents=True, exist_ok=True)
    for filename, text in masters(config, streams).items():
        write_atomic(out / filename, text)
    errors = open(LOG_FILE, "a", encoding="utf-8") if LOG_FILE else None  # noqa: SIM115
    process = subprocess.Popen(
        ffmpeg_command(config, url, out, streams, restart=restart),
        stderr=errors,
        preexec_fn=_die_with_parent,  # the packager starts no threads
    )

    def stop(signum, _frame):
        process.send_signal(signal.SIGTERM if signum == signal.SIGTERM else signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    code = process.wait()
    log(f"{name}: ffmpeg exited with {code}")
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Package one live stream as HLS.")
    parser.add_argument("--config", required=True, help="packager.json written by ingest_config")
    parser.add_argument("--name", required=True, help="the internal stream name (b<id>)")
    args = parser.parse_args(argv)
    with open(args.config, encoding="utf-8") as handle:
        config = json.load(handle)
    global LOG_FILE
    LOG_FILE = config.get("log_file")
    try:
        return run(config, args.name)
    except Exception as error:  # the log is the only place anyone will see it
        log(f"{args.name}: {type(error).__name__}: {error}")
        raise


if __name__ == "__main__":
    sys.exit(main())
