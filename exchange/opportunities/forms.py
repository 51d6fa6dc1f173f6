"""The opening, application, flag and moderation forms: shapes only; the rules live in the services."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, Field, HiddenField, SelectChoice, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import TextInput

from ..members.forms import CheckboxesField
from ..models import Application, Opportunity, Sector, Seeking
from ..moderation.log import REASON_MAX
from .applications import FIELD_LABELS, NOTE_MAX
from .services import BODY_MAX, FLAG_REASONS, TITLE_MAX, TITLE_MIN


class DollarsField(Field):
    """Whole dollars a year, typed as people type them: "$85,000" and "85000" both read 85000.
    What was typed stays in the field when it is refused."""

    widget = TextInput()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, render_kw={"inputmode": "numeric", "autocomplete": "off"}, **kwargs)
        self.problem = ""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:,}" if self.data is not None else ""

    def process_formdata(self, valuelist) -> None:
        self.data, self.problem = None, ""
        text = (valuelist[0] if valuelist else "").strip()
        digits = text.replace("$", "").replace(",", "").replace(" ", "")
        if not digits:
            return
        if digits.endswith(".00"):
            digits = digits[:-3]
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 9:
            self.problem = "Give the salary in whole dollars a year, like 85,000."
            return
        self.data = int(digits)

    def pre_validate(self, form) -> None:
        if self.problem:
            raise ValidationError(self.problem)


class OpeningForm(FlaskForm):
    title = StringField("Title", description=f"The role as you would advertise it. {TITLE_MIN}–{TITLE_MAX} characters.",
                        validators=[DataRequired(message="Give the opening a title."),
                                    Length(min=TITLE_MIN, max=TITLE_MAX,
                                           message=f"Titles are {TITLE_MIN}–{TITLE_MAX} characters.")])
    organisation = StringField("Organisation", validators=[DataRequired(message="Name the organisation."),
                                                           Length(max=160, message="At most 160 characters.")])
    kind = SelectField("Kind", choices=[SelectChoice("", "— choose —")] +
                       [SelectChoice(k, Seeking.KIND_LABELS[k]) for k in Seeking.KINDS],
                       validators=[DataRequired(message="Choose what kind of opening this is.")])
    level = SelectField("Level", choices=[SelectChoice("", "— choose —")] +
                        [SelectChoice(v, Seeking.LEVEL_LABELS[v]) for v in Seeking.LEVELS],
                        validators=[DataRequired(message="Choose the level of the role.")])
    sector = SelectField("Sector", choices=[SelectChoice("", "— choose —")] +
                         [SelectChoice(s, Sector.LABELS[s]) for s in Sector.ALL],
                         validators=[DataRequired(message="Choose the sector of the organisation.")])
    region = SelectField("Region or city", coerce=int, choices=[], validate_choice=False)
    remote = BooleanField("Remote: it can be done from anywhere")
    salary_min = DollarsField("Salary from", description="Whole dollars a year. Required for paid roles.")
    salary_max = DollarsField("Salary to")
    closes_on = DateField("Closing date", description="It leaves the board the day after.",
                          validators=[Optional()], format="%Y-%m-%d")
    body = TextAreaField("Description", description="The role, the team, what success looks like. Markdown works.",
                         validators=[DataRequired(message="Describe the opening."),
                                     Length(max=BODY_MAX, message=f"At most {BODY_MAX:,} characters.")])
    apply_url = StringField("Application link", description="An https:// link to apply on your site, or leave "
                            "empty to take applications in Exchange.", validators=[Length(max=500)])
    tags = StringField("Tags", description="Topics on the common taxonomy, separated by commas.")
    reason = StringField("Reason for the edit", description="Shown to the poster and in the moderation log.",
                         validators=[Length(max=REASON_MAX)])

    def validate_closes_on(self, field) -> None:
        if field.raw_data and field.raw_data[0] and field.data is None:
            raise ValidationError("Give the closing date as a day, like 2027-03-31.")


class ApplyForm(FlaskForm):
    note = TextAreaField("A short note", description=f"Why this opening, and why you. At most {NOTE_MAX:,} characters.",
                         validators=[DataRequired(message="Write a short note: why this opening, and why you."),
                                     Length(max=NOTE_MAX, message=f"At most {NOTE_MAX:,} characters.")])
    fields = CheckboxesField("Send these profile fields with it",
                             choices=[SelectChoice(f, FIELD_LABELS[f]) for f in Application.SHAREABLE if f != "email"])
    share_email = BooleanField("Share my email address with the poster")


class ApplicationStatusForm(FlaskForm):
    status = SelectField("Status", choices=[SelectChoice(s, Application.STATUS_LABELS[s]) for s in Application.STATUSES])


class OpeningFlagForm(FlaskForm):
    reason = SelectField("Why does it need a moderator?", choices=[SelectChoice("", "— choose —")] +
                         [SelectChoice(k, v) for k, v in FLAG_REASONS.items()],
                         validators=[DataRequired(message="Choose why this opening needs a moderator.")])
    note = TextAreaField("Anything the moderators should know", validators=[Length(max=500)])


class ReasonForm(FlaskForm):
    reason = StringField("Reason", validators=[Length(max=REASON_MAX)])
    action = HiddenField()


STATUS_NOTES = {Opportunity.CLOSED: "This opening is closed: it no longer takes applications.",
                Opportunity.FILLED: "This opening has been filled.",
                Opportunity.EXPIRED: "This opening's closing date has passed.",
                Opportunity.HELD: "This opening waits for a moderator's review before it is listed.",
                Opportunity.DRAFT: "A draft: only you see it until you publish it."}
