"""The demo's quarterly guide: the last Solar Hijri quarter before the day of loading, in
Persian, with an introduction of the editorial committee, taken through the whole workflow
(proof, approval, publication) as ``SYSTEM`` so that its PDF is rendered and kept.

The guide reads the other apps' demo data (load them first). Loading is idempotent: a guide
of that quarter in Persian that exists is left as it is.
"""

from __future__ import annotations

from django.utils import timezone

from hamafza.core.permissions import SYSTEM

from .guide import network_zone, quarter_of, quarter_previous
from .models import Guide, GuideCalendar
from .services_guides import (
    guide_approve,
    guide_create,
    guide_publish,
    guide_render,
    guide_update,
)

# The committee's introduction: its paragraphs, separated by a blank line.
INTRODUCTION = "\n\n".join(
    (
        "به نام خداوند بخشندهٔ مهربان",
        "این راهنما، به پیشنهاد هشتمین همایش دوره‌ای ادارات روابط عمومی عتبات و مزارات در"
        " مسجد کوفه، هر سه ماه یک بار به‌صورت یکپارچه منتشر می‌شود تا تشکل‌های شبکه از کار"
        " یکدیگر باخبر شوند و تجربه‌ها را با هم در میان بگذارند.",
        "در این شماره، تشکل‌های تازه‌پیوسته، پخش‌های زنده و برگزیدهٔ آرشیو، رویدادها و پیگیری"
        " توصیه‌های همایش‌ها، تفاهم‌نامه‌های امضاشده و تمدیدشده، و اردوهای جهادی و توزیع"
        " بسته‌های معیشتی را می‌خوانید. همهٔ آمارها از داده‌های ثبت‌شده در سامانه گرفته شده است.",
        "کمیتهٔ تخصصی تدوین راهنما",
    )
)


def load(out=None) -> list:
    """Publish the demo guide unless it exists. Returns no logins."""
    today = timezone.localtime(timezone.now(), network_zone()).date()
    year, quarter = quarter_of(today, calendar=GuideCalendar.SOLAR)
    year, quarter = quarter_previous(year=year, quarter=quarter)
    if Guide.objects.filter(
        calendar=GuideCalendar.SOLAR, year=year, quarter=quarter, language="fa"
    ).exists():
        return []
    guide = guide_create(
        actor=SYSTEM, calendar=GuideCalendar.SOLAR, year=year, quarter=quarter, language="fa"
    )
    guide = guide_update(actor=SYSTEM, guide=guide, introduction=INTRODUCTION)
    guide = guide_render(actor=SYSTEM, guide=guide)
    guide = guide_approve(actor=SYSTEM, guide=guide)
    guide_publish(actor=SYSTEM, guide=guide)
    return []
