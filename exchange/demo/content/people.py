"""Who is in the demo network: programs, places, organisations, names, and what applicants and bios say."""
from __future__ import annotations

PROGRAMS = [
    # (slug, name, short name)
    ("uelf", "Urban Education Leadership Fellowship", "UELF"),
    ("psdr", "Public School Data Residency", "PSDR"),
    ("csli", "Charter and State Leaders Institute", "CSLI"),
]

# Metro regions with coordinates, and the cities or districts within some of them.
REGIONS = [
    # (name, latitude, longitude, [(child name, latitude, longitude), ...])
    ("Boston", 42.3601, -71.0589, [("Cambridge", 42.3736, -71.1097), ("Lawrence", 42.7070, -71.1631)]),
    ("Chicago", 41.8781, -87.6298, [("Evanston", 42.0451, -87.6877)]),
    ("Denver", 39.7392, -104.9903, [("Aurora", 39.7294, -104.8319)]),
    ("Los Angeles", 34.0522, -118.2437, [("Long Beach", 33.7701, -118.1937)]),
    ("Memphis", 35.1495, -90.0490, []),
    ("Newark", 40.7357, -74.1724, [("Camden", 39.9259, -75.1196)]),
    ("New Orleans", 29.9511, -90.0715, []),
    ("New York", 40.7128, -74.0060, [("Brooklyn", 40.6782, -73.9442), ("The Bronx", 40.8448, -73.8648)]),
    ("Oakland", 37.8044, -122.2712, [("San Francisco", 37.7749, -122.4194)]),
    ("Philadelphia", 39.9526, -75.1652, []),
    ("Pittsburgh", 40.4406, -79.9959, []),
    ("Seattle", 47.6062, -122.3321, [("Tacoma", 47.2529, -122.4443)]),
    ("Washington DC", 38.9072, -77.0369, [("Prince George's County", 38.8304, -76.8456)]),
    ("Houston", 29.7604, -95.3698, [("Aldine", 29.9260, -95.3805)]),
    ("Nashville", 36.1627, -86.7816, []),
    ("Atlanta", 33.7490, -84.3880, []),
    ("Baltimore", 39.2904, -76.6122, []),
    ("Detroit", 42.3314, -83.0458, []),
    ("Indianapolis", 39.7684, -86.1581, []),
]

# Organisations by metro: the districts, networks and agencies alumni really work in.
ORGANISATIONS = {
    "Boston": ["Boston Public Schools", "Massachusetts DESE", "Match Education"],
    "Chicago": ["Chicago Public Schools", "Noble Schools", "Illinois State Board of Education"],
    "Denver": ["Denver Public Schools", "DSST Public Schools", "Colorado Department of Education"],
    "Los Angeles": ["Los Angeles Unified", "Alliance College-Ready Public Schools", "Green Dot Public Schools"],
    "Memphis": ["Memphis-Shelby County Schools", "Achievement School District", "Freedom Prep"],
    "Newark": ["Newark Public Schools", "KIPP New Jersey", "New Jersey Department of Education"],
    "New Orleans": ["NOLA Public Schools", "FirstLine Schools", "Collegiate Academies"],
    "New York": ["NYC Public Schools", "Success Academy", "New York State Education Department"],
    "Oakland": ["Oakland Unified", "Education for Change", "Aspire Public Schools"],
    "Philadelphia": ["School District of Philadelphia", "Mastery Schools", "Pennsylvania Department of Education"],
    "Pittsburgh": ["Pittsburgh Public Schools", "Propel Schools", "A+ Schools Pittsburgh"],
    "Seattle": ["Seattle Public Schools", "Washington OSPI", "Summit Public Schools Washington"],
    "Washington DC": ["DC Public Schools", "DC Office of the State Superintendent", "KIPP DC"],
    "Houston": ["Houston ISD", "YES Prep Public Schools", "Texas Education Agency"],
    "Nashville": ["Metro Nashville Public Schools", "Tennessee Department of Education", "LEAD Public Schools"],
    "Atlanta": ["Atlanta Public Schools", "Georgia Department of Education", "KIPP Metro Atlanta"],
    "Baltimore": ["Baltimore City Public Schools", "Maryland State Department of Education"],
    "Detroit": ["Detroit Public Schools Community District", "Michigan Department of Education"],
    "Indianapolis": ["Indianapolis Public Schools", "The Mind Trust", "Indiana Department of Education"],
}

HEADLINES = [
    "Chief Academic Officer", "Chief of Staff to the Superintendent", "Director of Data Strategy",
    "Senior Data Analyst", "Director of Talent Acquisition", "Principal Supervisor",
    "Chief Financial Officer", "Budget Director", "Director of School Turnaround",
    "Network Superintendent", "Director of Family and Community Engagement", "Assistant Superintendent",
    "Director of Strategic Planning", "Research Manager", "Chief Operating Officer",
    "Director of Enrollment", "Executive Director, Charter Office", "Policy Advisor",
    "Deputy Commissioner", "Director of Human Capital", "Manager of Continuous Improvement",
    "Director of Special Education", "Director of Accountability", "Chief Schools Officer",
]

FIRST_NAMES = [
    "Aaliyah", "Adrian", "Alicia", "Amara", "Andre", "Angela", "Ben", "Brianna", "Camille", "Carlos",
    "Chen", "Daniel", "Danielle", "Darnell", "Diana", "Elena", "Emeka", "Erin", "Fatima", "Gabriel",
    "Grace", "Hannah", "Hector", "Imani", "Isaac", "Jamal", "Jasmine", "Javier", "Jenna", "Joy",
    "Julian", "Kai", "Keisha", "Kevin", "Lauren", "Lena", "Luis", "Malik", "Maria", "Marcus",
    "Maya", "Mei", "Michael", "Monique", "Nadia", "Naomi", "Nia", "Omar", "Priya", "Rachel",
    "Rafael", "Renee", "Rosa", "Samuel", "Sara", "Tanya", "Terrence", "Tomas", "Vanessa", "Wei",
    "Xavier", "Yolanda", "Zainab", "Zoe",
]

LAST_NAMES = [
    "Adeyemi", "Alvarez", "Bailey", "Banks", "Brooks", "Castillo", "Chang", "Coleman", "Delgado",
    "Diaz", "Edwards", "Ellis", "Fernandez", "Foster", "Garcia", "Goldberg", "Greene", "Gupta",
    "Harris", "Hayes", "Hernandez", "Hughes", "Jackson", "Jenkins", "Kim", "Kowalski", "Lee",
    "Lopez", "Marshall", "Martinez", "Mendoza", "Mitchell", "Morales", "Nguyen", "Okafor", "Ortiz",
    "Patel", "Perez", "Price", "Ramirez", "Reed", "Reyes", "Rivera", "Robinson", "Sanchez", "Santos",
    "Shapiro", "Singh", "Sullivan", "Thompson", "Torres", "Turner", "Vasquez", "Walker", "Washington",
    "Williams", "Wright", "Yang", "Young",
]

PENDING_NOTES = [
    "UELF cohort 2024, now at the state agency.",
    "PSDR resident, 2025. Colleague of several members here.",
    "New to CSLI this year; my program director suggested I join.",
    "Alum of the 2019 UELF cohort, back in the sector after two years away.",
    "Starting as a principal supervisor in August; referred by my PSDR coach.",
]


BIO_OPENINGS = [
    "I have spent most of my career inside school systems, first in classrooms and now in the central office.",
    "Before this role I led a middle school for six years; the view from the district office is humbling.",
    "I came to education from public finance and stayed for the people.",
    "I work where policy meets the schoolhouse door, and I try to keep both in view.",
    "I started as a data analyst and learned that the hard part is never the spreadsheet.",
]
BIO_CLOSINGS = [
    "Happy to share what we tried, including what did not work.",
    "Always glad to compare notes with peers facing the same problems.",
    "If you are wrestling with the same questions, reach out.",
    "I learn the most from site visits; come see us, or invite me to see you.",
]


def bio(rng, first_name: str, expertise: list[str]) -> str:
    topics = ", ".join(e.lower() for e in expertise[:-1]) + (" and " if len(expertise) > 1 else "") + expertise[-1].lower()
    return (f"{rng.choice(BIO_OPENINGS)}\n\nThese days most of my time goes to {topics}. "
            f"{rng.choice(BIO_CLOSINGS)}\n\n— {first_name}")
