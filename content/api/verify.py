"""REST API that checks a file's AI label, watermark and content credentials."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from content.api import errors
from content.models import Asset, AssetKind, ReviewState
from content.review import verify
from shop_ai.api.errors import error_responses
from shop_ai.api.views import StoreScopedGenericAPIView


class VerifyUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text=f"A PNG, JPEG, WAV or MP4 file, at most {verify.MAX_VERIFY_BYTES} bytes."
    )


class VerifyWatermarkSerializer(serializers.Serializer[Any]):
    checked = serializers.BooleanField(help_text="Whether the file was read for a watermark.")
    present = serializers.BooleanField()
    asset_id = serializers.IntegerField(allow_null=True)


class VerifyContentCredentialsSerializer(serializers.Serializer[Any]):
    validation_state = serializers.CharField(
        allow_null=True,
        help_text="Trusted (signed by this deployment's CA or another trusted one), Valid "
        "(intact, signer not trusted) or Invalid (changed after signing).",
    )
    failures = serializers.ListField(child=serializers.CharField())
    digital_source_type = serializers.CharField(allow_null=True)
    signer = serializers.CharField(allow_null=True)
    asset_id = serializers.IntegerField(allow_null=True)


class VerifyAssetSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AssetKind.choices)
    variant = serializers.CharField()
    locale = serializers.CharField()
    product_sku = serializers.CharField()
    review_state = serializers.ChoiceField(choices=ReviewState.choices)
    created_at = serializers.DateTimeField()


class VerifyResultSerializer(serializers.Serializer[Any]):
    filename = serializers.CharField()
    media_type = serializers.CharField()
    size_bytes = serializers.IntegerField()
    aigc_label = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        allow_null=True,
        help_text="The GB 45438-2025 AIGC metadata object, or null when the file has none.",
    )
    watermark = VerifyWatermarkSerializer()
    content_credentials = VerifyContentCredentialsSerializer(
        allow_null=True, help_text="The file's C2PA manifest, or null when it has none."
    )
    asset_found = serializers.BooleanField()
    asset = VerifyAssetSerializer(
        allow_null=True,
        help_text="The watermark's asset when it belongs to this store; null otherwise.",
    )
    notes = serializers.ListField(child=serializers.CharField())


class VerifyView(StoreScopedGenericAPIView[Asset]):
    """Check a file: its AI-content label, its invisible watermark, and this store's asset.

    An asset of another store is reported as not found, exactly like an id that does not
    exist.
    """

    queryset = Asset.objects.all()
    serializer_class = VerifyResultSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": VerifyUploadSerializer},
        responses={
            200: VerifyResultSerializer,
            **error_responses(errors.FILE_TOO_LARGE, errors.UNSUPPORTED_MEDIA),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = VerifyUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        # One byte past the limit is enough for the service to refuse it.
        data = upload.read(verify.MAX_VERIFY_BYTES + 1)
        result = verify.verify_file(store=self.store, data=data, filename=upload.name or "")
        return Response(VerifyResultSerializer(result).data)
