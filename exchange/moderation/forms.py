from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional


class ReasonForm(FlaskForm):
    reason = StringField("Reason", description="Optional; kept in the moderation log. Up to 500 characters.",
                         validators=[Optional(), Length(max=500)])
