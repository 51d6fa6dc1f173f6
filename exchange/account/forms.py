from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from ..auth.forms import PASSWORD_MAX, PASSWORD_MIN


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password", id="password-current-password", validators=[InputRequired(message="Enter your current password.")])
    new_password = PasswordField("New password", description=f"At least {PASSWORD_MIN} characters.",
                                 validators=[InputRequired(message="Choose a new password."),
                                             Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                                                    message=f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters.")])


class EmailChangeForm(FlaskForm):
    current_password = PasswordField("Current password", id="email-current-password", validators=[InputRequired(message="Enter your current password.")])
    email = EmailField("New email address", description="We send a link there; the address changes when you follow it.",
                       validators=[DataRequired(message="Enter the new address."),
                                   Email(message="That doesn't look like an email address."), Length(max=254)])


class DeletionForm(FlaskForm):
    current_password = PasswordField("Your password", id="delete-current-password", validators=[InputRequired(message="Enter your password.")])
    erase_unanswered_posts = BooleanField("Also erase the threads I started that nobody answered")
