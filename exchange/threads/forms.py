from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ..models import Flag
from ..moderation.flags import NOTE_MAX
from ..moderation.log import REASON_MAX, REASON_TOO_LONG
from ..taxonomy.forms import tags_field

TITLE_MIN, TITLE_MAX = 5, 150
BODY_MAX = 20_000

TITLE_HELP = f"{TITLE_MIN}–{TITLE_MAX} characters: say what you want to talk about."
BODY_HELP = f"Markdown. Up to {BODY_MAX:,} characters."


def _title():
    return StringField("Title", description=TITLE_HELP, filters=[lambda v: " ".join(v.split()) if v else v],
                       validators=[DataRequired(message="Give the thread a title."),
                                   Length(min=TITLE_MIN, max=TITLE_MAX,
                                          message=f"Titles are {TITLE_MIN}–{TITLE_MAX} characters.")])


def _body(label: str):
    return TextAreaField(label, description=BODY_HELP,
                         validators=[DataRequired(message="Write something first."),
                                     Length(max=BODY_MAX, message=f"Posts are at most {BODY_MAX:,} characters.")])


NO_CATEGORY = ("", "— Choose a category —")


def _category_id(value) -> int | None:
    """The chosen category's id; the placeholder (an empty value) is no choice at all."""
    return None if value in ("", None) else int(value)


def category_field() -> SelectField:
    """A category the member picks: the form offers ``NO_CATEGORY`` first, so nothing is chosen for them."""
    return SelectField("Category", coerce=_category_id, validators=[InputRequired(message="Choose a category.")])


def category_choices(categories) -> list[tuple]:
    return [NO_CATEGORY] + [(c.id, c.name) for c in categories]


class ThreadForm(FlaskForm):
    title = _title()
    category = category_field()
    tags = tags_field()
    body = _body("Message")


class ReplyForm(FlaskForm):
    body = _body("Your reply")
    page = HiddenField()


class EditPostForm(FlaskForm):
    title = _title()
    tags = tags_field()
    body = _body("Message")
    reason = StringField("Why you are editing", description="Required when you edit someone else's post: "
                         f"shown on the post and kept in the moderation log. Up to {REASON_MAX} characters.",
                         validators=[Length(max=REASON_MAX, message=REASON_TOO_LONG)])


class PreviewForm(FlaskForm):
    body = TextAreaField()


class FlagForm(FlaskForm):
    reason = SelectField("Why does it need a moderator?", choices=[SelectChoice(*reason) for reason in Flag.REASONS.items()], default="needs_review")
    note = TextAreaField("Anything the moderators should know", description=f"Optional, up to {NOTE_MAX} characters.",
                         validators=[Length(max=NOTE_MAX, message=f"Keep the note under {NOTE_MAX} characters.")])
