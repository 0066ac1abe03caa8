from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from newroles.accounts.models import Membership
from newroles.lib.forms import NHSForm, NHSFormMixin


class SignInForm(NHSFormMixin, AuthenticationForm):
    username = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class PasswordChangeForm(NHSForm):
    old_password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label="New password",
        strip=False,
        help_text="At least 12 characters; not a common password and not only numbers.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="New password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError("Your current password is not right.")
        return value

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", "The two new passwords do not match.")
        return data


class AddMemberForm(NHSForm):
    email = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(
        choices=Membership.ROLE_CHOICES,
        widget=forms.RadioSelect,
        initial=Membership.VIEWER,
        help_text="Viewers read the trust's private data; editors change it; managers also manage members.",
    )


class ChangeRoleForm(NHSForm):
    role = forms.ChoiceField(choices=Membership.ROLE_CHOICES, label="Role")


class AcceptInvitationForm(NHSForm):
    """For someone new here: their name and a password of their own, which finish creating their account."""

    display_name = forms.CharField(
        label="Your name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        help_text="At least 12 characters; not a common password and not only numbers.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password again", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords do not match.")
        return data


class AppCodeForm(NHSForm):
    """The 6-digit code an authenticator app shows (numeric keypad, and the browser may fill it in)."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code your app shows now.",
        max_length=12,
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "nhsuk-input--width-10",
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the 6-digit code from your authenticator app.")
        return code


class RecoveryCodeForm(NHSForm):
    code = forms.CharField(
        label="Recovery code",
        help_text="One of the recovery codes you saved when you set up your app. Each works once.",
        max_length=32,
        error_messages={"required": "Enter one of your recovery codes."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "class": "nhsuk-input--width-10",
            }
        ),
    )
