"""Simplified Chinese (mainland China)."""

from locales.locale import Locale
from locales.zh_cn import answers, copy, host, labels

ZH_CN = Locale(
    code="zh-CN",
    language="zh",
    name="Simplified Chinese (简体中文)",
    words_per_second=2.5,
    chars_per_second=4.5,
    list_joiners=("、", "和"),
    spaces_between_words=False,
    phrasebooks={
        "answers": answers.PHRASES,
        "copy": copy.PHRASES,
        "host": host.PHRASES,
        "labels": labels.PHRASES,
    },
)
