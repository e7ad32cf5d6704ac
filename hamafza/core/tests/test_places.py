"""The shipped places and languages: the data files and their loader."""

import json
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from hamafza.core.models import City, Country, Language, Province
from hamafza.core.places import (
    DATA_DIR,
    MODELS,
    cities_data,
    countries_data,
    languages_data,
    places_load,
    places_loaded,
    provinces_data,
    search_key_of,
)
from hamafza.core.text import normalize

# Rough boxes (south, north, west, east) around the countries whose cities ship.
BOXES = {
    "IR": (25.0, 39.8, 44.0, 63.4),
    "IQ": (29.0, 37.4, 38.7, 48.6),
    "IN": (6.5, 35.7, 68.1, 97.4),
    "PK": (23.6, 37.1, 60.8, 77.9),
    "AF": (29.3, 38.5, 60.5, 75.0),
    "BD": (20.6, 26.7, 88.0, 92.7),
    "TR": (35.8, 42.2, 25.6, 44.9),
    "AR": (-55.1, -21.7, -73.6, -53.6),
    "AZ": (38.3, 42.0, 44.7, 50.7),
    "RU": (41.1, 81.9, 19.6, 180.0),
    "TJ": (36.6, 41.1, 67.3, 75.2),
    "NG": (4.2, 13.9, 2.6, 14.7),
    "TH": (5.6, 20.5, 97.3, 105.7),
    "LB": (33.0, 34.7, 35.1, 36.7),
    "SY": (32.3, 37.4, 35.7, 42.4),
    "BH": (25.5, 26.4, 50.3, 50.9),
    "KW": (28.5, 30.1, 46.5, 48.5),
    "SA": (16.3, 32.2, 34.5, 55.7),
    "GB": (49.9, 60.9, -8.7, 1.8),
    "DE": (47.2, 55.1, 5.8, 15.1),
}

IRAQ_GOVERNORATES = {
    "IQ-AN": "Anbar",
    "IQ-AR": "Erbil",
    "IQ-BA": "Basra",
    "IQ-BB": "Babil",
    "IQ-BG": "Baghdad",
    "IQ-DA": "Duhok",
    "IQ-DI": "Diyala",
    "IQ-DQ": "Dhi Qar",
    "IQ-KA": "Karbala",
    "IQ-KI": "Kirkuk",
    "IQ-MA": "Maysan",
    "IQ-MU": "Muthanna",
    "IQ-NA": "Najaf",
    "IQ-NI": "Nineveh",
    "IQ-QA": "Qadisiyyah",
    "IQ-SD": "Saladin",
    "IQ-SU": "Sulaymaniyah",
    "IQ-WA": "Wasit",
}

ARABIC_ONLY = re.compile("[\u064a\u0643\u0649]")  # ي ك ى
PERSIAN_ONLY = re.compile("[\u06cc\u06a9\u06af\u067e\u0686\u0698]")  # ی ک گ پ چ ژ
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")


def all_names():
    for kind, rows in (
        ("language", languages_data()),
        ("country", countries_data()),
        ("province", provinces_data()),
        ("city", cities_data()),
    ):
        for row in rows:
            yield kind, row


# The data files.


@pytest.mark.parametrize("name", ["languages", "countries", "provinces", "cities"])
def test_data_file_parses_as_a_list_of_objects(name):
    with (DATA_DIR / f"{name}.json").open(encoding="utf-8") as file:
        rows = json.load(file)
    assert isinstance(rows, list) and rows
    assert all(isinstance(row, dict) for row in rows)


def test_data_files_have_no_duplicate_codes():
    for rows, key in (
        (languages_data(), "code"),
        (countries_data(), "code"),
        (countries_data(), "code3"),
        (provinces_data(), "code"),
    ):
        codes = [row[key] for row in rows]
        assert len(codes) == len(set(codes)), key
    cities = [(row["country"], row["province"], row["name"]) for row in cities_data()]
    assert len(cities) == len(set(cities))


def test_every_country_has_names_in_persian_arabic_and_english():
    rows = countries_data()
    assert len(rows) >= 249
    for row in rows:
        assert re.fullmatch("[A-Z]{2}", row["code"]), row
        assert re.fullmatch("[A-Z]{3}", row["code3"]), row
        for language in ("fa", "ar", "en"):
            assert row["names"].get(language, "").strip(), (row["code"], language)
        assert row["name"] == row["names"]["en"]
        assert ARABIC_SCRIPT.search(row["names"]["fa"]), row["code"]
        assert ARABIC_SCRIPT.search(row["names"]["ar"]), row["code"]


def test_names_of_the_project_countries_are_natural():
    countries = {row["code"]: row for row in countries_data()}
    assert countries["IR"]["names"] == {"fa": "ایران", "ar": "إيران", "en": "Iran"}
    assert countries["IQ"]["names"] == {"fa": "عراق", "ar": "العراق", "en": "Iraq"}
    assert countries["RU"]["name"] == "Russia"
    assert countries["SY"]["name"] == "Syria"
    assert countries["IN"]["names"]["fa"] == "هند"
    assert countries["TR"]["names"]["fa"] == "ترکیه"
    assert countries["TR"]["names"]["ar"] == "تركيا"


def test_persian_names_use_persian_letters_and_arabic_names_arabic_letters():
    for kind, row in all_names():
        assert not ARABIC_ONLY.search(row["names"]["fa"]), (kind, row["name"])
        assert not PERSIAN_ONLY.search(row["names"]["ar"]), (kind, row["name"])


def test_every_language_has_names_and_a_direction():
    languages = {row["code"]: row for row in languages_data()}
    for code in ("fa", "ar", "en", "ur", "tr", "az", "ru", "tg", "bn", "hi", "es", "ha", "th"):
        assert code in languages
    for row in languages.values():
        assert {"fa", "ar", "en"} <= set(row["names"]), row["code"]
        assert isinstance(row["rtl"], bool)
    assert languages["fa"]["rtl"] and languages["ar"]["rtl"] and languages["ur"]["rtl"]
    assert not languages["en"]["rtl"] and not languages["ru"]["rtl"]


def test_iran_has_thirty_one_provinces_with_iso_codes():
    iran = [row for row in provinces_data() if row["country"] == "IR"]
    assert len(iran) == 31
    assert {row["code"] for row in iran} == {f"IR-{n:02d}" for n in range(31)}
    by_name = {row["name"]: row for row in iran}
    for name in ("Qom", "Ilam", "Kermanshah", "Kerman", "Lorestan", "Mazandaran", "Fars"):
        assert name in by_name
    assert by_name["Qom"]["names"]["fa"] == "قم"
    assert by_name["Razavi Khorasan"]["names"]["fa"] == "خراسان رضوی"


def test_iraq_governorates_are_all_present():
    iraq = {row["code"]: row for row in provinces_data() if row["country"] == "IQ"}
    assert {code: row["name"] for code, row in iraq.items()} == IRAQ_GOVERNORATES
    assert iraq["IQ-NA"]["names"] == {"fa": "نجف", "ar": "النجف", "en": "Najaf"}
    assert iraq["IQ-KA"]["names"]["ar"] == "كربلاء"


def test_every_city_lies_in_its_province_and_country():
    provinces = {row["code"]: row for row in provinces_data()}
    countries = {row["code"] for row in countries_data()}
    for row in cities_data():
        assert row["country"] in countries, row["name"]
        if row["country"] in {"IR", "IQ"}:
            assert row["province"], row["name"]
        if row["province"]:
            assert provinces[row["province"]]["country"] == row["country"], row["name"]
        south, north, west, east = BOXES[row["country"]]
        latitude, longitude = row["latitude"], row["longitude"]
        assert south <= latitude <= north, row["name"]
        assert west <= longitude <= east, row["name"]
        for value in (latitude, longitude):
            assert Decimal(str(value)).as_tuple().exponent >= -6, row["name"]


def test_the_cities_of_the_project_are_shipped():
    cities = {(row["country"], row["name"]): row for row in cities_data()}
    for name in (
        "Tehran", "Qom", "Mashhad", "Isfahan", "Shiraz", "Tabriz", "Ahvaz", "Kermanshah",
        "Ilam", "Mehran", "Kerman", "Khorramabad", "Sari", "Babol",
    ):  # fmt: skip
        assert ("IR", name) in cities
    for name in ("Baghdad", "Kadhimiya", "Najaf", "Karbala", "Kufa", "Basra", "Samarra", "Erbil"):
        assert ("IQ", name) in cities
    assert cities[("IR", "Mehran")]["province"] == "IR-16"
    assert cities[("IQ", "Kadhimiya")]["province"] == "IQ-BG"
    for country in ("IN", "PK", "AF", "BD", "TR", "AR", "AZ", "RU", "TJ", "NG", "TH"):
        assert any(code == country for code, _name in cities), country


# The loader.


@pytest.mark.django_db
def test_migrations_load_the_places():
    assert places_loaded()
    assert Country.objects.count() == len(countries_data())
    assert Province.objects.filter(country__code="IR").count() == 31
    assert Province.objects.filter(country__code="IQ").count() == len(IRAQ_GOVERNORATES)
    assert Province.objects.get(code="IR-25").names["fa"] == "قم"
    assert Province.objects.get(code="IR-25").display_name("fa") == "قم"
    assert City.objects.count() == len(cities_data())
    assert Language.objects.count() == len(languages_data())


@pytest.mark.django_db
def test_loading_into_an_empty_database_creates_every_row():
    City.objects.all().delete()
    Province.objects.all().delete()
    Country.objects.all().delete()
    Language.objects.all().delete()
    assert not places_loaded()

    counts = places_load()

    assert counts["Language.created"] == len(languages_data())
    assert counts["Country.created"] == len(countries_data())
    assert counts["Province.created"] == len(provinces_data())
    assert counts["City.created"] == len(cities_data())
    assert not any(counts[f"{model}.updated"] for model in MODELS)
    assert places_loaded()
    kadhimiya = City.objects.select_related("province", "country").get(name="Kadhimiya")
    assert (kadhimiya.country.code, kadhimiya.province.code) == ("IQ", "IQ-BG")
    assert kadhimiya.latitude == Decimal("33.380000")


@pytest.mark.django_db
def test_loading_twice_creates_nothing_and_takes_few_queries(django_assert_max_num_queries):
    places_load()
    counts_before = {model: model.objects.count() for model in (Language, Country, Province, City)}
    with django_assert_max_num_queries(10):
        counts = places_load()
    assert set(counts) == {f"{m}.{what}" for m in MODELS for what in ("created", "updated")}
    assert not any(counts.values())
    assert counts_before == {
        model: model.objects.count() for model in (Language, Country, Province, City)
    }


@pytest.mark.django_db
def test_loading_restores_changed_names_and_keeps_added_translations():
    qom = Province.objects.get(code="IR-25")
    Province.objects.filter(pk=qom.pk).update(
        name="Ghom", names={"fa": "قم", "ar": "قم", "en": "Ghom", "ur": "قم"}, search_key=""
    )
    Country.objects.filter(code="IR").update(name="Persia")
    City.objects.filter(name="Karbala").update(latitude=None, longitude=None)

    counts = places_load()

    assert counts["Province.updated"] == 1
    assert counts["Country.updated"] == 1
    assert counts["City.updated"] == 1
    assert not any(counts[f"{model}.created"] for model in MODELS)
    qom.refresh_from_db()
    assert qom.name == "Qom"
    assert qom.names == {"fa": "قم", "ar": "قم", "en": "Qom", "ur": "قم"}
    assert qom.search_key == qom.search_key_build()
    assert Country.objects.get(code="IR").name == "Iran"
    assert City.objects.get(name="Karbala").has_point


@pytest.mark.django_db
def test_loader_search_keys_match_the_models():
    for model in (Country, Province, City):
        for obj in model.objects.all():
            assert obj.search_key == search_key_of(obj) == obj.search_key_build(), obj.name
    iran = Country.objects.get(code="IR")
    for text in ("ایران", "إيران", "Iran", "IRN"):
        assert normalize(text) in iran.search_key.split()


@pytest.mark.django_db
def test_loader_works_with_historical_models():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    state = MigrationExecutor(connection).loader.project_state(("core", "0002_load_places"))
    historical = state.apps
    Province.objects.filter(code="IR-25").update(name="Ghom")

    counts = places_load(historical)

    assert counts["Province.updated"] == 1
    assert Province.objects.get(code="IR-25").name == "Qom"
    assert places_loaded(historical)


@pytest.mark.django_db
def test_management_command_prints_the_counts():
    out = StringIO()
    with translation.override("en"):
        call_command("places_load", stdout=out)
    text = out.getvalue()
    assert "0 created, 0 updated" in text
    assert text.count("\n") >= len(MODELS)


def test_management_command_help_renders():
    from hamafza.core.management.commands.places_load import Command

    assert "places" in Command().create_parser("manage.py", "places_load").format_help()
