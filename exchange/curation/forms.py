from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..models import Collection, CollectionItem

TITLE_MAX = Collection.TITLE_MAX
DESCRIPTION_MAX = Collection.DESCRIPTION_MAX
NOTE_MAX = CollectionItem.NOTE_MAX
NOTE_HELP = (f"Optional: why this practice belongs here, or what to read it for. Up to {NOTE_MAX} characters; "
             "plain text.")


def _note_field():
    # No maxlength attributes here: a browser cuts pasted text silently; the server says so and keeps it.
    return TextAreaField("Curator's note", description=NOTE_HELP, render_kw={"rows": 3, "maxlength": False},
                         validators=[Optional(), Length(max=NOTE_MAX, message=(
                             f"Keep the note to {NOTE_MAX} characters or fewer."))])


class CollectionForm(FlaskForm):
    title = StringField("Title", description=f"Up to {TITLE_MAX} characters, e.g. “First 90 days as a turnaround "
                                             "lead partner”. The address is made from the first title and stays.",
                        filters=[lambda v: " ".join(v.split()) if v else v], render_kw={"maxlength": False},
                        validators=[DataRequired(message="Give the collection a title."),
                                    Length(max=TITLE_MAX, message=f"Titles are at most {TITLE_MAX} characters.")])
    description = TextAreaField("Description", description=f"Who it is for and how to use it. Markdown; up to "
                                                           f"{DESCRIPTION_MAX:,} characters. Optional.",
                                render_kw={"rows": 6, "maxlength": False},
                                validators=[Optional(), Length(max=DESCRIPTION_MAX, message=(
                                    f"The description is at most {DESCRIPTION_MAX:,} characters."))])


class AddItemForm(FlaskForm):
    """On a collection's edit page: a practice by its address or number."""

    practice = StringField("Practice", description="Paste the practice's address (…/practices/42) or its number. "
                                                   "You can also add a practice from its own page.",
                           validators=[DataRequired(message="Say which practice to add."),
                                       Length(max=300, message="That is not a practice's address.")])
    note = _note_field()


class CollectForm(FlaskForm):
    """On a practice's page: which collection to add it to."""

    collection = SelectField("Collection", coerce=int,
                             validate_choice=False)  # the view checks the id exists (forms never query)
    note = _note_field()


class NoteForm(FlaskForm):
    note = _note_field()
