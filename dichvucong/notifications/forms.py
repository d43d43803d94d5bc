"""The channel-preferences form shown by the portal (one checkbox per category × optional channel)."""

from __future__ import annotations

from typing import Any

from django import forms

from dichvucong.accounts.models import User
from dichvucong.notifications.selectors import CategoryChoices, get_channel_choices


def field_name(category: str, channel: str) -> str:
    return f"{category}__{channel}"


class ChannelPreferencesForm(forms.Form):
    """Mandatory channels are disabled fields: shown checked, never read from the POST."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.rows: list[CategoryChoices] = get_channel_choices(user=user)
        for row in self.rows:
            for choice in row.choices:
                self.fields[field_name(choice.category, choice.channel)] = forms.BooleanField(
                    label=choice.channel.label,
                    required=False,
                    initial=choice.enabled,
                    disabled=choice.mandatory,
                )

    def grouped(self) -> list[dict[str, Any]]:
        """Rows for the template: the category, its bound fields, and whether it is mandatory."""
        return [
            {
                "category": row.category,
                "mandatory": row.mandatory,
                "fields": [
                    {"field": self[field_name(choice.category, choice.channel)], "choice": choice}
                    for choice in row.choices
                ],
            }
            for row in self.rows
        ]

    def choices(self) -> dict[tuple[str, str], bool]:
        """The submitted choices of the editable channels, for ``services.set_channel_preferences``."""
        return {
            (choice.category.value, choice.channel.value): bool(
                self.cleaned_data[field_name(choice.category, choice.channel)]
            )
            for row in self.rows
            for choice in row.choices
            if not choice.mandatory
        }
