"""The demo library: written-up practices, the collections that gather them, the featured few."""
from __future__ import annotations

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
# A collection its curator has not published yet: seen by curators only.
DRAFT_COLLECTIONS = [
    ("Budgeting for the end of relief funds",
     "Work in progress: practices for finance leads planning the first budget without one-time funds.",
     [("Planning for the end of one-time federal funds",
       "The planning calendar: which decisions have to be made a year before the money runs out."),
      ("Student-based budgeting with a hold-harmless year",
       "Start with the principals' allocation rules; the cuts are easier to explain after that."),
      ("A cabinet routine that ends with owners and dates",
       "Every reduction needs an owner and a date, or it comes back next year.")]),
]
FEATURED = ["A paid teacher residency for math and special education",
            "An early-warning dashboard principals actually open",
            "Two-way text messaging in families' home languages"]
