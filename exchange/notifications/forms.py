from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SelectField

from ..models import Delivery, Kind, Level, MemberPreference


class WatchForm(FlaskForm):
    level = RadioField("Notifications", choices=[SelectChoice(v, Level.LABELS[v]) for v in Level.ALL])


class SettingsForm(FlaskForm):
    digest = SelectField("Digest", choices=[SelectChoice(k, v) for k, v in MemberPreference.DIGEST_PERIODS.items()])
    auto_watch_started = BooleanField("Watch threads I start")
    auto_track_replied = BooleanField("Track threads I reply to")


for _kind in Kind.ALL:
    setattr(SettingsForm, f"mail_{_kind}", SelectField(Kind.LABELS[_kind], default=Delivery.default(_kind),
                                                       choices=[SelectChoice(v, Delivery.LABELS[v]) for v in Delivery.ALL]))
