"""Viewer-comment moderation for the live room: abuse, links, prompt injection, spam, pacing."""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from locales.scripts import CJK_CHAR

ReasonCode = Literal[
    "ok",
    "abuse",
    "spam",
    "link",
    "prompt_injection",
    "rate_limited",
    "duplicate",
    "too_long",
    "banned_topic",
]

MAX_COMMENT_CHARS = 200

# --- abuse vocabulary -------------------------------------------------------------------
# Three tiers keep English matching precise: a word that is abusive wherever it appears inside
# a token ("motherfucker"), a stem that is abusive as a word prefix ("idiots", "bitching"), and
# whole words that would hit innocent words as prefixes ("dick" vs "dickens", "retard" vs
# "flame retardant", "cunt" vs "Scunthorpe").
ABUSE_INFIXES = ("fuck", "phuck", "motherf")
ABUSE_PREFIXES = (
    "shit",
    "bitch",
    "idiot",
    "moron",
    "asshole",
    "bastard",
    "whore",
    "slut",
    "dickhead",
    "dumbass",
    "jackass",
    "wanker",
    "imbecil",
)
ABUSE_WORDS = frozenset(
    {
        "dick",
        "dicks",
        "cunt",
        "cunts",
        "twat",
        "retard",
        "retards",
        "retarded",
        "bullshit",
        "horseshit",
        "stfu",
        "kys",
        "fck",
        "fcking",
        "fuk",
        "fukin",
        "fuking",
        "scumbag",
        "sb",
        "shabi",
        "nmsl",
        "cnm",
        "tmd",
    }
)
ABUSE_PHRASES = (
    ("kill", "yourself"),
    ("go", "die"),
    ("drop", "dead"),
    ("piece", "of", "crap"),
    # Mild words are abuse only when aimed at someone ("stupid easy to clean" is praise).
    *((who, word) for who in ("you", "ur", "host", "bot") for word in ("stupid", "dumb")),
    *((word, who) for who in ("host", "bot", "seller") for word in ("stupid", "dumb")),
    *(("you", "are", word) for word in ("stupid", "dumb", "useless", "pathetic")),
    *(
        (who, "is", word)
        for who in ("host", "bot", "seller")
        for word in ("stupid", "dumb", "useless", "pathetic")
    ),
    *(("you", "re", word) for word in ("stupid", "dumb", "useless", "pathetic")),
)
# Chinese abuse is matched as a substring of the text with spaces and punctuation removed, so
# "傻 逼" and "傻*逼" are caught; every entry is specific enough not to hit product talk
# (no bare 垃圾 because of 垃圾袋, 你妈 because of 你妈妈会喜欢, 去死 because of 去死皮).
ABUSE_ZH = (
    "傻逼",
    "傻b",
    "傻屄",
    "煞笔",
    "沙比",
    "他妈的",
    "你妈的",
    "尼玛",
    "操你",
    "草你妈",
    "草泥马",
    "肏",
    "去死吧",
    "你去死",
    "滚蛋",
    "你个废物",
    "废物主播",
    "白痴",
    "脑残",
    "贱人",
    "婊子",
    "狗东西",
    "智障",
    "垃圾主播",
    "骗子主播",
    "妈了个",
    "王八蛋",
    "蠢货",
    "蠢猪",
    "笨蛋主播",
    "傻瓜主播",
    "你个笨蛋",
    "你个傻瓜",
    "你真蠢",
    "主播真蠢",
)

# Leetspeak digits and symbols folded to letters before English matching.
LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)

# --- links and contact details -------------------------------------------------------------
TLDS = (
    "com|net|org|cn|io|co|shop|xyz|top|me|ly|link|app|info|biz|store|site|online|vip|cc|tv|"
    "ru|uk|de|jp|hk|tw|us|gg|club|live|fun|icu"
)
LINK_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        r"https?\s*:\s*/\s*/",
        r"\bwww\s*\.",
        r"\b[a-z0-9][a-z0-9-]*\.(?:" + TLDS + r")\b(?![.-]?[a-z])",
        # Spelled-out dots: "mystore dot com", "mystore (dot) com", "mystore 点 com".
        r"[a-z0-9]\s*(?:\(dot\)|\[dot\]|\bdot\b|点|。)\s*(?:" + TLDS + r")\b",
        r"[^\s@]+@[^\s@]+\.[a-z]{2,}",
        # A contact handle needs a digit or underscore so "wechat pay" and "qq music" pass.
        r"(?:\b(?:wechat|weixin|wx|vx|qq|whatsapp|telegram|tg|line)|v信|微信|威信|薇信|扣扣)\s*"
        r"(?:id|号)?\s*[:]?\s*[a-z0-9_-]*[0-9_][a-z0-9_-]{3,}",
        r"加(?:我)?(?:微|威|薇|v|vx|qq|扣)",
        r"\badd me on\b",
        r"\bdm me\b",
        r"私信我|私聊我|联系我",
        # Phone-like runs: eight or more digits with optional separators.
        r"(?<![\d.#])(?:\d[\s-]?){8,}(?![\d.])",
    )
)

# --- prompt injection -----------------------------------------------------------------------
INJECTION_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        r"\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}"
        r"\b(?:instruction|rule|prompt|guideline|directive|setting|system)s?\b",
        r"\bsystem\s*(?:prompt|message|instruction)",
        r"\bdeveloper\s*mode\b|\bjailbreak|\bdan mode\b",
        # "you are now a pirate", but not "you are now my favourite host".
        r"\byou\s*(?:are|r|'re)\s*now\b"
        r"(?!\s*(?:my (?:fav|favou?rite)|live|online|on air|here|back|so|the best))",
        r"\bfrom now on,?\s*(?:you|say|answer|reply)\b",
        r"\bpretend\s*(?:to be|you are|you're|that you|you r)\b",
        r"\b(?:act|behave|roleplay)\s*as\s*"
        r"(?:if you|though you|an? (?:ai|bot|assistant|chatbot)|my)\b",
        r"\bnew instructions?\b",
        r"\b(?:reveal|print|show|tell me|repeat)\b.{0,20}\b(?:your|the)\s*(?:prompt|instructions)",
        r"\b(?:repeat|say)\s*after me\b",
        r"\b(?:say|tell|announce|claim|state|declare)\b.{0,40}\b(?:price|cost)s?\b.{0,20}"
        r"\b(?:is|be|to|as|=)\b.{0,12}(?:\d|free|zero|nothing)",
        r"\b(?:say|announce|tell everyone)\b.{0,30}\b(?:free|100% off|\d+% off)",
        r"<\|[a-z_]*\|>|\[/?inst\]|</?system>|#{2,}\s*(?:system|instruction)",
        r"忽略.{0,8}(?:指令|指示|规则|设定|提示|要求)",
        r"无视.{0,8}(?:指令|指示|规则|设定|提示|要求)",
        r"(?:不要管|别管|忘记|忘掉).{0,6}(?:指令|规则|设定|提示)",
        r"系统提示|提示词|系统指令|开发者模式|越狱",
        r"你现在是(?!不是|否|在)|从现在开始.{0,4}你|你的新(?:身份|任务|指令)",
        r"假装(?:你|是|自己)|(?:你来|你要|请你)?扮演(?:一个|一位|我的)",
        r"(?:把|将)?价格(?:说成|改成|改为|设为|定为|报成)",
        r"(?:^|请|快|给我|帮我|就)(?:说|报|宣布).{0,8}(?:价格|售价)?(?:是|为|只要)?\s*(?:\d+|一|零)\s*(?:元|块)",
        r"跟我(?:说|念|读)|重复我的话",
    )
)

# --- questions ------------------------------------------------------------------------------
QUESTION_OPENERS = frozenset(
    {
        "how",
        "what",
        "what's",
        "whats",
        "which",
        "when",
        "where",
        "who",
        "whose",
        "why",
        "does",
        "do",
        "did",
        "is",
        "are",
        "was",
        "can",
        "could",
        "will",
        "would",
        "should",
        "has",
        "have",
        "any",
        "anyone",
    }
)
QUESTION_ZH_MARKERS = (
    "多少",
    "几",
    "怎么",
    "什么",
    "啥",
    "哪",
    "如何",
    "是否",
    "能不能",
    "可不可以",
    "有没有",
    "是不是",
    "为什么",
    "会不会",
    "好不好",
)
QUESTION_ZH_ENDINGS = ("吗", "嘛", "么", "呢")
AUX_PRONOUN = re.compile(
    r"\b(?:do|does|did|can|could|will|would|is|are)\s+(?:you|it|this|they|these|those|i|we)\b"
)

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"), None)
LATIN_TOKEN = re.compile(r"[a-z0-9*@$!]+")


@dataclass(frozen=True)
class Verdict:
    """What moderation decided about one comment."""

    allowed: bool
    reason: ReasonCode
    cleaned_text: str
    is_question: bool


@dataclass
class _Bucket:
    tokens: float
    updated_at: float


@dataclass
class ModerationState:
    """Per-room memory for pacing and duplicate checks; bounded, pruned as time passes."""

    rate_per_s: float = 0.5  # one comment per two seconds on average ...
    burst: int = 3  # ... with a burst of three
    dedup_window_s: float = 60.0
    # Distinct viewers posting the same long text within the window before it counts as a
    # copy-paste campaign.
    campaign_viewers: int = 3
    banned_topics: tuple[str, ...] = ()
    max_chars: int = MAX_COMMENT_CHARS
    buckets: dict[str, _Bucket] = field(default_factory=dict)
    # normalized text -> (last seen at, viewers who posted it in the window)
    recent_texts: dict[str, tuple[float, list[str]]] = field(default_factory=dict)
    _last_prune_at: float = 0.0

    def prune(self, now: float) -> None:
        """Forget what can no longer affect a verdict, so the state stays small."""
        horizon = now - self.dedup_window_s
        self.recent_texts = {
            text: seen for text, seen in self.recent_texts.items() if seen[0] >= horizon
        }
        refill_s = self.burst / self.rate_per_s
        self.buckets = {
            viewer: bucket
            for viewer, bucket in self.buckets.items()
            if now - bucket.updated_at < refill_s
        }
        self._last_prune_at = now


def clean_text(text: str) -> str:
    """The comment as the room may show it: NFKC-folded, invisible characters gone, one-spaced."""
    folded = unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH)
    folded = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in folded)
    return " ".join(folded.split())


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _latin_tokens(lowered: str) -> list[str]:
    """Words for English matching, with leetspeak folded and spaced-out letters rejoined."""
    raw = [token.strip("!") for token in LATIN_TOKEN.findall(_strip_accents(lowered))]
    tokens = [token.translate(LEET).replace("!", "i") for token in raw if token]
    # "i d i o t" and "f.u.c.k" arrive as runs of one-letter tokens; three or more in a row
    # are joined back into the word they spell.
    joined: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1:
            run.append(token)
            continue
        if len(run) >= 3:
            joined.append("".join(run))
        else:
            joined.extend(run)
        run = []
        if token:
            joined.append(token)
    return joined


def _squeeze_runs(token: str, keep: int) -> str:
    return re.sub(r"(.)\1{2,}", lambda match: match.group(1) * keep, token)


def _masked_match(token: str, word: str) -> bool:
    """Whether "f*ck" / "sh**" could be `word` with letters hidden behind asterisks."""
    if len(token) != len(word) or token[0] == "*":
        return False
    return all(t == "*" or t == w for t, w in zip(token, word, strict=True))


def _token_is_abusive(token: str) -> bool:
    variants = {token}
    if re.search(r"(.)\1{2,}", token):
        # "fuuuuck", "idiooot": try the word with stretched letters cut to one and to two.
        variants |= {_squeeze_runs(token, 1), _squeeze_runs(token, 2)}
    for variant in variants:
        if variant in ABUSE_WORDS:
            return True
        if any(infix in variant for infix in ABUSE_INFIXES):
            return True
        if any(variant.startswith(prefix) for prefix in ABUSE_PREFIXES):
            return True
        if "*" in variant:
            candidates = (*ABUSE_WORDS, *ABUSE_PREFIXES, *ABUSE_INFIXES)
            if any(_masked_match(variant, word) for word in candidates):
                return True
            if any(_masked_match(variant[: len(word)], word) for word in ABUSE_PREFIXES):
                return True
    return False


def is_abusive(text: str) -> bool:
    """Abuse or profanity in English or Chinese, seen through common obfuscations."""
    lowered = clean_text(text).casefold()
    tokens = _latin_tokens(lowered)
    if any(_token_is_abusive(token) for token in tokens):
        return True
    for phrase in ABUSE_PHRASES:
        width = len(phrase)
        if any(tuple(tokens[i : i + width]) == phrase for i in range(len(tokens) - width + 1)):
            return True
    squashed = re.sub(r"[\W_]+", "", lowered)
    return any(term in squashed for term in ABUSE_ZH)


def has_link(text: str) -> bool:
    """URLs, domains (also spelled "dot com"), e-mail, phone numbers and messenger handles."""
    lowered = clean_text(text).casefold()
    return any(pattern.search(lowered) for pattern in LINK_PATTERNS)


def is_prompt_injection(text: str) -> bool:
    """Attempts to steer the host: new instructions, role changes, dictated prices."""
    lowered = clean_text(text).casefold().replace("\u2019", "'")
    return any(pattern.search(lowered) for pattern in INJECTION_PATTERNS)


def is_spam(text: str) -> bool:
    """Floods: long repeated characters, shouting in capitals, one word over and over."""
    cleaned = clean_text(text)
    if re.search(r"(.)\1{9,}", cleaned):
        return True
    letters = [ch for ch in cleaned if ch.isalpha() and ch.isascii()]
    if len(letters) >= 20 and sum(ch.isupper() for ch in letters) >= 0.9 * len(letters):
        return True
    words = cleaned.casefold().split()
    return len(words) >= 6 and len(set(words)) <= len(words) // 4


def mentions_banned_topic(text: str, banned_topics: tuple[str, ...] | list[str]) -> bool:
    """Whether the text touches a topic the seller ruled out (whole words for Latin terms)."""
    lowered = clean_text(text).casefold()
    for topic in banned_topics:
        needle = clean_text(topic).casefold()
        if not needle:
            continue
        if CJK_CHAR.search(needle):
            if needle in lowered:
                return True
        elif re.search(r"\b" + re.escape(needle) + r"\b", lowered):
            return True
    return False


def is_question(text: str) -> bool:
    """Question detection for English and Chinese comments."""
    lowered = clean_text(text).casefold()
    if "?" in lowered:  # NFKC already folded the full-width question mark
        return True
    if CJK_CHAR.search(lowered):
        stripped = re.sub(r"[\s.!。!~…]+$", "", lowered)
        if stripped.endswith(QUESTION_ZH_ENDINGS):
            return True
        if any(marker in lowered for marker in QUESTION_ZH_MARKERS):
            return True
    words = re.findall(r"[a-z']+", lowered)
    if words and words[0] in QUESTION_OPENERS:
        return True
    if "how much" in lowered or "how many" in lowered:
        return True
    # Questions tucked after a clause: "I live near Leeds, do you ship there".
    return AUX_PRONOUN.search(lowered) is not None


def _dedup_key(cleaned: str) -> str:
    return re.sub(r"[\W_]+", "", cleaned.casefold())


def _take_token(state: ModerationState, viewer_id: str, now: float) -> bool:
    bucket = state.buckets.get(viewer_id)
    if bucket is None:
        bucket = state.buckets[viewer_id] = _Bucket(tokens=float(state.burst), updated_at=now)
    elapsed = max(0.0, now - bucket.updated_at)
    bucket.tokens = min(float(state.burst), bucket.tokens + elapsed * state.rate_per_s)
    bucket.updated_at = now
    if bucket.tokens < 1.0:
        return False
    bucket.tokens -= 1.0
    return True


def _content_reason(cleaned: str, state: ModerationState) -> ReasonCode:
    # Order matters only when several apply; the most actionable reason wins.
    if len(cleaned) > state.max_chars:
        return "too_long"
    if is_prompt_injection(cleaned):
        return "prompt_injection"
    if has_link(cleaned):
        return "link"
    if is_abusive(cleaned):
        return "abuse"
    if mentions_banned_topic(cleaned, state.banned_topics):
        return "banned_topic"
    if is_spam(cleaned):
        return "spam"
    return "ok"


def moderate(
    text: str, *, locale: str, viewer_id: str, now: float, state: ModerationState
) -> Verdict:
    """Decide whether one viewer comment may reach the host, and whether it is a question.

    Every attempt spends the viewer's rate budget, refused ones included, so a viewer who
    floods abuse is throttled as well as refused. `locale` is the room's locale; detection
    covers English and Chinese whatever it is, since viewers mix both.
    """
    del locale  # both vocabularies always apply; kept in the signature for future locales
    if now - state._last_prune_at >= state.dedup_window_s:
        state.prune(now)
    cleaned = clean_text(text)
    question = is_question(cleaned)

    def verdict(reason: ReasonCode) -> Verdict:
        return Verdict(
            allowed=reason == "ok", reason=reason, cleaned_text=cleaned, is_question=question
        )

    if not cleaned:
        return verdict("spam")
    reason = _content_reason(cleaned, state)
    has_token = _take_token(state, viewer_id, now)
    if reason != "ok":
        return verdict(reason)
    if not has_token:
        return verdict("rate_limited")

    key = _dedup_key(cleaned) or cleaned
    seen = state.recent_texts.get(key)
    if seen is not None and now - seen[0] <= state.dedup_window_s:
        viewers = seen[1]
        if viewer_id in viewers:
            state.recent_texts[key] = (now, viewers)
            return verdict("duplicate")
        viewers = [*viewers, viewer_id][-state.campaign_viewers * 2 :]
        state.recent_texts[key] = (now, viewers)
        if len(viewers) >= state.campaign_viewers:
            # Many viewers pasting the same long text is a campaign; a short "666" or "how
            # much?" echoed by the crowd is ordinary chat that the host need not hear twice.
            return verdict("spam" if len(key) >= 12 else "duplicate")
        return verdict("ok")
    state.recent_texts[key] = (now, [viewer_id])
    return verdict("ok")


T = TypeVar("T")


@dataclass
class _Queued(Generic[T]):
    item: T
    at: float


class BoundedQueue(Generic[T]):
    """Pending comments: questions outlive chatter, and overflow drops the oldest chatter first."""

    def __init__(
        self, capacity: int = 50, *, chatter_ttl_s: float = 30.0, question_ttl_s: float = 180.0
    ) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.chatter_ttl_s = chatter_ttl_s
        self.question_ttl_s = question_ttl_s
        self._questions: deque[_Queued[T]] = deque()
        self._chatter: deque[_Queued[T]] = deque()
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._questions) + len(self._chatter)

    def push(self, item: T, *, is_question: bool, at: float) -> None:
        (self._questions if is_question else self._chatter).append(_Queued(item, at))
        while len(self) > self.capacity:
            # Questions are only sacrificed once no chatter is left to drop.
            (self._chatter or self._questions).popleft()
            self.dropped += 1

    def expire(self, now: float) -> None:
        """Drop entries too old to be worth a reply."""
        for entries, ttl in (
            (self._chatter, self.chatter_ttl_s),
            (self._questions, self.question_ttl_s),
        ):
            while entries and now - entries[0].at > ttl:
                entries.popleft()
                self.dropped += 1

    def pop(self, now: float) -> T | None:
        """The next entry to handle: the oldest live question, else the oldest live chatter."""
        self.expire(now)
        for entries in (self._questions, self._chatter):
            if entries:
                return entries.popleft().item
        return None

    def questions(self) -> list[T]:
        return [entry.item for entry in self._questions]

    def chatter(self) -> list[T]:
        return [entry.item for entry in self._chatter]
