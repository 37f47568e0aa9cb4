"""English."""

from locales.en import answers, copy, host, labels
from locales.locale import Locale

EN = Locale(
    code="en",
    language="en",
    name="English",
    words_per_second=2.5,
    chars_per_second=4.5,
    list_joiners=(", ", " and "),
    phrasebooks={
        "answers": answers.PHRASES,
        "copy": copy.PHRASES,
        "host": host.PHRASES,
        "labels": labels.PHRASES,
    },
)
