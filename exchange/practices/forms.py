from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..moderation.log import REASON_MAX, REASON_TOO_LONG
from ..taxonomy.forms import tags_field
from ..threads.forms import TITLE_MAX, TITLE_MIN, category_field

SUMMARY_MAX = 1_000
SECTION_MAX = 10_000

SECTION_HELP = {
    "summary": f"One paragraph, shown on the library card. Up to {SUMMARY_MAX:,} characters.",
    "problem": "What was going wrong, for whom, and how you knew.",
    "context": "Anything a reader needs to judge whether this fits their setting.",
    "steps": "What you did, in order. A numbered list works well.",
    "evidence": "What changed, and how you measured it. Honest about what did not work.",
    "resources": "Links to tools, templates, job descriptions, reports.",
    "contact": "How members can reach you or your team about this.",
}


def _section(label: str, name: str, required: bool, limit: int = SECTION_MAX):
    validators = [Length(max=limit, message=f"{label} is at most {limit:,} characters.")]
    validators.insert(0, DataRequired(message=f"{label} is required.") if required else Optional())
    return TextAreaField(label, description=SECTION_HELP[name] + ("" if required else " Optional."),
                         validators=validators)


class PracticeForm(FlaskForm):
    title = StringField("Title", description=f"{TITLE_MIN}–{TITLE_MAX} characters: name the practice, not the problem.",
                        filters=[lambda v: " ".join(v.split()) if v else v],
                        validators=[DataRequired(message="Give the practice a title."),
                                    Length(min=TITLE_MIN, max=TITLE_MAX,
                                           message=f"Titles are {TITLE_MIN}–{TITLE_MAX} characters.")])
    category = category_field()
    tags = tags_field()
    summary = _section("Summary", "summary", True, SUMMARY_MAX)
    problem = _section("The problem", "problem", True)
    setting = SelectField("Setting")
    size = StringField("Size", description="E.g. “48,000 students, 80 schools”. Optional.",
                       validators=[Length(max=120, message="Keep the size under 120 characters.")])
    region = SelectField("Region", coerce=int)
    context = _section("Context", "context", False)
    steps = _section("What we did", "steps", True)
    evidence = _section("Evidence and results", "evidence", False)
    resources = _section("Resources", "resources", False)
    contact = _section("Contact", "contact", False)
    source_post = HiddenField()
    reason = StringField("Why you are editing", description="Required when you edit someone else's practice: "
                         f"kept in the moderation log. Up to {REASON_MAX} characters.",
                         validators=[Length(max=REASON_MAX, message=REASON_TOO_LONG)])

    SECTION_FIELDS = ("summary", "problem", "context", "steps", "evidence", "resources", "contact")
