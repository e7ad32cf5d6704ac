"""Broadcasting pages. Each view parses input, calls a selector or service, renders.

Live video never passes through here: pages point players at nginx's HLS
(``delivery``). The heartbeat endpoint is the only one players call.
"""

from __future__ import annotations

import dataclasses
import json
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.http.request import split_domain_port, validate_host
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hamafza.core.exports import Column, export_response
from hamafza.core.forms import form_errors_from
from hamafza.core.paging import query_without_page
from hamafza.core.params import id_param
from hamafza.directory.models import Organization

from . import presenters, selectors, services
from .forms import ArchiveDatesForm, BroadcastForm, ChannelForm, StreamKeyForm
from .models import ArchiveStatus, Broadcast, BroadcastStatus, Channel, StreamKey
from .policies import broadcast_policy, channel_policy, may_watch, stream_key_policy

PAGE_SIZE = 24
ARCHIVE_PAGE_SIZE = 20
HEARTBEAT_BODY_LIMIT = 1024


# --- helpers ------------------------------------------------------------------------------


def _channel_or_404(pk) -> Channel:
    channel_id = id_param(pk)
    try:
        if channel_id is None:
            raise Channel.DoesNotExist
        return selectors.channel_get(pk=channel_id)
    except Channel.DoesNotExist as exc:
        raise Http404(_("No such channel.")) from exc


def _broadcast_or_404(pk) -> Broadcast:
    broadcast_id = id_param(pk)
    try:
        if broadcast_id is None:
            raise Broadcast.DoesNotExist
        return selectors.broadcast_get(pk=broadcast_id)
    except Broadcast.DoesNotExist as exc:
        raise Http404(_("No such broadcast.")) from exc


def _watch_refused(request, channel: Channel, *, embedded: bool = False):
    """None if the visitor may watch the channel; otherwise the answer that refuses them.

    A page sends an anonymous visitor to sign in; an embed (in another site's
    iframe, where signing in is no use) says the channel is for members.
    """
    if may_watch(request.user, channel):
        return None
    context = {"channel": channel, "refused": True}
    if embedded:
        return render(request, "broadcast/embed.html", context, status=403)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "broadcast/members_only.html", context, status=403)


def _list_context(request, filters, page) -> dict:
    partial = bool(request.headers.get("HX-Request"))
    return {
        "filters": filters,
        "page": page,
        "facets": None if partial else selectors.broadcast_facets(),
        "query_without_page": query_without_page(request),
        "partial": partial,
    }


# --- lists across the network -------------------------------------------------------------


def live_now(request):
    filters = selectors.filters_from_query(request.GET)
    page = selectors.live_page(
        filters=filters, user=request.user, number=request.GET.get("page"), size=PAGE_SIZE
    )
    context = _list_context(request, filters, page)
    template = "broadcast/_live_results.html" if context["partial"] else "broadcast/live.html"
    return render(request, template, context)


def upcoming(request):
    filters = selectors.filters_from_query(request.GET)
    page = selectors.upcoming_page(
        filters=filters, user=request.user, number=request.GET.get("page"), size=PAGE_SIZE
    )
    context = _list_context(request, filters, page)
    template = (
        "broadcast/_upcoming_results.html" if context["partial"] else "broadcast/upcoming.html"
    )
    return render(request, template, context)


def archive(request):
    dates = ArchiveDatesForm(request.GET or None)
    dates.calendars_follow(request)
    date_from, date_to = dates.dates()
    filters = dataclasses.replace(
        selectors.filters_from_query(request.GET), date_from=date_from, date_to=date_to
    )
    page = selectors.archive_page(
        filters=filters, user=request.user, number=request.GET.get("page"), size=ARCHIVE_PAGE_SIZE
    )
    for broadcast in page.rows:
        item = selectors.archive_of(broadcast)
        broadcast.duration = presenters.duration_text(item.duration_seconds if item else None)
    context = _list_context(request, filters, page)
    context["dates"] = dates
    template = "broadcast/_archive_results.html" if context["partial"] else "broadcast/archive.html"
    return render(request, template, context)


# --- exports of the three lists ------------------------------------------------------------

EXPORTS = ("live", "upcoming", "archive")


def _export_columns(request, what: str) -> list[Column]:
    """The columns of a list's export, their labels, names and times fixed in the request's
    language and time zone (the rows are written after the view returns, while it streams)."""
    language = get_language()
    player = request.build_absolute_uri(reverse("broadcast:player", args=[1]))[: -len("1/")]
    zone = timezone.get_current_timezone()
    ready = {value: str(label) for value, label in ArchiveStatus.choices}

    def local(value):
        return timezone.localtime(value, zone).replace(tzinfo=None) if value else None

    def spoken(broadcast) -> str:
        chosen = broadcast.language or broadcast.channel.language
        return chosen.display_name(language) if chosen else ""

    def minutes(broadcast) -> int | None:
        seconds = broadcast.archive.duration_seconds
        return round(seconds / 60) if seconds is not None else None

    def country(broadcast) -> str:
        found = broadcast.channel.organization.country
        return found.display_name(language) if found else ""

    columns = [
        Column(_("Title"), lambda b: b.display_title(language)),
        Column(_("Channel"), lambda b: b.channel.display_name(language)),
        Column(_("Organization"), lambda b: b.channel.organization.display_name(language)),
        Column(_("Country"), country),
        Column(_("Language"), spoken),
        Column(_("Speaker or reciter"), lambda b: b.speaker),
        Column(_("Occasion"), lambda b: b.occasion),
    ]
    if what == "upcoming":
        columns.append(Column(_("Scheduled start"), lambda b: local(b.scheduled_start)))
    elif what == "live":
        columns += [
            Column(_("Started at"), lambda b: local(b.started_at)),
            Column(_("Watching now"), lambda b: b.watching),
        ]
    else:
        columns += [
            Column(_("Started at"), lambda b: local(b.started_at)),
            Column(_("Length (minutes)"), minutes),
            Column(_("Recording"), lambda b: ready.get(b.archive.status, b.archive.status)),
            Column(_("Link"), lambda b: f"{player}{b.pk}/"),
        ]
    return columns


@require_GET
def export(request, what: str, fmt: str):
    """A list as CSV or XLSX: the page's filters, every row the visitor may watch (not one
    page); members-only channels only for their organizations' members, as on the page."""
    if what not in EXPORTS:
        raise Http404(_("Nothing to export by this name."))
    filters = selectors.filters_from_query(request.GET)
    if what == "archive":
        dates = ArchiveDatesForm(request.GET or None)
        dates.calendars_follow(request)
        date_from, date_to = dates.dates()
        filters = dataclasses.replace(filters, date_from=date_from, date_to=date_to)
    lists = {
        "live": selectors.live_list,
        "upcoming": selectors.upcoming_list,
        "archive": selectors.archive_list,
    }
    rows = lists[what](filters=filters, user=request.user)
    return export_response(rows, _export_columns(request, what), fmt=fmt, name=f"broadcasts-{what}")


# --- channels -----------------------------------------------------------------------------


def channel_detail(request, pk: int):
    channel = _channel_or_404(pk)
    refused = _watch_refused(request, channel)
    if refused is not None:
        return refused
    return _channel_page(request, channel)


def _channel_page(request, channel: Channel, *, key_form: StreamKeyForm | None = None):
    broadcasts = selectors.channel_broadcasts(channel=channel)
    live = broadcasts.live[0] if broadcasts.live else None
    can_manage = channel_policy.can_manage(request.user, channel)
    context = {
        "channel": channel,
        "broadcasts": broadcasts,
        "live": live,
        "player": presenters.player_config(request=request, broadcast=live) if live else None,
        "can_manage": can_manage,
        "can_schedule": broadcast_policy.can_add(request.user, channel),
        "oembed_url": presenters.oembed_discovery_url(
            request, reverse("broadcast:channel", args=[channel.pk])
        ),
        "embed_code": presenters.embed_html(
            src=request.build_absolute_uri(reverse("broadcast:embed", args=[channel.pk])),
            width=presenters.EMBED_WIDTH,
            height=presenters.EMBED_HEIGHT,
            title=channel.display_name(),
        ),
    }
    if can_manage:
        server, stream = services.publish_address(channel)
        if key_form is None:
            key_form = StreamKeyForm(
                broadcasts=selectors.schedulable_broadcasts(channel=channel), prefix="key"
            )
            key_form.calendars_follow(request)
        context.update(
            publish_server=server,
            publish_stream=stream,
            keys=selectors.stream_key_list(channel=channel),
            ingest_log=[
                (event, services.reason_text(event.reason) if event.reason else "")
                for event in selectors.ingest_log(channel=channel)
            ],
            key_form=key_form,
        )
    return render(request, "broadcast/channel.html", context)


def _organization_from(request) -> Organization:
    organization_id = id_param(request.GET.get("organization") or request.POST.get("organization"))
    organization = (
        Organization.objects.filter(pk=organization_id).first() if organization_id else None
    )
    if organization is None:
        raise Http404(_("No such organization."))
    return organization


@login_required
@require_http_methods(["GET", "POST"])
def channel_create(request):
    organization = _organization_from(request)
    channel_policy.check(request.user, "add", organization)
    form = ChannelForm(request.POST or None, instance=Channel(organization=organization))
    if request.method == "POST" and form.is_valid():
        try:
            channel = services.channel_create(
                actor=request.user, organization=organization, **form.service_values()
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The channel was created."))
            return redirect("broadcast:channel", pk=channel.pk)
    context = {"form": form, "channel": None, "organization": organization}
    return render(request, "broadcast/channel_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def channel_edit(request, pk: int):
    channel = _channel_or_404(pk)
    channel_policy.check(request.user, "change", channel)
    form = ChannelForm(request.POST or None, instance=channel)
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_update(
                actor=request.user,
                channel=Channel.objects.get(pk=channel.pk),
                **form.service_values(),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("broadcast:channel", pk=channel.pk)
    context = {"form": form, "channel": channel, "organization": channel.organization}
    return render(request, "broadcast/channel_form.html", context)


# --- stream keys --------------------------------------------------------------------------


def _key_secret_page(request, channel: Channel, key: StreamKey, secret: str):
    """The only time a key's secret is shown: rendered in the POST's answer, never stored."""
    server, stream = services.publish_address(channel)
    response = render(
        request,
        "broadcast/key_secret.html",
        {
            "channel": channel,
            "key": key,
            "secret": secret,
            "publish_server": server,
            "publish_stream": stream,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def key_create(request, pk: int):
    channel = _channel_or_404(pk)
    stream_key_policy.check(request.user, "add", channel)
    form = StreamKeyForm(
        request.POST, broadcasts=selectors.schedulable_broadcasts(channel=channel), prefix="key"
    )
    form.calendars_follow(request)
    if form.is_valid():
        try:
            key, secret = services.stream_key_create(
                actor=request.user,
                channel=channel,
                label=form.cleaned_data["label"],
                broadcast=form.cleaned_data["broadcast"],
                expires_at=form.expires_at(),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return _key_secret_page(request, channel, key, secret)
    return _channel_page(request, channel, key_form=form)


def _key_or_404(channel: Channel, key_pk) -> StreamKey:
    key_id = id_param(key_pk)
    key = (
        StreamKey.objects.select_related("channel", "broadcast")
        .filter(pk=key_id, channel=channel)
        .first()
        if key_id
        else None
    )
    if key is None:
        raise Http404(_("No such stream key."))
    return key


@login_required
@require_POST
def key_rotate(request, pk: int, key_pk: int):
    channel = _channel_or_404(pk)
    key = _key_or_404(channel, key_pk)
    new_key, secret = services.stream_key_rotate(actor=request.user, key=key)
    return _key_secret_page(request, channel, new_key, secret)


@login_required
@require_POST
def key_revoke(request, pk: int, key_pk: int):
    channel = _channel_or_404(pk)
    key = _key_or_404(channel, key_pk)
    services.stream_key_revoke(actor=request.user, key=key)
    messages.success(
        request, _("The stream key was revoked; encoders using it can no longer go live.")
    )
    return redirect(reverse("broadcast:channel", args=[channel.pk]) + "#keys")


# --- broadcasts ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def broadcast_create(request, pk: int):
    channel = _channel_or_404(pk)
    broadcast_policy.check(request.user, "add", channel)
    form = BroadcastForm(request.POST or None)
    form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.broadcast_schedule(
                actor=request.user, channel=channel, **form.service_values()
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The broadcast was scheduled."))
            return redirect("broadcast:channel", pk=channel.pk)
    context = {"form": form, "channel": channel, "broadcast": None}
    return render(request, "broadcast/broadcast_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def broadcast_edit(request, pk: int):
    broadcast = _broadcast_or_404(pk)
    broadcast_policy.check(request.user, "change", broadcast)
    form = BroadcastForm(request.POST or None, broadcast=broadcast)
    form.calendars_follow(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.broadcast_update(
                actor=request.user, broadcast=broadcast, **form.service_values()
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("broadcast:channel", pk=broadcast.channel_id)
    context = {"form": form, "channel": broadcast.channel, "broadcast": broadcast}
    return render(request, "broadcast/broadcast_form.html", context)


@login_required
@require_POST
def broadcast_cancel(request, pk: int):
    broadcast = _broadcast_or_404(pk)
    try:
        services.broadcast_cancel(actor=request.user, broadcast=broadcast)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The broadcast was cancelled."))
    return redirect("broadcast:channel", pk=broadcast.channel_id)


# --- watching -----------------------------------------------------------------------------


def _watch_context(request, broadcast: Broadcast) -> dict:
    live = broadcast.status == BroadcastStatus.LIVE
    return {
        "broadcast": broadcast,
        "channel": broadcast.channel,
        "player": presenters.player_config(request=request, broadcast=broadcast) if live else None,
        "media": presenters.archive_media(request=request, item=selectors.archive_of(broadcast)),
    }


def player(request, pk: int):
    broadcast = _broadcast_or_404(pk)
    refused = _watch_refused(request, broadcast.channel)
    if refused is not None:
        return refused
    context = _watch_context(request, broadcast)
    context["oembed_url"] = presenters.oembed_discovery_url(
        request, reverse("broadcast:player", args=[broadcast.pk])
    )
    context["can_change"] = broadcast_policy.can_change(request.user, broadcast)
    return render(request, "broadcast/player.html", context)


def _json_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


def _heartbeat_viewer(request) -> str:
    """The viewer id from a JSON body ``{"viewer": "…"}`` or a form field; ValueError if unread."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > HEARTBEAT_BODY_LIMIT:
        raise ValueError("body too large")
    if request.content_type in ("application/json", "text/plain"):
        data = json.loads(request.body.decode("utf-8") or "{}")
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return data.get("viewer")
    return request.POST.get("viewer")


@csrf_exempt
@never_cache
def heartbeat(request, pk: int):
    """A player's "still watching": JSON in, JSON out, never an HTML error page.

    Safe to call too often: one viewer's heartbeats closer together than half
    the interval are answered from the row without writing.
    """
    if request.method != "POST":
        response = _json_error(405, "method", _("Send heartbeats with POST."))
        response["Allow"] = "POST"
        return response
    broadcast_id = id_param(pk)
    broadcast = (
        Broadcast.objects.select_related("channel").filter(pk=broadcast_id).first()
        if broadcast_id
        else None
    )
    if broadcast is None:
        return _json_error(404, "unknown_broadcast", _("There is no such broadcast."))
    if not may_watch(request.user, broadcast.channel):
        return _json_error(403, "members_only", _("This broadcast is for members only."))
    if broadcast.status != BroadcastStatus.LIVE:
        return _json_error(410, "not_live", _("The broadcast is not live."))
    try:
        viewer = services.viewer_id_clean(_heartbeat_viewer(request))
    except (ValueError, UnicodeDecodeError, ValidationError):
        return _json_error(
            400, "invalid_viewer", _('Send {"viewer": "<8 to 32 hexadecimal digits>"}.')
        )
    interval = max(1, settings.HAMAFZA_HEARTBEAT_SECONDS // 2)
    if not cache.add(f"broadcast:heartbeat:{broadcast.pk}:{viewer}", 1, timeout=interval):
        return JsonResponse({"viewers": broadcast.viewers_current, "counted": False})
    try:
        counts = services.viewer_heartbeat(broadcast=broadcast, viewer=viewer)
    except ValidationError as error:
        if error.code == "not_live":
            return _json_error(410, "not_live", _("The broadcast is not live."))
        return _json_error(400, error.code or "invalid", " ".join(error.messages))
    return JsonResponse({"viewers": counts.current, "total": counts.total, "counted": True})


@csrf_exempt
@never_cache
def archive_play(request, pk: int):
    """The archive player started: counts a play (once per viewer per six hours). JSON only."""
    if request.method != "POST":
        response = _json_error(405, "method", _("Send plays with POST."))
        response["Allow"] = "POST"
        return response
    broadcast_id = id_param(pk)
    broadcast = (
        Broadcast.objects.select_related("channel").filter(pk=broadcast_id).first()
        if broadcast_id
        else None
    )
    if broadcast is None:
        return _json_error(404, "unknown_broadcast", _("There is no such broadcast."))
    if not may_watch(request.user, broadcast.channel):
        return _json_error(403, "members_only", _("This broadcast is for members only."))
    try:
        viewer = _heartbeat_viewer(request)
        counted = services.archive_play_record(broadcast=broadcast, viewer=viewer)
    except (ValueError, UnicodeDecodeError):
        return _json_error(
            400, "invalid_viewer", _('Send {"viewer": "<8 to 32 hexadecimal digits>"}.')
        )
    except ValidationError as error:
        if error.code == "not_ready":
            return _json_error(410, "not_ready", " ".join(error.messages))
        return _json_error(
            400, "invalid_viewer", _('Send {"viewer": "<8 to 32 hexadecimal digits>"}.')
        )
    return JsonResponse({"counted": counted})


# --- embedding ----------------------------------------------------------------------------


@xframe_options_exempt
def embed(request, pk: int):
    """A channel's player alone, for other sites' iframes: its live broadcast, or what is next."""
    channel = _channel_or_404(pk)
    refused = _watch_refused(request, channel, embedded=True)
    if refused is not None:
        return refused
    live, upcoming_next = selectors.channel_now(channel=channel)
    context = {"channel": channel, "next": upcoming_next}
    if live is not None:
        context.update(_watch_context(request, live))
    return render(request, "broadcast/embed.html", context)


@xframe_options_exempt
def embed_broadcast(request, pk: int):
    """One broadcast's player alone (live or from the archive), for other sites' iframes."""
    broadcast = _broadcast_or_404(pk)
    refused = _watch_refused(request, broadcast.channel, embedded=True)
    if refused is not None:
        return refused
    return render(request, "broadcast/embed.html", _watch_context(request, broadcast))


def _oembed_target(request, url: str) -> tuple[Channel, Broadcast | None] | None:
    """The channel (and broadcast) a page URL of this site names, or None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    domain, _port = split_domain_port(parts.netloc.rsplit("@", 1)[-1])
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    pk = id_param(match.kwargs.get("pk"))
    if pk is None:
        return None
    if match.view_name == "broadcast:channel":
        channel = Channel.objects.select_related("organization").filter(pk=pk).first()
        return (channel, None) if channel else None
    if match.view_name == "broadcast:player":
        broadcast = Broadcast.objects.select_related("channel__organization").filter(pk=pk).first()
        return (broadcast.channel, broadcast) if broadcast else None
    return None


def oembed(request):
    """oEmbed 1.0 for channel and broadcast pages: JSON only (XML answers 501)."""
    if request.GET.get("format", "json").strip().lower() != "json":
        return _json_error(501, "format", _("Only the JSON format is offered."))
    url = request.GET.get("url", "")
    if not url:
        return _json_error(400, "url", _("Give the address of a channel or broadcast page."))
    target = _oembed_target(request, url[:2000])
    if target is None:
        return _json_error(
            404, "unknown_url", _("There is no channel or broadcast at this address.")
        )
    channel, broadcast = target
    if not may_watch(request.user, channel):
        return _json_error(401, "members_only", _("This broadcast is for members only."))
    payload = presenters.oembed_payload(
        request=request,
        channel=channel,
        broadcast=broadcast,
        maxwidth=request.GET.get("maxwidth"),
        maxheight=request.GET.get("maxheight"),
    )
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response
