"""REST API for live rooms: rooms with rundowns, start/stop, platform events."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from livestream import services
from livestream.api import errors
from livestream.api.sessions import SessionSummarySerializer
from livestream.models import EventKind, LiveRoom, RundownEntry
from livestream.schedule import ScheduleError, validate_schedule
from shop_ai.api.errors import error_responses
from shop_ai.api.views import StoreScopedViewSet

LOCALES = ["en", "zh-CN"]
VOICES = ["", "piper", "espeak"]


class RundownEntrySerializer(serializers.ModelSerializer[RundownEntry]):
    product = serializers.IntegerField(source="product_id")
    sku = serializers.CharField(source="product.sku", read_only=True)
    title = serializers.CharField(source="product.title", read_only=True)
    talking_points = serializers.ListField(
        child=serializers.CharField(max_length=300), max_length=10, required=False, default=list
    )

    class Meta:
        model = RundownEntry
        fields = ["product", "sku", "title", "time_budget_s", "talking_points"]


class LiveRoomSerializer(serializers.ModelSerializer[LiveRoom]):
    # Uniqueness is the service's to check: a taken address is a 409, not a field error.
    slug = serializers.SlugField(max_length=60)
    locale = serializers.ChoiceField(choices=LOCALES, default="en")
    voice = serializers.ChoiceField(choices=VOICES, default="", required=False)
    persona = serializers.DictField(
        required=False,
        default=dict,
        help_text='The host: {"name": "Mia", "style": "warm", "catchphrases": ["Let\'s go!"]}.',
    )
    banned_topics = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=50, required=False, default=list
    )
    schedule = serializers.ListField(
        child=serializers.DictField(), max_length=28, required=False, default=list
    )
    max_discount_pct = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(90),
        default=Decimal(0),
    )
    rundown = RundownEntrySerializer(many=True, required=False)
    viewer_url = serializers.SerializerMethodField()

    class Meta:
        model = LiveRoom
        fields = [
            "id",
            "slug",
            "title",
            "locale",
            "persona",
            "voice",
            "max_discount_pct",
            "answers_need_approval",
            "banned_topics",
            "schedule",
            "rundown",
            "status",
            "viewer_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "created_at", "updated_at"]

    def get_viewer_url(self, room: LiveRoom) -> str:
        path = f"/live/{room.slug}/"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def validate_persona(self, persona: dict[str, Any]) -> dict[str, Any]:
        unknown = set(persona) - {"name", "style", "catchphrases"}
        if unknown:
            raise serializers.ValidationError(f"Unknown persona fields: {sorted(unknown)}.")
        for key in ("name", "style"):
            if not isinstance(persona.get(key, ""), str) or len(persona.get(key, "")) > 200:
                raise serializers.ValidationError(f"{key} must be text of at most 200 characters.")
        phrases = persona.get("catchphrases", [])
        if not isinstance(phrases, list) or len(phrases) > 10:
            raise serializers.ValidationError("catchphrases must be a list of at most 10.")
        if not all(isinstance(p, str) and len(p) <= 120 for p in phrases):
            raise serializers.ValidationError("Each catchphrase is text of at most 120 characters.")
        return persona

    def validate_schedule(self, schedule: list[dict[str, Any]]) -> list[dict[str, Any]]:
        try:
            validate_schedule(schedule)
        except ScheduleError as error:
            raise serializers.ValidationError(str(error)) from None
        return schedule

    def validate_slug(self, slug: str) -> str:
        if self.instance is not None and slug != self.instance.slug:
            raise serializers.ValidationError("A room's address cannot change once created.")
        return slug


def _rundown_specs(entries: list[dict[str, Any]]) -> list[services.RundownSpec]:
    return [
        services.RundownSpec(
            product_id=entry["product_id"],
            time_budget_s=entry.get("time_budget_s", 180),
            talking_points=tuple(entry.get("talking_points", [])),
        )
        for entry in entries
    ]


class PlatformEventSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=[k.value for k in services.PLATFORM_EVENT_KINDS])
    product = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1, max_value=10_000, default=1)
    stock = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["kind"] == EventKind.STOCK and "stock" not in data:
            raise serializers.ValidationError({"stock": "A stock event needs the new stock."})
        return data


ROOM_CHANGED = {
    200: LiveRoomSerializer,
    **error_responses(errors.DUPLICATE, errors.UNKNOWN_PRODUCT),
}


class LiveRoomViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    StoreScopedViewSet[LiveRoom],
):
    """Live rooms of the requester's store, each with its rundown of products."""

    serializer_class = LiveRoomSerializer
    queryset = LiveRoom.objects.prefetch_related("rundown__product")

    @extend_schema(
        responses={
            201: LiveRoomSerializer,
            **error_responses(errors.SLUG_TAKEN, errors.DUPLICATE, errors.UNKNOWN_PRODUCT),
        }
    )
    def create(self, request: Request) -> Response:
        serializer = LiveRoomSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        rundown = _rundown_specs(data.pop("rundown", []))
        room = services.room_create(store=self.store, rundown=rundown, **data)
        return Response(self._show(room), status=status.HTTP_201_CREATED)

    @extend_schema(responses=ROOM_CHANGED)
    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        room = self.get_object()
        serializer = LiveRoomSerializer(
            room, data=request.data, partial=partial, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("slug", None)
        rundown = data.pop("rundown", None)
        services.room_update(
            room=room, rundown=None if rundown is None else _rundown_specs(rundown), **data
        )
        return Response(self._show(room))

    @extend_schema(responses=ROOM_CHANGED)
    def partial_update(self, request: Request, pk: str) -> Response:
        return self.update(request, pk, partial=True)

    def perform_destroy(self, instance: LiveRoom) -> None:
        services.room_stop(room=instance)
        instance.delete()

    @extend_schema(
        request=None,
        responses={200: SessionSummarySerializer, **error_responses(errors.EMPTY_RUNDOWN)},
    )
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        session = services.room_start(room=self.get_object())
        return Response(SessionSummarySerializer(session).data)

    @extend_schema(request=None, responses=LiveRoomSerializer)
    @action(detail=True, methods=["post"])
    def stop(self, request: Request, pk: str) -> Response:
        room = self.get_object()
        services.room_stop(room=room)
        return Response(self._show(room))

    @extend_schema(
        request=PlatformEventSerializer,
        responses={
            202: inline_serializer("PlatformEventAccepted", {"id": serializers.IntegerField()}),
            **error_responses(
                errors.OFF_AIR, errors.INVALID_KIND, errors.UNKNOWN_PRODUCT, errors.INVALID_STOCK
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def events(self, request: Request, pk: str) -> Response:
        """A purchase, add-to-cart or stock change from the store platform, for the host."""
        serializer = PlatformEventSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        event = services.platform_event_record(
            room=self.get_object(),
            kind=data["kind"],
            product_id=data["product"],
            quantity=data["quantity"],
            stock=data.get("stock"),
        )
        return Response({"id": event.pk}, status=status.HTTP_202_ACCEPTED)

    def _show(self, room: LiveRoom) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=room.pk)
        return dict(LiveRoomSerializer(fresh, context={"request": self.request}).data)
