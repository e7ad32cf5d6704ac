import pytest
from django.core.management import call_command

from hamafza.core.search import search_filter
from hamafza.directory import demo
from hamafza.directory.models import Membership, Organization, OrganizationRelation

pytestmark = pytest.mark.django_db


def test_demo_load_is_idempotent_and_holds_the_reports_organizations(capsys):
    call_command("demo_load")
    counts = (
        Organization.objects.count(),
        OrganizationRelation.objects.count(),
        Membership.objects.count(),
    )
    call_command("demo_load")
    assert counts == (
        Organization.objects.count(),
        OrganizationRelation.objects.count(),
        Membership.objects.count(),
    )
    out = capsys.readouterr().out
    for username in ("coordinator", "owner", "editor", "viewer"):
        assert username in out
    # The bodies named in the reports, found by search in each language
    for query in (
        "هیئت آنلاین",
        "Ahl al-Bayt World Assembly",
        "الكاظمية",
        "ديوان الوقف الشيعي",
        "بسیج سازندگی",
        "سازمان تبلیغات اسلامی",
        "پدافند غیرعامل",
        "Al-Mustafa",
    ):
        assert search_filter(Organization.objects.all(), query).exists(), query
    # Foreign hey'ats of the eleven countries
    assert Organization.objects.filter(kind="heyat", name__contains="مقیمان").count() == 11
    kadhimiya = Organization.objects.get(names__en="Holy Shrine of Kadhimiya")
    assert kadhimiya.parent.names["en"] == "Shia Endowment Office"
    assert kadhimiya.city.name == "Kadhimiya"


def test_generate_adds_searchable_organizations_in_bulk(django_assert_max_num_queries):
    with django_assert_max_num_queries(30):  # a few per batch of 100, not per row
        made = demo.generate(300, batch=100)
    assert made == 300
    assert Organization.objects.count() == 300
    assert search_filter(Organization.objects.all(), "هيئت").exists()
    assert Organization.objects.filter(languages__isnull=False).distinct().count() == 300
