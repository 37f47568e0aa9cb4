"""Questions about the host itself ("Are you a real person?", "你是AI吗").

Plain Python: the engine asks it so such a question is answered even with no product on
air, and answering asks it so the reply is the truth (an AI host run by the store), never
the team line.
"""

from __future__ import annotations

import re

_ASKS_ABOUT_HOST = re.compile(
    r"\b(?:are|r)\s+(?:you|u)\s+(?:a\s+|an\s+)?(?:real|human|person|robot|bot|ai|a\.i\.|"
    r"machine|computer|program|chatbot|virtual|live\s+person|actual|fake|automated)\b"
    r"|\bis\s+(?:this|that|it|the\s+host)\s+(?:a\s+|an\s+)?(?:real\s+person|human|robot|bot|"
    r"ai|chatbot|automated|recorded|live\s+person)\b"
    r"|\b(?:who|what\s+company)\s+(?:runs|is\s+running|operates|hosts|is\s+hosting|is\s+behind)"
    r"\s+(?:this|the\s+(?:stream|room|show|live|channel))\b"
    r"|\bwho\s+(?:am\s+i\s+talking|are\s+you\s+really)\b"
    r"|\b(?:are\s+you|is\s+the\s+host)\s+(?:an?\s+)?(?:artificial|ai[\s-]generated)\b"
    r"|\bam\s+i\s+(?:talking|chatting|speaking)\s+(?:to|with)\s+(?:a\s+|an\s+)?"
    r"(?:real|human|person|bot|robot|ai|machine)\b"
    r"|(?:你|您|主播)(?:是|是不是|到底是)(?:个|一个)?(?:真人|真的人|人|机器人|AI|ai|人工智能|"
    r"虚拟|数字人|程序|假人|机器)"
    r"|(?:是|是不是)(?:真人|机器人|AI主播|ai主播|数字人|虚拟主播|人工智能)"
    r"|真人(?:吗|主播|直播|还是)"
    r"|谁在(?:直播|播|说话|主持)|谁(?:运营|负责|经营|主持)(?:这个|的)?(?:直播|直播间)"
    r"|(?:主播|你)是谁|直播间是谁的|谁开的直播",
    re.IGNORECASE,
)


def asks_about_host(question: str) -> bool:
    """Whether the viewer asks what the host is: a person, an AI, or who runs the room."""
    return _ASKS_ABOUT_HOST.search(" ".join(question.split())) is not None
