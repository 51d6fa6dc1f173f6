from __future__ import annotations

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, EmailField, HiddenField, IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, ValidationError, EqualTo, InputRequired, Length, NumberRange, Optional, Regexp

PASSWORD_MIN = 10
PASSWORD_MAX = 200
USERNAME_RULE = r"^[A-Za-z0-9_.-]+$"


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=PASSWORD_MAX)])
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class AccountNamesForm(FlaskForm):
    """The email and username rules of every new account: the register form and `flask users create`."""
    email = EmailField("Email", validators=[InputRequired(), Email(check_deliverability=False), Length(max=254)])
    username = StringField(
        "Username",
        description="3–32 letters, digits, dots, dashes or underscores. Shown in links to your profile.",
        validators=[InputRequired(), Length(min=3, max=32), Regexp(USERNAME_RULE, message="Use only letters, digits, dots, dashes and underscores.")],
    )


def account_name_problems(email: str, username: str) -> list[str]:
    """What the register form would say about this email and username, for accounts made outside a
    request (the CLI): no CSRF, the values passed as if submitted."""
    form = AccountNamesForm(formdata=MultiDict({"email": email, "username": username}), meta={"csrf": False})
    form.validate()
    return [f"{form[name].label.text}: {message}" for name, messages in form.errors.items() for message in messages]


class RegisterForm(AccountNamesForm):
    # Stripped, so a name of only spaces is refused here instead of being stored as "".
    display_name = StringField("Your name", description="As colleagues know you. Up to 80 characters.",
                               filters=[_strip],
                               validators=[DataRequired(message="Enter your name."), Length(min=1, max=80)])
    password = PasswordField("Password", description=f"At least {PASSWORD_MIN} characters.",
                             validators=[InputRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)])
    program = SelectField("Partner program", coerce=int, validators=[Optional()])
    cohort_year = IntegerField("Cohort year", validators=[Optional(), NumberRange(min=1980, max=2100)])
    region = SelectField("Region", coerce=int, validators=[Optional()])
    note = TextAreaField("How are you connected to the network?",
                         description="Helps moderators approve you quickly. Up to 1,000 characters.",
                         validators=[Optional(), Length(max=1000)])
    invite = HiddenField()

    def validate_program(self, field):
        if field.data and not self.cohort_year.data:
            raise ValidationError("Add your cohort year, or leave the program empty.")


class ResetRequestForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Email(check_deliverability=False), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", description=f"At least {PASSWORD_MIN} characters.",
                             validators=[InputRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)])
    confirm = PasswordField("Repeat the new password",
                            validators=[InputRequired(), EqualTo("password", message="The two passwords differ.")])
