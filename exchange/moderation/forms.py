from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length, Optional


class ReasonForm(FlaskForm):
    reason = StringField("Reason", description="Optional; kept in the moderation log. Up to 500 characters.",
                         validators=[Optional(), Length(max=500)])


class SuspendForm(FlaskForm):
    reason = StringField("Reason", description="Required; the member is told. Up to 500 characters.",
                         validators=[DataRequired(message="Say why the member is suspended."), Length(max=500)])
    until = DateField("Until", description="Optional; leave empty to suspend until a moderator reinstates.",
                      validators=[Optional()])
