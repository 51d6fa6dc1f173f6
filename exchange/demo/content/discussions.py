"""What the demo members discuss: categories and their subjects, and the prose of threads and replies."""
from __future__ import annotations

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
