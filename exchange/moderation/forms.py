from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..members.forms import CheckboxesField
from ..models import Role
from .log import REASON_MAX


class ReasonForm(FlaskForm):
    reason = StringField("Reason", description=f"Optional; kept in the moderation log. Up to {REASON_MAX} characters.",
                         validators=[Optional(), Length(max=REASON_MAX)])


class SuspendForm(FlaskForm):
    reason = StringField("Reason", description=f"Required; the member is told. Up to {REASON_MAX} characters.",
                         validators=[DataRequired(message="Say why the member is suspended."), Length(max=REASON_MAX)])
    until = DateField("Until", description="Optional; leave empty to suspend until a moderator reinstates.",
                      validators=[Optional()])


class MergeForm(FlaskForm):
    target = StringField("Merge into", description="The other thread's number or address, e.g. 1234 or /t/1234.",
                         validators=[DataRequired(message="Say which thread to merge into."), Length(max=300)])
    reason = StringField("Reason", description=f"Optional; kept in the moderation log. Up to {REASON_MAX} characters.",
                         validators=[Optional(), Length(max=REASON_MAX)])

    def target_id(self) -> int:
        """The thread number in "1234", "#1234", "/t/1234/slug" or a full address (0 when there is none)."""
        match = re.search(r"(?:/t/|#|^)\s*(\d{1,18})(?:\D|$)", self.target.data.strip())
        return int(match.group(1)) if match else 0


class RoleForm(FlaskForm):
    member = StringField("Member", description="Their username, e.g. @maria.lopez.",
                         validators=[DataRequired(message="Say whose role changes."), Length(max=40)])
    role = RadioField("Role", choices=[SelectChoice(Role.MEMBER, "Member"), SelectChoice(Role.MODERATOR, "Moderator"),
                               SelectChoice(Role.ADMIN, "Admin")],
                      default=Role.MODERATOR, validators=[DataRequired(message="Choose a role.")])
    categories = CheckboxesField("Categories", coerce=int, validate_choice=False,
                                    description="For a moderator: leave all unticked to moderate every category.")
    reason = StringField("Reason", description=f"Optional; kept in the moderation log. Up to {REASON_MAX} characters.",
                         validators=[Optional(), Length(max=REASON_MAX)])
