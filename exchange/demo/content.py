"""The raw material of the demo network: programs, places, categories, people and prose.

Plain data, so the loader stays about *how* rows are made and this file about *what*.
"""
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

# Categories, each with the subjects its threads are about.
CATEGORIES = [
    {
        "slug": "talent", "name": "Talent and human capital",
        "description": "Recruiting, developing and keeping great teachers and leaders.",
        "subjects": ["teacher residency programs", "principal pipelines", "retention of early-career teachers",
                     "hard-to-staff subject areas", "grow-your-own paraprofessional pathways",
                     "assistant principal development", "hiring timelines", "exit interview data"],
    },
    {
        "slug": "data-and-analytics", "name": "Data and analytics",
        "description": "Dashboards, early-warning systems, research partnerships and data culture.",
        "subjects": ["early-warning indicators", "chronic absenteeism dashboards", "data governance",
                     "research-practice partnerships", "student information system migrations",
                     "interim assessment data", "on-track-to-graduate metrics", "data privacy agreements"],
    },
    {
        "slug": "school-turnaround", "name": "School turnaround",
        "description": "Improving persistently struggling schools: strategy, staffing and support.",
        "subjects": ["turnaround leader selection", "the first 90 days in a turnaround school",
                     "restart models", "instructional coaching in turnaround schools",
                     "community buy-in for school redesign", "exiting state receivership",
                     "extended learning time", "partner organisation contracts"],
    },
    {
        "slug": "finance-and-operations", "name": "Finance and operations",
        "description": "Budgets, facilities, transportation and the systems that keep schools running.",
        "subjects": ["student-based budgeting", "the end of ESSER funds", "school consolidation",
                     "bus driver shortages", "central office cost benchmarking",
                     "facility master plans", "food service contracts", "enrollment forecasting"],
    },
    {
        "slug": "family-and-community-engagement", "name": "Family and community engagement",
        "description": "Partnering with families and communities, from enrollment to advocacy.",
        "subjects": ["parent academies", "home visits", "family liaisons", "two-way text messaging",
                     "community schools", "translation and interpretation services",
                     "parent advisory councils", "school choice fairs"],
    },
    {
        "slug": "instruction-and-curriculum", "name": "Instruction and curriculum",
        "description": "High-quality materials, coaching and the science of reading.",
        "subjects": ["high-quality instructional materials adoption", "the science of reading",
                     "high-dosage tutoring", "math acceleration", "curriculum-based professional learning",
                     "multilingual learner supports", "ninth grade academies", "dual enrollment"],
    },
    {
        "slug": "policy-and-governance", "name": "Policy and governance",
        "description": "Boards, state policy, accountability systems and charter authorizing.",
        "subjects": ["school board goal setting", "state accountability redesign", "charter renewal criteria",
                     "portfolio management", "mayoral control", "school performance frameworks",
                     "superintendent evaluation", "legislative testimony"],
    },
    {
        "slug": "leadership-and-strategy", "name": "Leadership and strategy",
        "description": "Running the system: strategic plans, cabinets and change management.",
        "subjects": ["strategic plan implementation", "cabinet meeting routines", "change management",
                     "stakeholder communication", "superintendent transitions", "theory of action",
                     "continuous improvement cycles", "managing up to the board"],
    },
    {
        "slug": "alumni-network", "name": "Alumni network",
        "description": "Meetups, job openings, introductions and news from the cohorts.",
        "subjects": ["regional meetups", "job openings", "cohort reunions", "mentoring matches",
                     "conference roommates", "book club picks", "site visit requests", "career moves"],
    },
]

TITLE_PATTERNS = [
    "How are you approaching {subject}?",
    "Looking for examples of {subject}",
    "What we learned from two years of {subject}",
    "Lessons from {subject} in {place}",
    "Has anyone evaluated {subject}?",
    "Board presentation on {subject}: what worked",
    "Budgeting for {subject} next year",
    "Site visit: {subject} in {place}",
    "Common pitfalls with {subject}",
    "Who owns {subject} in your central office?",
    "Getting principals on board with {subject}",
    "Metrics that matter for {subject}",
]

OPENINGS = [
    "We are about to launch {subject} across {count} schools in {place} and I would love to hear from "
    "anyone who has done this at scale. Our board wants a plan by {month}, and the biggest open question "
    "is how to sequence the rollout without overwhelming principals.",
    "Our team in {place} has spent the last year on {subject}. Some of it worked better than expected and "
    "some of it did not work at all. I am writing up what we learned and would value a second opinion "
    "before it goes to the cabinet.",
    "Quick question for the network: how do you measure whether {subject} is actually working? We track "
    "participation, but participation is not impact, and our superintendent keeps (rightly) asking for more.",
    "I have been asked to lead {subject} starting in {month}. I inherited a good team and a thin budget. "
    "If you have a one-page plan, a job description or a timeline you would be willing to share, "
    "I would be grateful.",
    "Sharing a draft framework for {subject} that came out of our cohort session. It has three parts: "
    "a clear owner in the central office, a small set of leading indicators, and a monthly review with "
    "principals. What are we missing?",
    "In {place} we tried {subject} in {count} pilot schools. Results were mixed: strong uptake in "
    "elementary, almost none in high schools. Has anyone cracked the secondary version of this?",
]

DETAILS = [
    "For context: we serve roughly {students} students, about {share} of them qualify for free or "
    "reduced-price meals, and our central office went through a reorganisation last spring.",
    "Constraints we are working with:\n\n- a hiring freeze through {month}\n- a union contract that is "
    "up for renewal\n- a new student information system going live in the fall",
    "What we have tried so far:\n\n1. A working group of principals and central office staff\n"
    "2. A short survey of teachers (a {share} response rate)\n3. Two site visits to neighbouring districts",
    "Our state just changed its accountability rules, so anything we do has to hold up under the new "
    "framework as well as the old one.",
    "The goal is something a new principal can follow in their first year without a consultant "
    "in the room.",
]

REPLIES = [
    "We went through something very similar in {place}. The single most useful thing was naming one "
    "owner in the central office. When three departments shared it, nothing moved.",
    "Happy to share our materials. The short version: start smaller than you think, and publish the "
    "data monthly, even when it is unflattering. Trust came from the bad months, not the good ones.",
    "+1 to the question about measurement. We ended up with three leading indicators and one lagging "
    "one, reviewed in the same meeting every month. Anything more and principals tuned out.",
    "I would be careful with the timeline. Our rollout in {place} took twice as long as planned because "
    "we underestimated the training load on school leaders.",
    "Our research partner wrote a short brief on exactly this. The headline: implementation quality "
    "mattered far more than which model we picked.",
    "One thing that helped us: we asked principals to co-design the rubric. It slowed the first "
    "semester down and sped everything after it up.",
    "We budgeted for this with a mix of Title I and philanthropic dollars. The philanthropic part made "
    "the first year easy and the third year very hard, so plan for the cliff now.",
    "Have you looked at what {place} did? They published their whole playbook, and their {role} is an "
    "alum of this network. I can make an introduction.",
    "Counterpoint: we tried this and rolled it back after a year. The issue was not the idea, it was "
    "that we launched it in the same year as a new curriculum. Too many initiatives at once.",
    "This is great, thank you for writing it up. Saving this for our cabinet retreat next month.",
    "Our family liaisons were the difference. Once families heard about it from someone they already "
    "trusted, participation roughly doubled.",
    "From the state side: we are seeing this work best where districts set a clear goal and left "
    "schools real latitude on how to get there.",
    "The data piece is harder than it looks. Get your definitions agreed before you build the dashboard, "
    "or you will spend the first six months arguing about denominators.",
    "If it helps, our board approved it after we showed the cost per student next to the outcomes from "
    "the pilot. Framing it as a reallocation rather than new money made the difference.",
    "We are a charter network, so different constraints, but the same lesson: principals need the data "
    "on Monday morning, not at the end of the quarter.",
    "I can share the job description we used. The title mattered less than making sure the role "
    "reported to someone with authority over the schools.",
    "Would love to visit if you are open to it. A few of us from {place} are planning a trip in {month}.",
    "We paired this with a short weekly check-in for new teachers. Retention in the pilot schools went "
    "from {share} to noticeably better, though it is too early to call it causal.",
]

PENDING_NOTES = [
    "UELF cohort 2024, now at the state agency.",
    "PSDR resident, 2025. Colleague of several members here.",
    "New to CSLI this year; my program director suggested I join.",
    "Alum of the 2019 UELF cohort, back in the sector after two years away.",
    "Starting as a principal supervisor in August; referred by my PSDR coach.",
]

MONTHS = ["January", "March", "April", "June", "August", "September", "October", "November"]

# Which topic tags a category's threads are filed under: words looked up in the taxonomy.
CATEGORY_TOPICS = {
    "talent": ["talent", "teacher", "principal pipeline", "retention"],
    "data-and-analytics": ["data", "early warning", "assessment"],
    "school-turnaround": ["turnaround", "school improvement"],
    "finance-and-operations": ["finance", "budget", "operations", "transportation"],
    "family-and-community-engagement": ["family", "community"],
    "instruction-and-curriculum": ["instruction", "curriculum", "literacy", "tutoring"],
    "policy-and-governance": ["governance", "policy", "board", "accountability"],
    "leadership-and-strategy": ["leadership", "strategy", "strategic"],
    "alumni-network": [],
}

# Practices: (category slug, title, summary, problem, steps, evidence, resources)
PRACTICES = [
    ("talent", "A paid teacher residency for math and special education",
     "A one-year paid residency with a mentor teacher filled nearly every math and special education vacancy "
     "within two hiring seasons.",
     "Each August we opened with 50–60 vacancies in math and special education, filled by long-term substitutes.",
     "1. Partnered with two local universities on a one-year program\n2. Paid residents a living stipend from "
     "reallocated substitute budgets\n3. Placed residents with trained mentor teachers in the schools with the most "
     "vacancies\n4. Guaranteed residents a job offer in those schools",
     "Opening-day vacancies in the two subjects fell from 57 to 9 in two years; 84% of residents were still "
     "teaching in the district after three years.",
     "- Mentor teacher selection rubric\n- Stipend budget model"),
    ("talent", "Moving the hiring calendar from June to March",
     "Offering contracts in March instead of June let us hire from the top of the applicant pool before "
     "neighbouring districts did.",
     "Our strongest candidates accepted offers elsewhere before our budget process let principals hire.",
     "1. Ran early retirement and resignation notifications in January\n2. Gave principals provisional "
     "staffing allocations in February\n3. Opened early-contract offers in March for hard-to-staff roles",
     "Early offers went to 320 candidates; first-year teacher ratings improved and late hires halved.",
     "- Timeline one-pager for principals"),
    ("data-and-analytics", "An early-warning dashboard principals actually open",
     "A weekly attendance, behaviour and course-performance flag list, delivered to principals on Monday "
     "mornings, tripled dashboard use and cut ninth-grade course failures.",
     "Our early-warning reports were accurate but arrived quarterly, in a tool nobody opened.",
     "1. Cut the indicators to attendance, behaviour and course grades\n2. Refreshed the data nightly\n3. Emailed "
     "every principal a short list of newly flagged students each Monday\n4. Reviewed the list in the "
     "principal supervisor's weekly check-in",
     "Weekly active principals rose from 18% to 71%; ninth-grade course failures fell by a fifth in a year.",
     "- Indicator definitions\n- Sample Monday email"),
    ("data-and-analytics", "A research-practice partnership with a one-page question list",
     "Writing our research questions on one page, ranked by the decisions they inform, made our university "
     "partnership produce answers the cabinet used.",
     "Our research partner published excellent studies that answered questions we were not asking.",
     "1. Asked each cabinet member for the two decisions they dreaded most\n2. Turned them into a ranked list "
     "of questions\n3. Agreed a data-sharing agreement scoped to those questions\n4. Met quarterly to re-rank",
     "Four of the first five briefs changed a budget or policy decision within the year.",
     "- Data-sharing agreement template"),
    ("school-turnaround", "The first 90 days as a turnaround lead partner",
     "A shared 90-day plan between the district, the school leader and the lead partner made responsibilities "
     "clear and produced early wins families could see.",
     "Previous turnaround efforts stalled because nobody was sure who decided what.",
     "1. Signed a one-page decision-rights agreement\n2. Fixed three visible problems in the first month "
     "(arrival, lunch, hallways)\n3. Started weekly data meetings with teacher teams\n4. Held two family "
     "evenings before October",
     "Attendance rose 6 points in the first semester and staff retention at year end was the highest in five years.",
     "- Decision-rights template\n- 90-day plan"),
    ("finance-and-operations", "Student-based budgeting with a hold-harmless year",
     "Moving to student-based budgeting with a one-year hold-harmless cushion gave principals real choices "
     "without destabilising small schools.",
     "Staffing formulas gave schools positions, not dollars, and funding did not follow student need.",
     "1. Set weights for poverty, English learners and disability\n2. Ran a shadow budget for one year\n"
     "3. Capped any school's loss at 2% in year one\n4. Trained principals with budget partners",
     "Funding per high-need student rose 11%; principals redirected $4.2M toward tutoring and counsellors.",
     "- Weights model workbook"),
    ("finance-and-operations", "Planning for the end of one-time federal funds",
     "Sorting every one-time-funded position into keep, transition or sunset — two years early — avoided "
     "layoffs when the funds ended.",
     "One-time relief funds paid for 400 positions with no plan for what came after.",
     "1. Inventoried every funded position and contract\n2. Scored them on evidence and cost\n3. Moved the "
     "keepers onto the general fund in stages\n4. Told staff in sunset roles a full year ahead",
     "No layoffs at the cliff; three programs with strong evidence survived.",
     "- Inventory template"),
    ("family-and-community-engagement", "Two-way text messaging in families' home languages",
     "A two-way texting platform with automatic translation, staffed by family liaisons, became the main "
     "channel between schools and families.",
     "Robocalls and flyers in English reached few of our families who speak other languages at home.",
     "1. Chose a platform with translation into 12 languages\n2. Trained family liaisons to answer replies "
     "within a day\n3. Sent short, specific messages (no newsletters)",
     "Family reply rates reached 48%; conference attendance rose 19 points in the pilot schools.",
     "- Message style guide"),
    ("family-and-community-engagement", "Home visits before the first day of school",
     "Paid, voluntary teacher home visits in August built relationships that showed up in attendance.",
     "Families often met teachers for the first time when something had gone wrong.",
     "1. Trained teachers in a relationship-first visit model\n2. Paid teachers for visit time\n3. Visited "
     "in pairs, by family invitation only",
     "Chronic absenteeism among visited students was 7 points lower than among similar students.",
     ""),
    ("instruction-and-curriculum", "High-dosage tutoring built into the school day",
     "Scheduling tutoring three times a week inside the school day, with trained tutors and a fixed "
     "curriculum, raised math growth for the students furthest behind.",
     "After-school tutoring reached the students who needed it least.",
     "1. Built tutoring blocks into the master schedule\n2. Hired and trained tutors from the community\n"
     "3. Kept groups at three students or fewer\n4. Used a fixed curriculum aligned to class work",
     "Participating students gained the equivalent of several extra months of math learning.",
     "- Master schedule examples"),
    ("policy-and-governance", "Board goals with four measures, reviewed monthly",
     "Our board adopted four student-outcome goals with interim measures and now spends half of every "
     "meeting monitoring them.",
     "Board meetings were dominated by operational items and adult issues.",
     "1. Held a community listening tour\n2. Adopted four goals and two interim measures for each\n"
     "3. Put goal monitoring first on every agenda",
     "Time spent on student outcomes rose from 8% to 51% of meeting time.",
     ""),
    ("leadership-and-strategy", "A cabinet routine that ends with owners and dates",
     "Ending every cabinet meeting with a two-minute review of owners and due dates halved the number of "
     "decisions that had to be made twice.",
     "Decisions were made in cabinet and then remade in hallways.",
     "1. Kept a visible decision log\n2. Closed each meeting by reading back owners and dates\n3. Opened the "
     "next meeting with the log",
     "Re-opened decisions dropped from 11 to 5 per quarter.",
     "- Decision log template"),
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

# Curated collections: (title, description, [(practice title, curator's note)])
COLLECTIONS = [
    ("First 90 days as a turnaround lead partner",
     "For lead partners starting in a school that has been struggling for years. Read these in order: the first "
     "sets the rhythm of your weeks, the rest are what that rhythm should produce before the first report card.",
     [("The first 90 days as a turnaround lead partner",
       "Start here. The weekly walkthrough-and-debrief routine is the spine of everything else."),
      ("A cabinet routine that ends with owners and dates",
       "Use this shape for your own leadership team meetings from week one."),
      ("Home visits before the first day of school",
       "Families in turnaround schools have heard promises before; visits are how trust starts."),
      ("High-dosage tutoring built into the school day",
       "The fastest academic win available to a new partner, if the schedule is fixed before August."),
      ("Board goals with four measures, reviewed monthly",
       "So that your board and your principals watch the same four numbers you do.")]),
    ("Building a data culture",
     "Data culture is a habit, not a dashboard. These practices show districts getting leaders to **use** "
     "data in weekly decisions, from the principal's Monday email to the board's monthly review.",
     [("An early-warning dashboard principals actually open",
       "Notice what they cut: three indicators, refreshed nightly, delivered where principals already look."),
      ("A research-practice partnership with a one-page question list",
       "How to make a university partner answer the questions your cabinet is asking."),
      ("Board goals with four measures, reviewed monthly",
       "A data culture has to reach the board, or it stops at the cabinet door."),
      ("A cabinet routine that ends with owners and dates",
       "Every data review should end the way these meetings do: an owner and a date.")]),
    ("Fixing the hiring season",
     "Three practices for talent leads who open every August with vacancies: earlier offers, a residency "
     "pipeline, and the budget rules that make both possible.",
     [("Moving the hiring calendar from June to March",
       "The cheapest change here, and the one that makes the others work."),
      ("A paid teacher residency for math and special education",
       "For the subjects an earlier calendar alone will not fill."),
      ("Student-based budgeting with a hold-harmless year",
       "Principals can only hire early when they know their allocation early.")]),
]
FEATURED = ["A paid teacher residency for math and special education",
            "An early-warning dashboard principals actually open",
            "Two-way text messaging in families' home languages"]


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

DEMO_PROPOSALS = ["Mentor stipends", "Attendance nudges"]
