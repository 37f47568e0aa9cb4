"""Live rooms, their runs, what viewers did and what the host said."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from catalog.models import Product
from shop_ai.models import Store


class RoomStatus(models.TextChoices):
    OFF_AIR = "off_air", "Off air"
    LIVE = "live", "Live"
    PAUSED = "paused", "Paused"


class LiveRoom(models.Model):
    """A store's 24/7 room: who hosts it, what it sells and within which limits.

    ``slug`` is public and global: viewers open ``/live/<slug>/`` without knowing the store.
    ``engine_state`` is the host engine's saved state, so a restarted runner resumes where
    the last one stopped.
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="live_rooms")
    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    locale = models.CharField(max_length=10, default="en")
    # {"name": "Mia", "style": "warm", "catchphrases": ["Let's go!"]}
    persona = models.JSONField(default=dict, blank=True)
    voice = models.CharField(max_length=40, blank=True, default="")  # "" = default for locale
    max_discount_pct = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(90)],
    )
    answers_need_approval = models.BooleanField(default=False)
    banned_topics = models.JSONField(default=list, blank=True)
    # [{"weekday": 0-6, "start": "09:00", "end": "21:00"}]; empty means always on when started.
    schedule = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=RoomStatus.choices, default="off_air")
    seed = models.PositiveIntegerField(default=0)
    engine_state = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.slug


class RundownEntry(models.Model):
    """One product in a room's rundown, in order, with the seller's time budget and notes."""

    room = models.ForeignKey(LiveRoom, on_delete=models.CASCADE, related_name="rundown")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    time_budget_s = models.PositiveIntegerField(
        default=180, validators=[MinValueValidator(20), MaxValueValidator(3600)]
    )
    talking_points = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["room", "product"], name="rundown_product_once")
        ]

    def __str__(self) -> str:
        return f"{self.room_id}#{self.position}: product {self.product_id}"


class LiveSession(models.Model):
    """One run of a room, from start to stop; holds the runner's lease and the sequence.

    Exactly one runner holds a session: it claims ``runner_id`` with a conditional update and
    renews ``heartbeat_at``; another runner may take over only once the heartbeat is stale.
    ``last_seq`` continues across runners, so viewers never see a sequence number twice.
    """

    room = models.ForeignKey(LiveRoom, on_delete=models.CASCADE, related_name="sessions")
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    runner_id = models.CharField(max_length=64, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    current_product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Running totals: viewers_peak, likes, comments, questions, refused, purchases, carts.
    stats = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["room"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_session_per_room",
            )
        ]

    def __str__(self) -> str:
        return f"session {self.pk} of room {self.room_id}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class EventKind(models.TextChoices):
    COMMENT = "comment", "Comment"
    QUESTION = "question", "Question"
    REFUSED = "refused", "Refused comment"
    LIKE = "like", "Like"
    GIFT = "gift", "Gift"
    PURCHASE = "purchase", "Purchase"
    ADD_TO_CART = "add_to_cart", "Add to cart"
    STOCK = "stock", "Stock change"


class EngagementEvent(models.Model):
    """What viewers and the store platform did; written in batches by the runner."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    viewer_id = models.CharField(max_length=64, blank=True, default="")
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=500, blank=True, default="")
    count = models.IntegerField(default=1)
    reason = models.CharField(max_length=20, blank=True, default="")  # moderation verdict
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["session", "kind", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} by {self.viewer_id or 'platform'}"


class HostUtterance(models.Model):
    """One thing the host said: the transcript line, its audio and why it was said."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="utterances")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=20)  # the engine's action kind, or "studio" / "answer"
    text = models.TextField()
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=40, blank=True, default="")
    # Viewer ids and the question that prompted it, when one did.
    trigger = models.JSONField(default=dict, blank=True)
    audio = models.JSONField(default=list, blank=True)  # [{"url", "text", "duration_s"}]
    # Seconds per stage: answer (retrieval + writing), first_audio, audio_total.
    latency = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="utterance_seq_once")
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.text[:40]}"


class QuestionStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting", "Awaiting approval"
    ANSWERED = "answered", "Answered"
    FLAGGED = "flagged", "Flagged for the team"
    DROPPED = "dropped", "Dropped"


class ViewerQuestion(models.Model):
    """A viewer's question the host could not answer alone, or one waiting for the seller.

    Flagged questions are the ones the catalog facts did not answer; the seller sees them
    in the studio. With ``answers_need_approval`` every drafted answer waits here.
    """

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="questions")
    viewer_id = models.CharField(max_length=64)
    text = models.CharField(max_length=500)
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=QuestionStatus.choices)
    draft_answer = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self) -> str:
        return self.text[:60]
