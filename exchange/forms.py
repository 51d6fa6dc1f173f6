"""Form pieces shared by several blueprints."""
from __future__ import annotations


class ServiceError(Exception):
    """A rule a service refused, phrased for the user; ``field`` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def attach_error(form, error: ServiceError) -> None:
    """Show a service's refusal next to the field it concerns (or above the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
