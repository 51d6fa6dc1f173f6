"""A small hand-made taxonomy for tests: counts against it are easy to check by eye."""

TAXONOMY = {
    "programs": [
        {"slug": "uelf", "name": "Urban Education Leadership Fellowship", "short_name": "UELF"},
        {"slug": "psdr", "name": "Public School Data Residency", "short_name": "PSDR"},
    ],
    "groups": [
        {"slug": "topic", "name": "Topic", "tags": [
            {"slug": "talent-pipeline", "name": "Talent pipeline",
             "guidance": "Use this tag for recruiting and preparing teachers and leaders.",
             "aliases": [{"name": "Human capital", "program": "uelf"},
                         {"name": "Educator workforce", "program": "psdr"}]},
            {"slug": "teacher-residency", "name": "Teacher residency", "parent": "talent-pipeline",
             "guidance": "Use this tag for paid, year-long apprenticeships before teaching.",
             "aliases": [{"name": "Residency model", "program": "common"}]},
            {"slug": "family-engagement", "name": "Family engagement",
             "guidance": "Use this tag for partnering with families.",
             "aliases": [{"name": "Parent involvement", "program": "common"}]},
            {"slug": "data-and-analytics", "name": "Data and analytics", "guidance": "Dashboards and data use."},
        ]},
        {"slug": "role", "name": "Role", "tags": [
            {"slug": "principal", "name": "Principal"},
            {"slug": "superintendent", "name": "Superintendent"},
        ]},
        {"slug": "scale", "name": "Scale", "single": True, "tags": [
            {"slug": "district-wide", "name": "District-wide"},
            {"slug": "statewide", "name": "Statewide"},
        ]},
    ],
}
