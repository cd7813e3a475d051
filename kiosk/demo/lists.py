"""Word lists for the synthetic demo patients (pure data, used by :mod:`kiosk.demo`).

Names are common given and family names from many languages, combined at random: no entry is
a real person. Payers, towns and streets are invented (except the public programme names
Medicare and Medicaid). Phone numbers use 555-01xx, the range reserved for fiction.
"""

from __future__ import annotations

# fmt: off
GIVEN_FEMALE = (
    "Amara", "Sofia", "Mei", "Priya", "Fatima", "Olga", "Ngozi", "Aiyana", "Keiko", "Lucia",
    "Hana", "Zainab", "Ingrid", "Rosa", "Thandiwe", "Maria", "Emily", "Grace", "Leila", "Anika",
    "Yuki", "Chloe", "Esperanza", "Dana", "Nadia", "Ruth", "Camila", "Abena", "Marisol", "Eleni",
    "Svetlana", "Kalani", "Beatriz", "Noor", "Helen", "Ava", "Imani", "Lin", "Paulina", "Sara",
)
GIVEN_MALE = (
    "Tomas", "Kwame", "Hiroshi", "Arjun", "Omar", "Dmitri", "Chinedu", "Mateo", "Wei", "Liam",
    "Elijah", "Samuel", "Rafael", "Kofi", "Jonas", "Ahmed", "Diego", "Noah", "Tariq", "Malik",
    "Sven", "Luis", "Kenji", "Ravi", "Isaac", "Andre", "Yusuf", "Marco", "Daniel", "Nikolai",
    "Tevita", "Bao", "Henry", "Felipe", "Emeka", "Joseph", "Aaron", "Ivan", "Mohammed", "Oscar",
)
FAMILY = (
    "Okafor", "Nguyen", "Garcia", "Kowalski", "Haddad", "Patel", "Johansson", "Mensah", "Tanaka",
    "Castillo", "Abernathy", "Oyelaran", "Fischer", "Rossi", "Kim", "Novak", "Santos", "Ibrahim",
    "Murphy", "Chen", "Alvarez", "Schmidt", "Kaur", "Dubois", "Mwangi", "Petrov", "Yamamoto",
    "Brennan", "Reyes", "Lindqvist", "Adeyemi", "Morales", "Whitfield", "Nakamura", "Cohen",
    "Hernandez", "Osei", "Kovacs", "Delgado", "Park", "Sullivan", "Farouk", "Lopez", "Walsh",
    "Begay", "Ortiz", "Horvat", "Singh", "Moreau", "Tran",
)
STREETS = (
    "Maple St", "Cedar Ave", "Willow Ln", "Harbor Rd", "Orchard Way", "Pine Ridge Dr",
    "Lakeview Ct", "Elm St", "Sunset Blvd", "Mill Creek Rd", "Juniper Pl", "Birch Hollow Dr",
)
TOWNS = (
    ("Riverton", "OR"), ("Maple Falls", "WA"), ("Cedar Grove", "NJ"), ("Fairhaven", "MA"),
    ("Oak Bluff", "TX"), ("Pinecrest", "FL"), ("Lakemont", "GA"), ("Brookfield", "WI"),
    ("Silver Springs", "NV"), ("Westbury", "NY"),
)
PAYERS = (
    ("Acme Health", "Gold PPO"), ("Blue Meadow PPO", "Standard"), ("Northstar Care", "HMO Select"),
    ("Evergreen Mutual", "Bronze EPO"), ("Harborview Health Plan", "Silver"),
    ("Summit Employers Trust", "Choice Plus"),
)
SENIOR_PAYERS = (
    ("Medicare", "Part B"), ("Harborview Senior Advantage", "HMO"),
)
SECONDARY_PAYERS = (
    ("Blue Meadow Medigap", "Plan G"), ("State Medicaid", "Full"),
)
ALLERGIES = (
    ("Penicillin", "hives", "moderate"), ("Sulfa drugs", "rash", "mild"),
    ("Peanuts", "throat swelling", "severe"), ("Latex", "itching", "mild"),
    ("Shellfish", "hives", "moderate"), ("Codeine", "nausea", "mild"),
    ("Bee stings", "anaphylaxis", "severe"), ("Amoxicillin", "rash", "mild"),
    ("Iodinated contrast", "hives", "moderate"), ("Eggs", "vomiting", "moderate"),
)
MEDICATIONS = (
    ("Lisinopril", "10 mg", "oral", "once daily"), ("Metformin", "500 mg", "oral", "twice daily"),
    ("Atorvastatin", "20 mg", "oral", "at bedtime"), ("Levothyroxine", "50 mcg", "oral", "daily"),
    ("Albuterol inhaler", "2 puffs", "inhaled", "as needed"),
    ("Omeprazole", "20 mg", "oral", "daily"), ("Sertraline", "50 mg", "oral", "daily"),
    ("Amlodipine", "5 mg", "oral", "daily"), ("Ibuprofen", "400 mg", "oral", "as needed"),
    ("Tiotropium", "18 mcg", "inhaled", "daily"), ("Apixaban", "5 mg", "oral", "twice daily"),
    ("Insulin glargine", "20 units", "subcutaneous", "at bedtime"),
    ("Cetirizine", "10 mg", "oral", "daily"), ("Vitamin D3", "1000 IU", "oral", "daily"),
)
ADULT_PROBLEMS = (
    "Hypertension", "Type 2 diabetes", "Hyperlipidemia", "Asthma", "GERD", "Hypothyroidism",
    "Depression", "Osteoarthritis", "COPD", "Atrial fibrillation", "Migraine", "Obesity",
)
CHILD_PROBLEMS = (
    "Asthma", "Eczema", "ADHD", "Seasonal allergies", "Recurrent otitis media",
)
SURGERIES = (
    "Appendectomy", "Cholecystectomy", "Tonsillectomy", "Knee arthroscopy", "Cesarean section",
    "Hernia repair", "Cataract surgery", "Hip replacement", "Carpal tunnel release",
)
FAMILY_CONDITIONS = (
    ("Mother", "Hypertension"), ("Father", "Type 2 diabetes"), ("Father", "Heart attack at 58"),
    ("Mother", "Breast cancer"), ("Sister", "Asthma"), ("Brother", "High cholesterol"),
    ("Maternal grandmother", "Stroke"), ("Paternal grandfather", "Colon cancer"),
)
ALCOHOL = (
    "none", "none", "socially", "2 drinks/week", "1-2 drinks/day", "quit 5 years ago",
)
COMPLAINTS: tuple[tuple[str, str, str, str, str, str], ...] = (
    # text, location, character, aggravating, relieving, timing
    ("Sore throat and fever", "throat", "scratchy, burning", "swallowing", "warm tea", "constant"),
    ("Cough for a week", "chest", "dry, hacking", "lying down", "cough drops", "worse at night"),
    ("Lower back pain after lifting boxes", "lower back", "aching",
     "bending", "ibuprofen", "constant"),
    ("Headache", "forehead", "throbbing", "bright light", "dark quiet room", "comes and goes"),
    ("Ear pain", "left ear", "sharp", "lying on that side", "nothing so far", "constant"),
    ("Burning when I pee", "lower belly", "burning",
     "urinating", "drinking water", "every time I go"),
    ("Feeling shaky and very thirsty", "whole body", "weak, shaky",
     "skipping meals", "orange juice", "several times a day"),
    ("Rash on both arms", "forearms", "itchy, red bumps", "heat", "cool shower", "since Saturday"),
    ("Short of breath climbing stairs", "chest", "tight", "exertion", "resting", "with activity"),
    ("Twisted my ankle playing soccer", "right ankle", "sharp", "walking", "ice", "constant"),
    ("Dizzy when I stand up", "head", "lightheaded",
     "standing quickly", "sitting down", "a few seconds at a time"),
    ("Stomach pain and nausea", "upper belly", "cramping", "eating", "lying still", "after meals"),
    ("Chest pressure", "center of chest", "pressure, squeezing",
     "walking", "rest", "started an hour ago"),
)
WELL_VISITS = (
    "Annual physical", "Follow-up for blood pressure", "Medication refill", "Diabetes check-up",
    "Pre-employment physical",
)
CHILD_COMPLAINTS: tuple[tuple[str, str, str, str, str, str], ...] = (
    # text, location, character, aggravating, relieving, timing
    ("Fever and pulling at ears", "ears", "fussy", "lying down", "acetaminophen", "worse at night"),
    ("Runny nose and cough", "nose and chest", "wet cough", "cold air", "humidifier", "all day"),
    ("Vomiting since last night", "belly", "crampy", "eating", "small sips", "every few hours"),
    ("Rash on the cheeks", "face", "red, dry patches", "scratching", "moisturiser", "for a week"),
)
CHILD_WELL_VISITS = (
    "Well-child check", "Vaccines", "School sports physical",
)
ONSETS = (
    "this morning", "yesterday", "2 days ago", "3 days ago", "last week", "2 weeks ago",
    "a month ago",
)
DURATIONS = (
    "hours", "1 day", "2 days", "3 days", "1 week", "2 weeks", "1 month",
)
NOTES = (
    "", "", "", "", "", "Prefers Spanish; interpreter used.", "Came with daughter.",
    "Hard of hearing: speak on the left side.", "Brought home BP log.",
)
# fmt: on
