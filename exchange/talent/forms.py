from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, PasswordField, SelectChoice, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..auth.forms import PASSWORD_MAX, PASSWORD_MIN, AccountNamesForm
from ..members.forms import CheckboxesField
from ..members.privacy import LABELS
from ..models import ContactRequest, EmployerKind, Sector, Seeking, TalentList
from ..models.talent import SHAREABLE
from .services import NOTE_MAX


class EmployerRegisterForm(AccountNamesForm):
    """The member form's account rules (email, username, name, password) and the organisation."""

    display_name = StringField("Your name", description="Shown to the members you write to. Up to 80 characters.",
                               validators=[DataRequired(message="Enter your name."), Length(max=80)])
    password = PasswordField("Password", description=f"At least {PASSWORD_MIN} characters.",
                             validators=[InputRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)])

    organisation = StringField("Organisation", description="As it appears on its website, e.g. “Denver Public Schools”.",
                               validators=[DataRequired(message="Name your organisation."), Length(max=160)])
    kind = SelectField("Kind of organisation", default="district",
                       choices=[SelectChoice(k, EmployerKind.LABELS[k]) for k in EmployerKind.ALL])
    website = URLField("Website", description="https://…", validators=[Optional(), Length(max=254)])
    verification = TextAreaField(
        "How can a moderator check that you recruit for it?",
        description="For example: your work email's domain, and a page that lists you (the HR team page).",
        validators=[DataRequired(message="Tell the moderators how to check your organisation."), Length(max=1000)])


class TalentForm(FlaskForm):
    is_open = BooleanField("Open to new opportunities: list me in the talent pool")
    kinds = CheckboxesField("Kinds of role", choices=[SelectChoice(k, Seeking.KIND_LABELS[k]) for k in Seeking.KINDS])
    levels = CheckboxesField("Levels", choices=[SelectChoice(v, Seeking.LEVEL_LABELS[v]) for v in Seeking.LEVELS])
    sectors = CheckboxesField("Sectors", choices=[SelectChoice(s, Sector.LABELS[s]) for s in Sector.ALL])
    regions = CheckboxesField("Regions I would work in", coerce=int, choices=[])
    remote = BooleanField("Remote work suits me")
    available_from = DateField("Available from", validators=[Optional()],
                               description="Leave empty if you could start now.")
    note = TextAreaField("In a sentence, what you are looking for",
                         validators=[Length(max=NOTE_MAX, message=f"Keep it under {NOTE_MAX} characters.")])


for _name in SHAREABLE:
    setattr(TalentForm, f"share_{_name}", BooleanField(f"{LABELS[_name]}"))


class BlockForm(FlaskForm):
    organisation = SelectField("Organisation", choices=[], validate_choice=False,
                               validators=[DataRequired(message="Choose an organisation to block.")])


class EmployerContactForm(FlaskForm):
    message = TextAreaField("Message", description=(
        f"The role, and why you write to them. At most {ContactRequest.MAX_MESSAGE:,} characters. "
        "Your email address goes to them so they can reply."),
        validators=[DataRequired(message="Write a short message."),
                    Length(max=ContactRequest.MAX_MESSAGE,
                           message=f"Keep it under {ContactRequest.MAX_MESSAGE:,} characters.")])


class ListNameForm(FlaskForm):
    name = StringField("Name of the list", description=f"Up to {TalentList.MAX_NAME} characters, e.g. “Denver data leads”.",
                       validators=[DataRequired(message="Give the list a name.")])


class SaveToListForm(FlaskForm):
    """Save a pool member to one of the employer's lists (``list_id``), or to a new one (``new_list``)."""

    list_id = SelectField("Save to", coerce=int, choices=[], validate_choice=False)
    new_list = StringField("Or a new list", description="A name for a new list; leave empty to use the one above.")
