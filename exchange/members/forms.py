from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import (Form, FieldList, FormField, IntegerField, SelectChoice, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..models import ContactRequest, Offer, Sector, Visibility
from ..taxonomy.forms import tags_field
from . import privacy
from .services import AFFILIATION_LIMIT, BIO_MAX, EXPERTISE_LIMIT

CAPACITIES = [SelectChoice("fellow", "Fellow"), SelectChoice("resident", "Resident"), SelectChoice("staff", "Staff")]


class AffiliationForm(Form):
    """One program + cohort row (a sub-form: the outer form carries the CSRF token)."""

    program = SelectField("Program", coerce=int, default=0)
    cohort_year = IntegerField("Cohort year", validators=[
        Optional(), NumberRange(min=1990, max=date.today().year + 1, message="A year between 1990 and next year.")])
    capacity = SelectField("As", choices=CAPACITIES, default="fellow")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _visibility_field(field: str) -> SelectField:
    return SelectField(f"Who sees {privacy.LABELS[field].lower()}",
                       choices=[SelectChoice(v, Visibility.LABELS[v]) for v in Visibility.ALL], default=Visibility.MEMBERS)


class ProfileForm(FlaskForm):
    display_name = StringField("Name", validators=[DataRequired(message="Give your name."),
                                                   Length(max=80, message="At most 80 characters.")])
    headline = StringField("Headline", description="Your current role, e.g. “Chief of Schools, Denver Public Schools”.",
                           validators=[Length(max=160, message="At most 160 characters.")])
    organisation = StringField("Organisation", validators=[Length(max=160, message="At most 160 characters.")])
    sector = SelectField("Sector", default="", choices=[SelectChoice("", "—")] + [SelectChoice(s, Sector.LABELS[s]) for s in Sector.ALL])
    region = SelectField("Region and city", coerce=int, description="Peers near you see you first in the directory.")
    bio = TextAreaField("Bio", description=f"Markdown. At most {BIO_MAX:,} characters.",
                        validators=[Length(max=BIO_MAX, message=f"Keep your bio under {BIO_MAX:,} characters.")])
    expertise = tags_field("Expertise")
    offers = CheckboxesField("Open to", choices=[SelectChoice(o, Offer.LABELS[o]) for o in Offer.ALL])
    offer_capacity = IntegerField("How many a month, at most", description="Leave empty for no limit.",
                                  validators=[Optional(), NumberRange(min=1, max=50, message="Between 1 and 50.")])
    affiliations = FieldList(FormField(AffiliationForm), min_entries=AFFILIATION_LIMIT, max_entries=AFFILIATION_LIMIT)

    show_headline = _visibility_field("headline")
    show_organisation = _visibility_field("organisation")
    show_sector = _visibility_field("sector")
    show_affiliations = _visibility_field("affiliations")
    show_region = _visibility_field("region")
    show_bio = _visibility_field("bio")
    show_expertise = _visibility_field("expertise")
    show_offers = _visibility_field("offers")

    EXPERTISE_HELP = (f"Up to {EXPERTISE_LIMIT} tags from the shared taxonomy, separated by commas; "
                      "your program's own words work too.")


class ContactForm(FlaskForm):
    offer = SelectField("About", default="", choices=[SelectChoice("", "Something else")] + [SelectChoice(o, Offer.LABELS[o]) for o in Offer.ALL])
    message = TextAreaField("Message", description=(
        f"A few sentences: who you are and what you would like to talk about. At most "
        f"{ContactRequest.MAX_MESSAGE:,} characters. Your email address goes to them only so they can reply."),
        validators=[DataRequired(message="Write a short message."),
                    Length(max=ContactRequest.MAX_MESSAGE,
                           message=f"Keep it under {ContactRequest.MAX_MESSAGE:,} characters.")])
