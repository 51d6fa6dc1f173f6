"""Every model, typed (SQLAlchemy 2 mappings), one module per area; import them from here.

Entity behaviour lives in the models; cross-table bookkeeping (counters, logs) lives in services.
The modules name each other's classes only for type checkers (relationships resolve by class name),
so none imports another at run time; importing this package maps them all.
"""
from .account_security import DataExport, DeletionRequest, SecurityEvent, UserSession
from .accounts import AccountToken, Affiliation, ContactRequest, MemberExpertise, MemberOffer, Program, Region, User
from .alerts import OpportunityAlert
from .common import Offer, Role, Sector, Status, Visibility, utcnow
from .curation import Collection, CollectionItem, FeaturedPractice
from .discussions import Category, Post, Thread
from .moderation import Flag, ModerationLog, ModeratorCategory
from .notifications import (Delivery, DigestSent, Kind, Level, MailMessage, MemberPreference, Notification,
                            NotificationEvent, NotificationSetting, ThreadRead, Watch)
from .opportunities import Application, Opportunity, OpportunityFlag, OpportunityTag
from .practices import HelpfulMark, Practice
from .site_state import SearchOutbox, SiteState
from .taxonomy import Tag, TagAlias, TagGroup, TagProposal, ThreadTag
from .talent import (EmployerKind, EmployerProfile, Seeking, TalentBlock, TalentList, TalentListEntry, TalentProfile,
                     TalentRegion, TalentView, TalentWish)

__all__ = [
    "AccountToken", "Affiliation", "Category", "Collection", "CollectionItem", "ContactRequest",
    "FeaturedPractice", "Flag", "HelpfulMark", "MemberExpertise", "MemberOffer", "ModerationLog",
    "ModeratorCategory", "Offer", "Post", "Practice", "Program", "Region", "Role", "SearchOutbox", "Sector",
    "SiteState", "Status", "Tag", "TagAlias", "TagGroup", "TagProposal", "Thread", "ThreadTag", "User",
    "Visibility", "utcnow",
    "EmployerKind", "EmployerProfile", "Seeking", "TalentBlock", "TalentList", "TalentListEntry", "TalentProfile", "TalentRegion", "TalentView",
    "TalentWish",
    "Delivery", "DigestSent", "Kind", "Level", "MailMessage", "MemberPreference", "Notification", "NotificationEvent",
    "NotificationSetting", "ThreadRead", "Watch", "SecurityEvent", "UserSession", "DataExport", "DeletionRequest",
    "Application", "Opportunity", "OpportunityAlert", "OpportunityFlag", "OpportunityTag",
]
