"""Portal forms for store settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from shop_ai.models import Role, Scope, Store


class BrandKitForm(forms.ModelForm[Store]):
    class Meta:
        model = Store
        fields = [
            "name",
            "default_locale",
            "currency",
            "brand_primary_colour",
            "brand_secondary_colour",
            "brand_accent_colour",
            "brand_font",
            "brand_tagline",
            "auto_approve_clean_assets",
        ]
        widgets = {
            "brand_primary_colour": forms.TextInput(attrs={"type": "color"}),
            "brand_secondary_colour": forms.TextInput(attrs={"type": "color"}),
            "brand_accent_colour": forms.TextInput(attrs={"type": "color"}),
        }


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=80)
    scope = forms.ChoiceField(choices=Scope.choices, initial=Scope.READ)


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)

    def clean_username(self) -> Any:
        username = self.cleaned_data["username"]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError("No user with that username.")
        return user
