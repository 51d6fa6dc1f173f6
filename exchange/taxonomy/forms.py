from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from . import services
from .services import TAG_LIMIT, WORD_MAX, TagChoice

TAGS_HELP = (f"Up to {TAG_LIMIT}, separated by commas. Use your own program's words: "
             "we file them under the shared tag (two words for one tag count once). "
             "A new word is proposed to the moderators; your post shows it until one decides.")


def tags_field(label: str = "Tags") -> StringField:
    return StringField(label, description=TAGS_HELP,
                       validators=[Length(max=TAG_LIMIT * (WORD_MAX + 2), message="That is too much text for tags.")])


def proposed_sentence(words) -> str:
    """What an author is told of the new words they tagged with (empty without any)."""
    quoted = [f"“{w}”" for w in words]
    if not quoted:
        return ""
    if len(quoted) == 1:
        return f"New tag {quoted[0]}: proposed, waits for a moderator."
    return f"New tags {', '.join(quoted[:-1])} and {quoted[-1]}: proposed, each waits for a moderator."


def read_tags(field) -> TagChoice | None:
    """Resolve a tags field; on problems, put them on the field and return None."""
    choice = services.choose_tags(field.data or "")
    if choice.errors:
        field.errors = [*field.errors, *choice.errors]
        return None
    return choice


class TagEditForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(message="Give the tag a name."),
                                           Length(max=WORD_MAX, message=f"At most {WORD_MAX} characters.")])
    guidance = TextAreaField("Use this tag for…", description="One or two sentences shown in the tag picker.",
                             validators=[Length(max=1000, message="Keep guidance under 1,000 characters.")])
    group = SelectField("Group", coerce=int)
    parent = SelectField("Parent", coerce=int, description="A child tag files its content under its parent too.")


class AliasForm(FlaskForm):
    name = StringField("Another word for it", validators=[
        DataRequired(message="Type the other word."), Length(max=WORD_MAX, message=f"At most {WORD_MAX} characters.")])
    program = SelectField("Used by", coerce=int, description="Whose lexicon the word comes from.")


class MergeForm(FlaskForm):
    target = StringField("Merge into", description="The tag that stays (a tag or one of its aliases).",
                         validators=[DataRequired(message="Name the tag to merge into.")])


class ProposalDecisionForm(FlaskForm):
    group = SelectField("Group", coerce=int)
    parent = SelectField("Parent", coerce=int)
    guidance = TextAreaField("Use this tag for…", validators=[Length(max=1000)])
    target = StringField("Or merge into")
