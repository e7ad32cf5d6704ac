"""Channels, stream keys, broadcasts, their recordings and archive items, and viewers.

A channel belongs to one organization. An encoder publishes to the channel
with a stream key; the ingest (nginx-rtmp) asks Django whether the key is
good, and Django answers with the broadcast it feeds. Every broadcast is
recorded; when it ends, a background task turns its recordings into an
archive item.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hamafza.core.models import Language, SearchableMixin
from hamafza.directory.models import Organization


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members only")


class Channel(models.Model):
    """Where an organization broadcasts. An organization may have several."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="channels",
        verbose_name=_("organization"),
    )
    slug = models.SlugField(_("short name in addresses"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    names = models.JSONField(_("name in other languages"), default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(
        _("who may watch"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("usual language"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "name", "id"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "slug"], name="broadcast_channel_slug_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        language = (language or get_language() or "fa").split("-")[0]
        return self.names.get(language) or self.name

    @property
    def stream_name(self) -> str:
        """What encoders put before ``?key=`` in their stream name."""
        return f"c{self.pk}"


def channel_id_from_stream_name(name: str) -> int | None:
    """``c12`` → 12; anything else → None."""
    if len(name) < 2 or len(name) > 20 or name[0] != "c" or not name[1:].isdigit():
        return None
    return int(name[1:])


class StreamKey(models.Model):
    """A secret an encoder publishes with. Only its SHA-256 is kept.

    ``prefix`` (the first characters) lets staff tell keys apart. A key can
    be limited to one scheduled broadcast, and can expire or be revoked.
    """

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="keys", verbose_name=_("channel")
    )
    label = models.CharField(_("label"), max_length=100, blank=True)
    prefix = models.CharField(_("begins with"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    broadcast = models.ForeignKey(
        "Broadcast",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="keys",
        verbose_name=_("only for the broadcast"),
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["channel_id", "-created_at", "-id"]
        verbose_name = _("stream key")
        verbose_name_plural = _("stream keys")

    def __str__(self) -> str:
        return f"{self.prefix}…"

    def is_usable(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)


class BroadcastStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live")
    ENDED = "ended", _("Ended")
    ARCHIVED = "archived", _("In the archive")
    CANCELLED = "cancelled", _("Cancelled")


class Broadcast(SearchableMixin):
    """One broadcast of a channel: scheduled, then live, then ended and archived."""

    search_fields = ("title", "titles", "speaker", "occasion")

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="broadcasts", verbose_name=_("channel")
    )
    title = models.CharField(_("title"), max_length=300)
    titles = models.JSONField(_("title in other languages"), default=dict, blank=True)
    speaker = models.CharField(_("speaker or reciter"), max_length=200, blank=True)
    occasion = models.CharField(_("occasion"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("language"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=BroadcastStatus.choices,
        default=BroadcastStatus.SCHEDULED,
        db_index=True,
    )
    scheduled_start = models.DateTimeField(_("scheduled start"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, editable=False)
    live_key = models.ForeignKey(
        StreamKey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("published with the key"),
    )
    has_video = models.BooleanField(_("has video"), default=True, editable=False)
    viewers_current = models.PositiveIntegerField(_("watching now"), default=0, editable=False)
    viewers_peak = models.PositiveIntegerField(_("most at once"), default=0, editable=False)
    viewers_total = models.PositiveIntegerField(_("viewers in all"), default=0, editable=False)
    refusal = models.CharField(_("why the ingest refused it"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-scheduled_start", "-id"]
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")
        indexes = [
            models.Index(fields=["status", "scheduled_start"], name="broadcast_status_start"),
            # A publish's candidates (services._publish_candidates): the channel's live and
            # scheduled broadcasts, and those ended since a moment, without reading the rest.
            models.Index(
                fields=["channel", "status", "ended_at"], name="broadcast_channel_status_end"
            ),
            # The live broadcast an ending publish names by its key (services.publish_done),
            # without reading every broadcast the key ever fed.
            models.Index(fields=["live_key", "status"], name="broadcast_live_key_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ingest_name(self) -> str:
        """The stream's name inside the ingest and on disk; never the key."""
        return f"b{self.pk}"

    def display_title(self, language: str | None = None) -> str:
        language = (language or get_language() or "fa").split("-")[0]
        return self.titles.get(language) or self.title

    @property
    def is_live(self) -> bool:
        return self.status == BroadcastStatus.LIVE


def broadcast_id_from_ingest_name(name: str) -> int | None:
    """``b42`` → 42; anything else → None."""
    if len(name) < 2 or name[0] != "b" or not name[1:].isdigit() or len(name) > 20:
        return None
    return int(name[1:])


class Recording(models.Model):
    """One file the ingest recorded for a broadcast (a reconnect starts another)."""

    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, related_name="recordings", verbose_name=_("broadcast")
    )
    path = models.CharField(_("file"), max_length=500, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["broadcast_id", "path"]
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")

    def __str__(self) -> str:
        return self.path


class ArchiveStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ArchiveItem(models.Model):
    """What is kept of a broadcast: a faststart MP4 (or audio alone), a thumbnail, a waveform.

    Paths are relative to ``HAMAFZA_ARCHIVE_DIR`` and served by nginx from the
    delivery base URL, never through Python.
    """

    broadcast = models.OneToOneField(
        Broadcast, on_delete=models.CASCADE, related_name="archive", verbose_name=_("broadcast")
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ArchiveStatus.choices,
        default=ArchiveStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    video_path = models.CharField(max_length=300, blank=True)
    audio_path = models.CharField(max_length=300, blank=True)
    thumbnail_path = models.CharField(max_length=300, blank=True)
    waveform_path = models.CharField(max_length=300, blank=True)
    duration_seconds = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    size_bytes = models.BigIntegerField(_("size (bytes)"), null=True, blank=True)
    plays = models.PositiveIntegerField(_("plays"), default=0, editable=False)
    processing_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-broadcast__started_at", "-id"]
        verbose_name = _("archive item")
        verbose_name_plural = _("archive items")

    def __str__(self) -> str:
        return str(self.broadcast)

    @property
    def is_ready(self) -> bool:
        return self.status == ArchiveStatus.READY


class IngestOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    ENDED = "ended", _("Ended")


class IngestEvent(models.Model):
    """What the ingest asked and what it was told: the log staff read on the channel page."""

    channel = models.ForeignKey(
        Channel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ingest_events",
        verbose_name=_("channel"),
    )
    broadcast = models.ForeignKey(
        Broadcast,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ingest_events",
        verbose_name=_("broadcast"),
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=IngestOutcome.choices)
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    key_prefix = models.CharField(_("key begins with"), max_length=12, blank=True)
    address = models.GenericIPAddressField(_("encoder address"), null=True, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("ingest event")
        verbose_name_plural = _("ingest events")

    def __str__(self) -> str:
        return f"{self.outcome} {self.reason}"


VIEWER_ID_LENGTH = 32


class ViewerPresence(models.Model):
    """One viewer (a random id the player keeps) of one broadcast, seen by heartbeats."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="viewers")
    viewer = models.CharField(max_length=VIEWER_ID_LENGTH)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "viewer"], name="broadcast_viewer_unique")
        ]
        indexes = [models.Index(fields=["broadcast", "last_seen"], name="broadcast_viewer_seen")]

    def __str__(self) -> str:
        return self.viewer


def presence_window() -> timedelta:
    """A viewer counts as watching for this long after a heartbeat."""
    return timedelta(seconds=settings.HAMAFZA_HEARTBEAT_SECONDS * 3)


LIVE_OR_SCHEDULED = Q(status__in=[BroadcastStatus.SCHEDULED, BroadcastStatus.LIVE])
