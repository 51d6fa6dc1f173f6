"""What the demo moderators find: the pinned welcome, a newcomer's held posts, flags, tag proposals."""
from __future__ import annotations

WELCOME = """Welcome! Exchange is where alumni of our partner programs trade what worked — and what didn't.

- **Ask** in the category closest to your question; tag it so peers with that expertise find it.
- **Write up a practice** when something worked: the problem, your context, the steps, the evidence.
- **Find peers** in your metro from the member directory, and use *Contact* for a short call.

Be generous with what worked and kind about what didn't. Flag anything that needs a moderator's eye."""

HELD_REPLY = ("We tried a similar residency pipeline in our district last year. The piece that made the "
              "difference was a stipend for mentor teachers — happy to share our budget sheet.")

HELD_THREAD = ("Retaining first-year assistant principals",
               "I started as an AP this month. How do your districts support first-year APs beyond the "
               "summer institute? Looking for coaching models and caseload norms.")

DEMO_FLAGS = [("off_topic", "This reads like an ad for a vendor."),
              ("needs_review", "Names a student's family — should that be here?")]

HIDDEN_REASON = "Shares a colleague's phone number; please use Contact instead."

DEMO_PROPOSALS = ["Mentor stipends", "Attendance nudges"]
