"""The kinds of agreement shipped with Hamafza, heaviest first.

Coordinators may add more in the admin; downgrading goes to a kind of lower
weight (an MoU becomes an agreement).
"""

KINDS = [
    ("mou", 30, "Memorandum of understanding", "تفاهم‌نامه", "مذكرة تفاهم"),
    ("agreement", 20, "Agreement", "توافق‌نامه", "اتفاقية"),
    ("protocol", 10, "Protocol", "پروتکل همکاری", "بروتوكول تعاون"),
]


def agreement_kinds_load(model=None) -> None:
    if model is None:
        from hamafza.agreements.models import AgreementKind as model
    for code, weight, en, fa, ar in KINDS:
        model.objects.update_or_create(
            code=code,
            defaults={"weight": weight, "name": fa, "names": {"fa": fa, "ar": ar, "en": en}},
        )
