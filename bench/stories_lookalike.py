#!/usr/bin/env python3
"""A seeded stream of look-alike local news for bench/stories.sh (stdlib only).

    stories_lookalike.py SEED > ARTICLES.jsonl

Several hundred incidents of the same few kinds (fires, shootings, crashes, floods, robberies,
storms, stabbings, gas explosions, drownings) on the same three days in a hundred-odd towns of a
few counties, each told by two to five outlets in their own words, plus a few big events with 20+
reports whose figures change as the days go on, plus unrelated local news. Lines have the shape of
the shared dev set: {"id", "time", "title", "text", "source", "story"}, "story" being the gold
label score.py reads, in time order.

What makes it hard is what makes real local news hard: one town's incidents share the town, its
police spokesman, its hospital and its fire chief; one county's share the sheriff and the state
police; every outlet repeats its own boilerplate. What tells two incidents apart is what real
reports of one incident share: the street, the victims' names and ages, the counts and sums.
Each outlet tells it in its own words: its own headline style, which details it gives and in what
order, its own quotes and witnesses, its own length, ages and numbers written its own way.
"""
import datetime
import json
import random
import sys

FIRST = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara
Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty
Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle
Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason Laura
Edward Sharon Jeffrey Cynthia Ryan Kathleen Jacob Amy Gary Angela Nicholas Shirley Eric Anna
Jonathan Brenda Stephen Pamela Larry Emma Justin Nicole Scott Helen Brandon Samantha Benjamin
Katherine Samuel Christine Gregory Debra Alexander Rachel Frank Carolyn Patrick Janet Raymond
Catherine Jack Maria Dennis Heather Jerry Diane Tyler Ruth Aaron Julie Jose Olivia Adam Joyce
Nathan Virginia Henry Victoria Douglas Kelly Zachary Lauren Peter Christina Kyle Joan Ethan Evelyn
Walter Judith Noah Megan Jeremy Andrea Christian Cheryl Keith Hannah Roger Jacqueline Terry Martha
Gerald Gloria Harold Teresa Sean Ann Austin Sara Carl Madison Arthur Frances Lawrence Kathryn Dylan
Janice Jesse Jean Jordan Abigail Bryan Alice Billy Judy Joe Sophia Bruce Grace Gabriel Denise Logan
Amber Albert Doris Willie Marilyn Alan Danielle Juan Beverly Wayne Isabella Elijah Theresa Randy
Diana Roy Natalie Vincent Brittany Ralph Charlotte Eugene Marie Russell Kayla Bobby Alexis Mason
Lori""".split()
LAST = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez
Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green
Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz
Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan
Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood
James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster
Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher
Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno
West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall
Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb
Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason
Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills
Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant
Dunn Kelley Spencer Hawkins Arnold Pierce Hansen Peters Santos Hart Bradley Knight Elliott
Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Ray Berry Perkins Hoffman Johnston
Matthews Pena Richards Willis Carpenter Lawrence Sandoval Kowalski Lindqvist Okafor Brennan
Abernathy Delgado Whitfield Yoder Pruitt Haskins Voss Beaumont Tillman Quintero""".split()
TOWN_HEAD = """Ash Oak Mill Pine Cedar Fair Green Brook Spring Maple Elm Stone Clear Red Har Wood
Lake River Rock North East West Glen Bridge Haw Wal Bel Wes Lin Kings""".split()
TOWN_TAIL = "field ton ville wood dale ford port burg view haven mont ridge".split()
STATES = ["Ohio", "Indiana", "Kentucky"]
COUNTY_NAMES = """Harlan Monroe Clinton Perry Greene Fayette Adams Wayne Madison Logan Scioto
Union""".split()
STREET_HEAD = """Linden Carver Main Elm Oak Maple Walnut Chestnut Sycamore Hickory Cherry Locust
Poplar Spruce Birch Willow Mulberry Laurel Magnolia Juniper Hazel Dogwood Franklin Jefferson
Madison Lincoln Grant Adams Jackson Monroe Harrison Tyler Garfield Taylor Lafayette Mercer
Church School Mill Market Bridge Water Canal Prospect Pleasant Ridge Summit Valley Orchard Meadow
Highland Lakeview Riverside Park Forest Spring Cedar Pine Broad High Court Union Liberty Academy
Sherman Wabash Kenton Dayton Gallatin Boone Shelby Clark Warren""".split()
STREET_TAIL = ["Street", "Avenue", "Road", "Drive", "Lane", "Boulevard", "Court", "Pike"]
RIVERS = """Little Miami, Scioto, Wabash, Licking, Mad, Kentucky, Whitewater, Stillwater, Green,
Big Sandy, Hocking, Muskingum""".replace("\n", " ").split(", ")
BUSINESSES = """Dollar General, Speedway, Circle K, Family Dollar, Kroger, Marathon station,
CVS pharmacy, Walgreens, Fifth Third Bank, Huntington Bank, PNC Bank, Subway, Sunoco station,
Dairy Mart, First Federal Savings, Citizens National Bank, AutoZone, Shell station""".replace(
    "\n", " ").split(", ")
VEHICLES = ["pickup truck", "sedan", "SUV", "minivan", "tractor-trailer", "motorcycle", "box truck",
            "dump truck", "Honda Civic", "Ford F-150", "Chevrolet Silverado", "Toyota Camry", "Nissan Altima",
            "Dodge Ram", "Hyundai Elantra", "Subaru Outback", "Kia Soul", "Chevrolet Malibu", "Ford Focus",
            "GMC Sierra", "Toyota Tacoma", "Honda Accord", "Jeep Cherokee", "Buick Enclave", "Mazda 3",
            "school bus", "semi", "hatchback", "van", "farm tractor", "garbage truck", "motor home"]
NUMBER_WORDS = "zero one two three four five six seven eight nine ten".split()
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
START = datetime.datetime(2026, 5, 15, 0, 0)  # a Friday; incidents fall on the next three days


class World:
    """Towns, counties, outlets and the officials they quote, drawn once from the seed."""

    def __init__(self, rng):
        self.rng = rng
        self.used_people = set()
        names = [h + t for h in TOWN_HEAD for t in TOWN_TAIL]
        rng.shuffle(names)
        self.counties = []
        for i, c in enumerate(COUNTY_NAMES):
            state = STATES[i % len(STATES)]
            self.counties.append({
                "name": f"{c} County", "short": c, "state": state,
                "sheriff": self.person(), "coroner": self.person(),
                "hospital": rng.choice([f"{c} County Memorial Hospital", f"{c} Regional Medical Center",
                                        f"Mercy Health {c}", f"St. {rng.choice(['Luke', 'Joseph', 'Mary', 'Elizabeth'])}'s Hospital"]),
                "river": RIVERS[i % len(RIVERS)],
                "highways": [f"State Route {rng.randint(3, 399)}" for _ in range(3)] + [f"U.S. {rng.choice([23, 27, 33, 35, 40, 42, 50, 52, 68, 127])}"],
                "interstate": f"Interstate {rng.choice([64, 65, 69, 70, 71, 74, 75, 275])}",
            })
        self.state_police = {s: {"spokes": self.person(), "post": rng.choice(["Post 7", "Post 12", "Post 3", "the Lancaster post", "the Wilmington post"])} for s in STATES}
        self.towns = []
        for i in range(110):
            county = self.counties[i % len(self.counties)]
            self.towns.append({
                "name": names[i], "county": county, "state": county["state"],
                "chief": self.person(), "spokes": self.person(),
                "spokes_rank": rng.choice(["Sgt.", "Lt.", "Officer", "Capt.", "Detective"]),
                "fire_chief": self.person(), "mayor": self.person(),
                "fire_rank": rng.choice(["Chief", "Battalion Chief", "Capt.", "Deputy Chief", "Assistant Chief"]),
                "tipline": f"({rng.randint(200, 989)}) {rng.randint(200, 989)}-{rng.randint(1000, 9999)}",
                "hospital": county["hospital"] if rng.random() < 0.6 else f"{names[i]} Community Hospital",
                "streets": self.streets(40),
            })
        self.outlets = self.make_outlets()

    def person(self):
        while True:
            p = (self.rng.choice(FIRST), self.rng.choice(LAST))
            if p not in self.used_people:
                self.used_people.add(p)
                return p

    def streets(self, n):
        """A town's streets: distinct, as a real town's are (hundreds; these are the ones in the news)."""
        return self.rng.sample([f"{h} {t}" for h in STREET_HEAD for t in STREET_TAIL], n)

    def make_outlets(self):
        rng = self.rng
        outlets = []
        for county in self.counties:
            c = county["short"]
            for kind, name, dom in [
                ("paper", f"The {c} County {rng.choice(['Gazette', 'Courier', 'Herald', 'Journal', 'Tribune'])}", f"{c.lower()}{rng.choice(['gazette', 'courier', 'herald', 'news'])}.com"),
                ("tv", f"W{''.join(rng.choice('ABCDEFGHKLMNPRSTVXY') for _ in range(3))} {rng.choice(['News 7', 'Channel 4', 'NewsChannel 12', 'Action News 5', '10 News'])}", None),
            ]:
                dom = dom or f"{name.split()[0].lower()}.com"
                outlets.append(self.outlet(kind, name, dom, counties={county["name"]}))
        for state in STATES:
            counties = {c["name"] for c in self.counties if c["state"] == state}
            for kind, name, dom in [
                ("paper", f"The {state} {rng.choice(['Post-Dispatch', 'Statesman', 'Register', 'Sentinel'])}", f"{state.lower()}{rng.choice(['statesman', 'register', 'sentinel'])}.com"),
                ("radio", f"{state} Public Radio", f"{state.lower()}publicradio.org"),
                ("tv", f"W{''.join(rng.choice('ABCDEFGHKLMNPRSTVXY') for _ in range(3))} {rng.choice(['First Alert 8', 'Eyewitness News 2', 'Local 12'])}", None),
            ]:
                dom = dom or f"{name.split()[0].lower()}tv.com"
                outlets.append(self.outlet(kind, name, dom, counties=counties))
        for name, dom in [("Associated Press", "apnews.com"), ("Tri-State Wire", "tristatewire.com"),
                          ("Patch", "patch.com"), ("Heartland Daily", "heartlanddaily.com")]:
            outlets.append(self.outlet("wire", name, dom, counties={c["name"] for c in self.counties}))
        return outlets

    def outlet(self, kind, name, dom, counties):
        rng = self.rng
        footers = {
            "paper": [f"Sign up for the {name} newsletter to get local news in your inbox every morning.",
                      f"Copyright 2026 {name}. All rights reserved.",
                      "Support local journalism: subscribe today for full access.", ""],
            "tv": [f"Stay with {name} for updates on this developing story.",
                   f"Download the {name.split()[0]} app for breaking news alerts.", "",
                   f"Have a news tip? Email the {name.split()[0]} newsroom."],
            "radio": [f"{name} is a member station. Support our reporting.", ""],
            "wire": ["This story has been updated.", f"Copyright 2026 The {name}. All rights reserved.", ""],
        }
        return {
            "kind": kind, "name": name, "source": dom, "counties": counties,
            "footer": rng.choice(footers[kind]),
            "dateline": kind == "wire" or rng.random() < 0.3,
            "age_style": rng.choice(["comma", "year-old", "aged"]),
            "words": rng.random() < 0.5,  # small counts in words, not digits
            "detail": rng.uniform(0.45, 0.95),  # share of the optional details it gives
            "quotes": rng.uniform(0.2, 0.9),
            "witness": rng.uniform(0.0, 0.6),
            "day_only": rng.random() < 0.15,
            "headline": rng.choice(["plain", "place_first", "colon", "lower"]),
        }


def num(n, outlet):
    return NUMBER_WORDS[n] if outlet["words"] and 0 <= n <= 10 else str(n)


def age(person, years, outlet):
    first, last = person
    style = outlet["age_style"]
    if style == "comma":
        return f"{first} {last}, {years},"
    if style == "year-old":
        return f"{years}-year-old {first} {last}"
    return f"{first} {last}, aged {years},"


def full(p):
    return f"{p[0]} {p[1]}"


def weekday(dt):
    return WEEKDAYS[dt.weekday()]


def daypart(dt):
    h = dt.hour
    return "early" if h < 6 else "morning" if h < 12 else "afternoon" if h < 17 else "evening" if h < 21 else "night"


def when(dt, rng):
    d = weekday(dt)
    return rng.choice([f"on {d}", f"{d} {daypart(dt)}" if daypart(dt) != "early" else f"early {d}",
                       f"shortly after {dt.strftime('%I').lstrip('0')} {'a.m.' if dt.hour < 12 else 'p.m.'} {d}",
                       f"around {dt.strftime('%I:%M').lstrip('0')} {'a.m.' if dt.hour < 12 else 'p.m.'} on {d}"])


def pick(rng, *options):
    return rng.choice(options)


def quote(rng, person, rank, lines):
    line = rng.choice(lines)
    return pick(rng,
                f'"{line}," said {rank} {full(person)}.',
                f'"{line}," {rank} {full(person)} said.',
                f'{rank} {full(person)} said {line[0].lower() + line[1:]}.',
                f'"{line}," {full(person)} told reporters.')


def witness(rng, world, town, lines):
    p = world.person()
    role = rng.choice(["neighbor", "resident", "witness", "passer-by", "coworker", "customer", "longtime resident"])
    line = rng.choice(lines)
    return pick(rng,
                f'"{line}," said {role} {full(p)}.',
                f'{role.capitalize()} {full(p)} said {line[0].lower() + line[1:]}.',
                f'"{line}," {full(p)}, who lives nearby, told reporters.')


# --- incident kinds: each draws its facts once; each report tells them in its own words -------


def fire(world, rng, town, at):
    place = rng.choice(["house", "apartment building", "duplex", "mobile home", "warehouse", "restaurant", "barn", "garage"])
    f = {
        "kind": "fire", "place": place, "street": rng.choice(town["streets"]), "no": rng.randint(100, 9800),
        "injured": rng.choice([0, 0, 1, 1, 2, 3]), "dead": rng.choice([0, 0, 0, 1, 2]),
        "cause": rng.choice(["a space heater", "an electrical fault", "unattended cooking", "a candle", "smoking materials", "a lightning strike", "a clothes dryer"]),
        "units": rng.randint(3, 14), "minutes": rng.choice([20, 30, 40, 45, 60, 90]),
        "displaced": rng.randint(0, 24), "damage": rng.choice([50, 80, 120, 150, 200, 250, 400, 750]),
    }
    f["victims"] = [(world.person(), rng.randint(2, 91)) for _ in range(f["dead"])]
    return f


def tell_fire(f, o, rng, town, at, world):
    t = town["name"]
    place, street = f["place"], f["street"]
    head = [
        pick(rng, f"{f['dead'] or ''} dead in {t} {place} fire".strip() if f["dead"] else f"Fire damages {place} on {street} in {t}",
             f"{t} {place} fire {'kills ' + num(f['dead'], o) if f['dead'] else 'displaces ' + str(f['displaced']) if f['displaced'] else 'under investigation'}",
             f"Crews battle {place} blaze on {t}'s {street}",
             f"Fire on {street}: {place} {'a total loss' if f['damage'] > 300 else 'heavily damaged'}"),
    ]
    lead = pick(rng,
                f"A fire {pick(rng, 'tore through', 'broke out at', 'gutted', 'heavily damaged')} a {place} on {street} in {t} {when(at, rng)}.",
                f"Firefighters were called to the {f['no']} block of {street} {when(at, rng)} after a {place} caught fire.",
                f"{t} firefighters {pick(rng, 'battled', 'fought', 'put out')} a {place} fire at {f['no']} {street} {when(at, rng)}.",
                f"Flames and heavy smoke poured from a {place} on {street} {when(at, rng)}, {t} fire officials said.")
    facts = []
    if f["dead"]:
        vs = " and ".join(age(p, a, o).rstrip(",") for p, a in f["victims"])
        facts.append(pick(rng, f"{vs} died in the fire, the {town['county']['name']} coroner said.",
                          f"The {town['county']['name']} Coroner's Office identified the {'victim' if f['dead'] == 1 else 'victims'} as {vs}.",
                          f"{num(f['dead'], o).capitalize()} {'person' if f['dead'] == 1 else 'people'} died: {vs}."))
    if f["injured"]:
        facts.append(pick(rng, f"{num(f['injured'], o).capitalize()} {'person was' if f['injured'] == 1 else 'people were'} taken to {town['hospital']}.",
                          f"{num(f['injured'], o).capitalize()} {'resident was' if f['injured'] == 1 else 'residents were'} treated for smoke inhalation at {town['hospital']}.",
                          f"Medics took {num(f['injured'], o)} to {town['hospital']} with {pick(rng, 'minor', 'non-life-threatening', 'serious')} injuries."))
    elif not f["dead"]:
        facts.append(pick(rng, "No one was hurt.", "No injuries were reported.", "Everyone inside got out safely."))
    facts.append(pick(rng, f"Investigators believe {f['cause']} started the fire.",
                      f"The cause is under investigation, though {f['cause']} is suspected.",
                      f"The state fire marshal's office is looking into the cause; {f['cause']} has not been ruled out.",
                      f"Fire officials said {f['cause']} was the likely cause."))
    facts.append(pick(rng, f"Crews from {num(f['units'], o)} departments had the fire under control in about {f['minutes']} minutes.",
                      f"It took about {f['minutes']} minutes to bring the flames under control.",
                      f"{num(f['units'], o).capitalize()} engines responded."))
    if f["displaced"]:
        facts.append(pick(rng, f"The Red Cross is helping {f['displaced']} displaced residents.",
                          f"{f['displaced']} people were left without a home, and the American Red Cross is assisting them.",
                          f"The fire displaced {f['displaced']} residents."))
    facts.append(pick(rng, f"Damage was estimated at ${f['damage']},000.", f"Officials put the loss at about ${f['damage']},000.",
                      f"The {place} is {'a total loss' if f['damage'] > 300 else 'badly damaged'}."))
    quotes = [quote(rng, town["fire_chief"], f"{town['fire_rank']}", ["Crews made a quick, aggressive attack", "The building was fully involved when we arrived",
                                                                          "It was a tough fire with a lot of smoke", "Working smoke detectors save lives"])]
    wit = ["I saw flames coming out of the windows", "It went up so fast", "We just heard people yelling and ran outside",
           "The smoke was everywhere", "I called 911 right away"]
    return head[0], lead, facts, quotes, wit


def shooting(world, rng, town, at):
    return {
        "kind": "shooting", "street": rng.choice(town["streets"]), "no": rng.randint(100, 9800),
        "victim": world.person(), "vage": rng.randint(16, 67), "died": rng.random() < 0.45,
        "suspect": world.person() if rng.random() < 0.5 else None, "sage": rng.randint(17, 55),
        "charge": rng.choice(["murder", "attempted murder", "felonious assault", "aggravated assault"]),
        "setting": rng.choice(["outside a home", "in a parking lot", "at an apartment complex", "near a gas station", "outside a bar", "in a car"]),
        "shots": rng.choice([2, 3, 4, 5, 6, 8, 10, 12]),
        "hospital_state": rng.choice(["critical", "serious", "stable"]),
    }


def tell_shooting(f, o, rng, town, at, world):
    t, street = town["name"], f["street"]
    status = "killed" if f["died"] else "wounded"
    head = pick(rng, f"{'Man' if f['victim'][0] not in FIRST[1::2] else 'Woman'} {status} in {t} shooting",
                f"{t} police investigate shooting on {street}",
                f"Shooting on {street} leaves {f['vage']}-year-old {'dead' if f['died'] else 'hurt'}",
                f"{full(f['victim'])} {'dies' if f['died'] else 'hurt'} after {t} shooting")
    lead = pick(rng,
                f"A {f['vage']}-year-old was {'shot and killed' if f['died'] else 'shot'} {f['setting']} on {street} in {t} {when(at, rng)}.",
                f"{t} police are investigating a shooting that {'killed' if f['died'] else 'injured'} {age(f['victim'], f['vage'], o)} {when(at, rng)} on {street}.",
                f"Officers found {age(f['victim'], f['vage'], o)} with gunshot wounds {f['setting']} in the {f['no']} block of {street} {when(at, rng)}.",
                f"Gunfire {f['setting']} on {street} {when(at, rng)} left one person {'dead' if f['died'] else 'wounded'}, {t} police said.")
    facts = [pick(rng, f"Police identified the victim as {age(f['victim'], f['vage'], o).rstrip(',')}.",
                  f"The victim, {age(f['victim'], f['vage'], o).rstrip(',')}, {'died at the scene' if f['died'] else 'was taken to ' + town['hospital'] + ' in ' + f['hospital_state'] + ' condition'}.",
                  f"{full(f['victim'])} {'was pronounced dead at ' + town['hospital'] if f['died'] else 'is in ' + f['hospital_state'] + ' condition at ' + town['hospital']}.")]
    if f["suspect"]:
        facts.append(pick(rng, f"Officers arrested {age(f['suspect'], f['sage'], o).rstrip(',')}, who faces a charge of {f['charge']}.",
                          f"{full(f['suspect'])}, {f['sage']}, was booked into the {town['county']['name']} jail on {f['charge']} charges.",
                          f"A suspect, {age(f['suspect'], f['sage'], o).rstrip(',')}, is in custody."))
    else:
        facts.append(pick(rng, "No arrests have been made.", "Police have not named a suspect.", "Investigators are still looking for the shooter."))
    facts.append(pick(rng, f"Witnesses reported hearing {num(f['shots'], o)} shots.", f"Neighbors said they heard {num(f['shots'], o)} or more gunshots.",
                      f"Police recovered {f['shots']} shell casings at the scene."))
    facts.append(pick(rng, f"Anyone with information is asked to call {t} police at {town['tipline']}.",
                      f"Tips can be left at {town['tipline']}.", f"Police ask anyone who saw anything to call {town['tipline']}."))
    quotes = [quote(rng, town["spokes"], town["spokes_rank"], ["We do not believe this was a random act", "This is an active investigation",
                                                                 "We are asking the public for help", "There is no danger to the public at this time"])]
    if rng.random() < 0.4:
        quotes.append(quote(rng, town["chief"], "Police Chief", ["Violence like this has no place in our city", "We will find whoever did this"]))
    wit = ["It sounded like fireworks at first", "I told my kids to get on the floor", "This is usually a quiet street",
           "I heard shots and then screaming", "We're all shaken up"]
    return head, lead, facts, quotes, wit


def crash(world, rng, town, at):
    county = town["county"]
    return {
        "kind": "crash", "road": rng.choice(county["highways"]), "mile": rng.randint(2, 60),
        "vehicles": [f"{rng.randint(1998, 2025)} {v}" if v[0].isupper() else v for v in rng.sample(VEHICLES, 2)], "dead": rng.choice([0, 1, 1, 2, 3]), "injured": rng.choice([0, 1, 2, 3, 4]),
        "drivers": [(world.person(), rng.randint(16, 84)) for _ in range(2)],
        "hours": rng.choice([2, 3, 4, 5, 6]), "cause": rng.choice(["went left of center", "ran a stop sign", "lost control on the wet road", "crossed the median", "rear-ended"]),
        "flight": rng.random() < 0.3,
    }


def tell_crash(f, o, rng, town, at, world):
    t, road = town["name"], f["road"]
    sp = world.state_police[town["state"]]
    v1, v2 = f["vehicles"]
    (d1, a1), (d2, a2) = f["drivers"]
    head = pick(rng, f"{num(f['dead'], o).capitalize() + ' killed' if f['dead'] else 'Several hurt'} in {road} crash near {t}",
                f"Crash closes {road} near {t} for hours",
                f"{t}: {v1} and {v2} collide on {road}",
                f"{'Fatal crash' if f['dead'] else 'Crash'} on {road} in {town['county']['name']}")
    lead = pick(rng,
                f"{'A' if not f['dead'] else num(f['dead'], o).capitalize()} {'person died' if f['dead'] == 1 else 'people died' if f['dead'] else 'crash injured ' + num(f['injured'], o)} {'when' if f['dead'] else 'as'} a {v1} and a {v2} collided on {road} near {t} {when(at, rng)}.",
                f"A {v1} and a {v2} collided on {road} near mile marker {f['mile']} outside {t} {when(at, rng)}, the {town['state']} State Highway Patrol said.",
                f"Troopers are investigating a crash between a {v1} and a {v2} on {road} just outside {t} {when(at, rng)}.",
                f"{road} was shut down near {t} {when(at, rng)} after a {v1} {f['cause']} and struck a {v2}.")
    facts = []
    if f["dead"]:
        facts.append(pick(rng, f"The driver of the {v1}, {age(d1, a1, o).rstrip(',')}, died at the scene.",
                          f"The {town['county']['name']} coroner identified the driver of the {v1} as {age(d1, a1, o).rstrip(',')}.",
                          f"{full(d1)}, {a1}, of {t}, was killed."))
    facts.append(pick(rng, f"The driver of the {v2}, {age(d2, a2, o).rstrip(',')}, was taken to {town['hospital']}.",
                      f"{full(d2)}, {a2}, was {'flown' if f['flight'] else 'taken'} to {town['hospital']} with {pick(rng, 'serious', 'minor', 'life-threatening')} injuries.",
                      f"{num(f['injured'], o).capitalize()} {'person was' if f['injured'] == 1 else 'people were'} hurt, including the {v2}'s driver, {full(d2)}." if f["injured"] else f"The {v2}'s driver, {full(d2)}, was not hurt."))
    facts.append(pick(rng, f"Troopers said the {v1} {f['cause']}.", f"Investigators said the {v1} appeared to have {f['cause'].replace('went', 'gone').replace('ran', 'run').replace('lost', 'lost').replace('crossed', 'crossed')}.",
                      "The cause of the crash is under investigation."))
    facts.append(pick(rng, f"The road was closed for about {num(f['hours'], o)} hours.", f"{road} reopened after {num(f['hours'], o)} hours.",
                      f"Traffic was detoured for {f['hours']} hours while crews cleared the wreck."))
    if f["flight"]:
        facts.append(pick(rng, "A medical helicopter landed on the highway.", "One person was flown from the scene by helicopter."))
    quotes = [quote(rng, sp["spokes"], "Trooper", ["Please slow down and wear your seat belt", "Speed appears to have been a factor",
                                                     "We are still reconstructing the crash", "Alcohol is not believed to be a factor"])]
    if rng.random() < 0.5:
        quotes.append(quote(rng, town["county"]["sheriff"], "Sheriff", ["It was a terrible scene", "Our deputies assisted the patrol"]))
    wit = ["I heard a loud bang and saw smoke", "Cars were backed up for miles", "That curve is dangerous", "People stopped to help right away"]
    return head, lead, facts, quotes, wit


def robbery(world, rng, town, at):
    return {
        "kind": "robbery", "business": rng.choice(BUSINESSES), "street": rng.choice(town["streets"]),
        "amount": rng.choice([300, 450, 800, 1200, 1900, 2500, 3400, 6000, 9800]),
        "weapon": rng.choice(["a handgun", "a knife", "what appeared to be a gun", "a note demanding cash"]),
        "desc": rng.choice(["a man in a gray hoodie", "two men wearing masks", "a woman in a black jacket", "a tall man in a ski mask", "a man wearing sunglasses and a red cap"]),
        "arrest": world.person() if rng.random() < 0.35 else None, "aage": rng.randint(18, 50),
        "car": rng.choice(["a silver sedan", "a dark SUV", "a white pickup", "on foot", "a blue hatchback"]),
    }


def tell_robbery(f, o, rng, town, at, world):
    t, b, street = town["name"], f["business"], f["street"]
    head = pick(rng, f"{b} on {street} robbed", f"Police seek suspect in {t} {b} robbery", f"{t} robbery: suspect took ${f['amount']:,}",
                f"Armed robbery at {t} {b}")
    lead = pick(rng,
                f"Police are looking for {f['desc']} who robbed the {b} on {street} in {t} {when(at, rng)}.",
                f"The {b} on {street} was robbed {when(at, rng)}, {t} police said.",
                f"{f['desc'].capitalize()} showed {f['weapon']} and demanded cash at the {t} {b} {when(at, rng)}.",
                f"A clerk at the {b} on {street} handed over about ${f['amount']:,} {when(at, rng)} after {f['desc']} threatened her with {f['weapon']}.")
    facts = [pick(rng, f"The robber got away with about ${f['amount']:,}.", f"About ${f['amount']:,} was taken.", f"Police did not say how much was taken."),
             pick(rng, f"The suspect left in {f['car']}." if f["car"] != "on foot" else "The suspect ran off on foot.",
                  f"Witnesses saw the robber flee {f['car'] if f['car'] == 'on foot' else 'in ' + f['car']}."),
             pick(rng, "No one was hurt.", "No employees or customers were injured.", "The clerk was shaken but unhurt.")]
    if f["arrest"]:
        facts.append(pick(rng, f"Officers later arrested {age(f['arrest'], f['aage'], o).rstrip(',')}.", f"{full(f['arrest'])}, {f['aage']}, was charged with aggravated robbery."))
    facts.append(pick(rng, f"Call {town['tipline']} with information.", f"Anyone with information should call {t} police at {town['tipline']}."))
    quotes = [quote(rng, town["spokes"], town["spokes_rank"], ["We have good surveillance video", "We are following several leads", "Please don't try to confront anyone"])]
    wit = ["I was just buying gas", "It was over in a minute", "The clerk was crying", "You never think it will happen here"]
    return head, lead, facts, quotes, wit


def flood(world, rng, town, at):
    county = town["county"]
    return {"kind": "flood", "river": county["river"], "crest": round(rng.uniform(14, 31), 1), "flood_stage": rng.choice([12, 14, 16, 18]),
            "rain": round(rng.uniform(2, 7), 1), "homes": rng.randint(12, 240), "roads": rng.sample(town["streets"], 3),
            "rescues": rng.randint(0, 14), "manager": world.person(), "shelter": f"{town['name']} {rng.choice(['High School', 'Community Center', 'First Baptist Church', 'Middle School'])}"}


def tell_flood(f, o, rng, town, at, world):
    t = town["name"]
    head = pick(rng, f"{f['river']} River floods {t}", f"{t} residents flee rising water", f"Flooding closes roads in {t}",
                f"{f['homes']} homes evacuated in {t} as river rises")
    lead = pick(rng,
                f"The {f['river']} River spilled over its banks in {t} {when(at, rng)} after {f['rain']} inches of rain.",
                f"Residents of {f['homes']} homes in {t} were told to leave {when(at, rng)} as the {f['river']} River rose.",
                f"Floodwater covered streets in low-lying parts of {t} {when(at, rng)}, {town['county']['name']} emergency officials said.",
                f"Heavy rain pushed the {f['river']} River past flood stage at {t} {when(at, rng)}.")
    facts = [pick(rng, f"The river is expected to crest at {f['crest']} feet, well above the {f['flood_stage']}-foot flood stage.",
                  f"Forecasters expect a crest of {f['crest']} feet.", f"The National Weather Service said the river would crest near {f['crest']} feet."),
             pick(rng, f"{', '.join(f['roads'])} are closed.", f"Roads closed include {f['roads'][0]} and {f['roads'][1]}.", f"Water covered {f['roads'][2]}."),
             pick(rng, f"A shelter is open at {f['shelter']}.", f"Evacuees can go to {f['shelter']}.")]
    if f["rescues"]:
        facts.append(pick(rng, f"Crews made {num(f['rescues'], o)} water rescues.", f"Firefighters pulled {num(f['rescues'], o)} people from stranded cars."))
    quotes = [quote(rng, f["manager"], f"{town['county']['name']} Emergency Management Director", ["Turn around, don't drown", "We expect the water to stay high for days", "Please stay off flooded roads"])]
    wit = ["I've lived here 30 years and never seen it this high", "We moved everything upstairs", "The basement is gone"]
    return head, lead, facts, quotes, wit


def storm(world, rng, town, at):
    return {"kind": "storm", "wind": rng.choice([58, 60, 65, 70, 75, 80, 90]), "outages": rng.choice([800, 1500, 2300, 4100, 6500, 12000]),
            "utility": rng.choice(["AEP", "Duke Energy", "Dayton Power and Light", "Kentucky Utilities", "Vectren", "FirstEnergy"]),
            "streets": rng.sample(town["streets"], 2), "tornado": rng.random() < 0.3, "injured": rng.choice([0, 0, 1, 2]),
            "meteorologist": world.person(), "hail": rng.choice(["golf ball", "quarter", "ping pong ball", "pea"])}


def tell_storm(f, o, rng, town, at, world):
    t = town["name"]
    head = pick(rng, f"Storm {'spawns tornado' if f['tornado'] else 'knocks out power'} in {t}", f"{t} cleans up after {f['wind']} mph winds",
                f"{f['outages']:,} without power in {t} after storms", f"Trees down across {t}")
    lead = pick(rng,
                f"Severe storms with winds up to {f['wind']} mph {pick(rng, 'tore through', 'swept across', 'battered')} {t} {when(at, rng)}.",
                f"{'A tornado touched down' if f['tornado'] else 'Straight-line winds toppled trees'} in {t} {when(at, rng)}, the National Weather Service said.",
                f"Thousands of {t} residents lost power {when(at, rng)} when storms brought down trees and lines.",
                f"Storm damage was reported on {f['streets'][0]} and {f['streets'][1]} in {t} {when(at, rng)}.")
    facts = [pick(rng, f"{f['utility']} reported {f['outages']:,} customers without power.", f"About {f['outages']:,} {f['utility']} customers lost electricity.",
                  f"{f['utility']} said power should be back for most of its {f['outages']:,} affected customers by Sunday."),
             pick(rng, f"Trees fell on homes on {f['streets'][0]}.", f"Crews were clearing {f['streets'][1]} of downed limbs.", f"{f['hail'].capitalize()}-size hail was reported."),
             pick(rng, "No injuries were reported." if not f["injured"] else f"{num(f['injured'], o).capitalize()} {'person was' if f['injured'] == 1 else 'people were'} hurt by falling trees.",
                  f"Weather service surveyors will assess the damage.")]
    quotes = [quote(rng, f["meteorologist"], "National Weather Service meteorologist", ["We saw a clear rotation on radar", "These were damaging winds", "It moved through very quickly"])]
    if rng.random() < 0.5:
        quotes.append(quote(rng, town["mayor"], "Mayor", ["Our crews worked through the night", "We are thankful no one was killed"]))
    wit = ["It sounded like a train", "The whole house shook", "We hid in the basement", "The tree just missed our car"]
    return head, lead, facts, quotes, wit


def stabbing(world, rng, town, at):
    return {"kind": "stabbing", "street": rng.choice(town["streets"]), "victim": world.person(), "vage": rng.randint(17, 70),
            "suspect": world.person(), "sage": rng.randint(18, 60), "where": rng.choice(["inside a home", "outside a bar", "at a bus stop", "in an apartment"]),
            "cond": rng.choice(["critical", "stable", "serious"]), "arrested": rng.random() < 0.6}


def tell_stabbing(f, o, rng, town, at, world):
    t, street = town["name"], f["street"]
    head = pick(rng, f"{f['vage']}-year-old stabbed on {street}", f"Stabbing {f['where']} in {t} under investigation",
                f"{t} {'man' if rng.random() < 0.5 else 'woman'} charged in stabbing" if f["arrested"] else f"{t} police seek stabbing suspect")
    lead = pick(rng, f"{age(f['victim'], f['vage'], o)} was stabbed {f['where']} on {street} in {t} {when(at, rng)}.",
                f"A {f['vage']}-year-old was hurt in a stabbing {f['where']} on {street} {when(at, rng)}, {t} police said.",
                f"{t} officers responded to a stabbing in the {rng.randint(100, 2900)} block of {street} {when(at, rng)}.")
    facts = [pick(rng, f"The victim is in {f['cond']} condition at {town['hospital']}.", f"{full(f['victim'])} was taken to {town['hospital']}.")]
    facts.append(pick(rng, f"{age(f['suspect'], f['sage'], o).rstrip(',')} was arrested and charged with felonious assault." if f["arrested"] else "The suspect fled before officers arrived.",
                      f"Police said {full(f['suspect'])}, {f['sage']}, knew the victim." if f["arrested"] else "Police believe the two knew each other."))
    quotes = [quote(rng, town["spokes"], town["spokes_rank"], ["This was a domestic situation", "This was not a random attack", "The investigation is ongoing"])]
    wit = ["There was a lot of yelling", "I saw blood on the sidewalk", "I saw the ambulance pull up"]
    return head, lead, facts, quotes, wit


def explosion(world, rng, town, at):
    return {"kind": "explosion", "street": rng.choice(town["streets"]), "no": rng.randint(100, 9800), "homes": rng.randint(2, 12),
            "injured": rng.randint(0, 5), "gas": rng.choice(["Columbia Gas", "Vectren", "Duke Energy", "Atmos Energy"]), "blocks": rng.randint(1, 4)}


def tell_explosion(f, o, rng, town, at, world):
    t, street = town["name"], f["street"]
    head = pick(rng, f"Gas explosion levels home on {street}", f"Blast rocks {t} neighborhood", f"{t} house explosion injures {num(f['injured'], o)}" if f["injured"] else f"No one hurt in {t} house explosion")
    lead = pick(rng, f"A house on {street} in {t} exploded {when(at, rng)}, damaging {f['homes']} nearby homes.",
                f"An explosion leveled a home at {f['no']} {street} {when(at, rng)}, {t} fire officials said.",
                f"Neighbors {f['blocks']} blocks away felt the blast when a home on {street} blew up {when(at, rng)}.")
    facts = [pick(rng, f"{f['gas']} crews shut off gas to the area.", f"{f['gas']} said it was checking its lines near {street}.", "A natural gas leak is the suspected cause."),
             pick(rng, f"{num(f['injured'], o).capitalize()} people were taken to {town['hospital']}." if f["injured"] else "No one was home at the time.",
                  f"{f['homes']} homes were damaged.")]
    quotes = [quote(rng, town["fire_chief"], town["fire_rank"], ["If you smell gas, get out and call 911", "It is a miracle no one was killed", "The house was flattened"])]
    wit = ["It felt like an earthquake", "Our windows blew in", "Debris was everywhere"]
    return head, lead, facts, quotes, wit


def drowning(world, rng, town, at):
    return {"kind": "drowning", "water": f"{rng.choice(['Lake', 'Reservoir', 'Pond'])} {rng.choice(LAST)}" if rng.random() < 0.5 else f"the {town['county']['river']} River",
            "victim": world.person(), "vage": rng.randint(6, 72), "hours": rng.randint(1, 9), "boat": rng.random() < 0.4}


def tell_drowning(f, o, rng, town, at, world):
    t = town["name"]
    water = f["water"] if f["water"].startswith("the") else f["water"]
    head = pick(rng, f"Body recovered from {water} near {t}", f"{f['vage']}-year-old drowns in {water}", f"Search ends in tragedy at {water}")
    lead = pick(rng, f"Divers recovered the body of {age(f['victim'], f['vage'], o).rstrip(',')} from {water} near {t} {when(at, rng)}.",
                f"A {f['vage']}-year-old drowned in {water} {when(at, rng)}, the {town['county']['name']} Sheriff's Office said.",
                f"{'A boater' if f['boat'] else 'A swimmer'} went under in {water} near {t} {when(at, rng)} and did not resurface.")
    facts = [pick(rng, f"The search lasted {num(f['hours'], o)} hours.", f"Crews searched for about {f['hours']} hours."),
             pick(rng, f"The victim was identified as {full(f['victim'])}, {f['vage']}.", f"{full(f['victim'])} was {'not wearing a life jacket' if f['boat'] else 'swimming with friends'}.")]
    quotes = [quote(rng, town["county"]["sheriff"], "Sheriff", ["Our hearts go out to the family", "Always wear a life jacket", "The water is colder than it looks"])]
    wit = ["We saw the divers go in", "It's so sad", "Kids swim there every summer"]
    return head, lead, facts, quotes, wit


KINDS = [(fire, tell_fire, 5), (shooting, tell_shooting, 4), (crash, tell_crash, 5), (robbery, tell_robbery, 3),
         (flood, tell_flood, 1), (storm, tell_storm, 2), (stabbing, tell_stabbing, 2), (explosion, tell_explosion, 1),
         (drowning, tell_drowning, 1)]


ORDINAL = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "10th", "11th", "12th"]
WHAT = {"fire": "fire", "shooting": "shooting", "crash": "fatal crash", "robbery": "robbery", "flood": "flood",
        "storm": "storm", "stabbing": "stabbing", "explosion": "gas explosion", "drowning": "drowning"}


def background(world, rng, town, kind):
    """What every report of one incident may add besides the event itself: who helped, how it
    fits the year's tally. Drawn once per incident; each report words it its own way."""
    county = town["county"]
    others = [t for t in world.towns if t["county"] is county and t is not town]
    helpers = rng.sample(others, min(2, len(others)))
    tally = rng.randint(2, 12)
    what = WHAT[kind]
    lines = [[f"Crews from {' and '.join(h['name'] for h in helpers)} assisted.",
              f"{town['name']} was helped by departments from {helpers[0]['name']}" + (f" and {helpers[1]['name']}." if len(helpers) > 1 else "."),
              f"Mutual aid came from {helpers[-1]['name']}."],
             [f"It was the {ORDINAL[tally - 1]} {what} in {town['name']} this year.",
              f"{town['name']} has seen {tally} {what}s so far this year, according to city records.",
              f"This year {county['name']} has recorded {tally + rng.randint(3, 20)} incidents of this kind."]]
    return [ls for ls in lines if rng.random() < 0.6]


def aside(world, rng, town, kind, outlet):
    """One report's own aside: nothing the other reports of its incident share."""
    other = rng.choice(world.towns)
    what = WHAT[kind]
    return rng.choice([
        "This is a developing story and will be updated.",
        f"{outlet['name']} has reached out to {town['name']} officials for more information.",
        f"Earlier this week, a {what} in {other['name']} drew a large response.",
        f"The {county_of(town)} Sheriff's Office and the {town['state']} State Highway Patrol were also at the scene.",
        f"Check back with {outlet['name']} for more details as they become available.",
        f"Last month {other['name']} officials warned residents about a rise in {what}s.",
        "Officials did not immediately release more information.",
        f"Reporter {full(world.person())} contributed to this report.",
    ])


def county_of(town):
    return town["county"]["name"]


def render(world, rng, town, at, facts_tuple, outlet, kind="fire", context=()):
    """One outlet's report: its headline, its lead, the details it gives, its quotes."""
    head, lead, facts, quotes, wit = facts_tuple
    facts = list(facts) + [rng.choice(ls) for ls in context]
    title = head
    if outlet["headline"] == "place_first" and not title.startswith(town["name"]):
        title = f"{town['name']}: {title[0].lower() + title[1:]}"
    elif outlet["headline"] == "lower":
        title = title[0] + title[1:].lower().replace(town["name"].lower(), town["name"])
    kept = [x for x in facts if rng.random() < outlet["detail"]] or facts[:1]
    rng.shuffle(kept)
    body = [lead] + kept[: rng.randint(1, len(kept))] if len(kept) > 2 and rng.random() < 0.3 else [lead] + kept
    if rng.random() < outlet["quotes"]:
        body.insert(rng.randint(1, len(body)), rng.choice(quotes))
    if rng.random() < outlet["witness"]:
        body.insert(rng.randint(1, len(body)), witness(rng, world, town, wit))
    if rng.random() < 0.5:
        body.append(aside(world, rng, town, kind, outlet))
    if outlet["dateline"]:
        tag = {"wire": f" ({outlet['name'].split()[0] if outlet['name'] != 'Associated Press' else 'AP'})", "paper": "", "tv": "", "radio": ""}[outlet["kind"]]
        body[0] = f"{town['name'].upper()}, {town['state']}{tag} — {body[0]}"
    if outlet["footer"]:
        body.append(outlet["footer"])
    return title, " ".join(body)


# --- big events: many outlets, several days, figures that change ------------------------------


def big_events(world, rng):
    events = []
    towns = rng.sample(world.towns, 4)
    t0 = towns[0]
    plant = f"{rng.choice(['Midwest', 'Tri-County', 'Valley', 'Ridgeway'])} {rng.choice(['Chemical', 'Polymers', 'Alloys', 'Fertilizer'])}"
    events.append(("explosion at " + plant, t0, [
        ("{n} workers missing after blast at {plant} in {town}", "An explosion ripped through the {plant} plant in {town} {when}, and {n} workers were unaccounted for, {county} officials said. A shelter-in-place order covered homes within {r} miles."),
        ("Death toll rises to {d} in {town} plant explosion", "The number of workers killed in the {plant} explosion in {town} rose to {d}, the {county} coroner said. {n2} others were treated at {hospital}."),
        ("{plant} blast: what we know", "Here is what we know about the explosion at the {plant} plant on {street} in {town}: it happened {when}, {d} people were killed and the cause is under investigation by the U.S. Chemical Safety Board."),
        ("Governor visits {town} after {plant} explosion", "Gov. {gov} toured the damaged {plant} plant in {town} and met families of the {d} workers killed. \"{town} is not alone,\" {gov_last} said."),
        ("Shelter order lifted near {plant}", "Residents near the {plant} plant in {town} may return home, fire chief {chief} said, after air tests showed no danger. The blast killed {d} workers."),
        ("Victims of {town} blast identified", "The {county} coroner identified the workers killed at {plant}: {victims}. The plant on {street} employs about {staff} people."),
    ], {"plant": plant}))
    t1 = towns[1]
    fest = f"{t1['name']} {rng.choice(['Strawberry Festival', 'Summer Jam', 'Riverfest', 'Heritage Days'])}"
    events.append(("shooting at " + fest, t1, [
        ("{n} shot at {fest}", "Gunfire broke out at the {fest} in {town} {when}, wounding {n} people, police said. Crowds ran from the park on {street}."),
        ("Suspect charged in {fest} shooting", "{suspect}, {sage}, was charged with {d} counts of murder and {n2} counts of attempted murder after the shooting at the {fest}, {county} prosecutor {prosecutor} said."),
        ("{town} mourns after festival shooting", "Hundreds gathered for a vigil on {street} in {town} for the {d} people killed at the {fest}. Mayor {mayor} asked the city to stand together."),
        ("{fest} shooting: {d} dead, {n2} wounded", "The toll from the {fest} shooting stood at {d} dead and {n2} wounded, {town} police chief {chief} said at a news conference."),
        ("Witnesses describe chaos at {fest}", "\"People were just running,\" one vendor said of the shooting at the {fest} in {town}. Police said {suspect} opened fire near the main stage."),
        ("FBI joins {fest} shooting investigation", "Federal agents joined {town} police in the investigation of the {fest} shooting, which killed {d}. {suspect} is held in the {county} jail."),
    ], {"fest": fest}))
    t2 = towns[2]
    events.append(("tornado in " + t2["name"], t2, [
        ("EF-{ef} tornado hits {town}", "A tornado rated EF-{ef} cut a {miles}-mile path through {town} {when}, destroying {homes} homes, the National Weather Service said."),
        ("{d} killed as tornado strikes {town}", "At least {d} people were killed when a tornado tore through {town}, {county} emergency officials said. Search crews were going house to house on {street}."),
        ("{town} tornado: how to help", "Donations for victims of the {town} tornado are being collected at {shelter}. The Red Cross has opened a shelter for the {homes} families who lost homes."),
        ("{town} begins long cleanup after tornado", "Volunteers with chainsaws lined {street} in {town} as residents began to clear debris left by the EF-{ef} tornado. Mayor {mayor} said rebuilding would take years."),
        ("Governor declares emergency after {town} tornado", "Gov. {gov} declared a state of emergency for {county} after the tornado that killed {d} in {town}."),
        ("Power back for most in {town} after tornado", "{utility} restored power to most of the {outages} customers who lost it when the tornado hit {town}."),
    ], {}))
    t3 = towns[3]
    events.append(("pileup on the interstate near " + t3["name"], t3, [
        ("{n} vehicles pile up on {interstate} near {town}", "{n} vehicles crashed in dense fog on {interstate} near {town} {when}, closing the highway in both directions, the state patrol said."),
        ("{d} dead in {interstate} fog pileup", "{d} people died and {n2} were hurt in the chain-reaction crash on {interstate} near {town}, troopers said. Trooper {trooper} said visibility was near zero."),
        ("{interstate} reopens after deadly pileup", "{interstate} reopened near {town} more than {hours} hours after the {n}-vehicle pileup that killed {d}."),
        ("Victims of {interstate} pileup named", "The {county} coroner named the {d} people killed in the {interstate} pileup near {town}: {victims}."),
        ("Fog pileup: calls for warning signs on {interstate}", "Lawmakers called for fog warning signs on {interstate} near {town} after the {n}-vehicle pileup that killed {d} people."),
    ], {}))
    return events


def big_reports(world, rng, event, day0, outlets):
    name, town, frames, extra = event
    county = town["county"]
    victims = [world.person() for _ in range(rng.randint(3, 8))]
    gov = world.person()
    facts = dict(extra, town=town["name"], county=county["name"], hospital=town["hospital"], street=rng.choice(town["streets"]),
                 n=rng.randint(12, 40), r=rng.choice([1, 2, 3]), n2=rng.randint(5, 30), staff=rng.randint(80, 600),
                 gov=full(gov), gov_last=gov[1], chief=full(town["fire_chief"]), mayor=full(town["mayor"]),
                 suspect=full(world.person()), sage=rng.randint(19, 45), prosecutor=full(world.person()),
                 ef=rng.randint(2, 4), miles=rng.randint(4, 22), homes=rng.randint(40, 300), shelter=f"{town['name']} High School",
                 utility=rng.choice(["AEP", "Duke Energy", "FirstEnergy"]), outages=f"{rng.randint(4, 30)},{rng.randint(100, 999)}",
                 interstate=county["interstate"], trooper=full(world.state_police[town["state"]]["spokes"]), hours=rng.randint(8, 20),
                 victims=", ".join(f"{full(v)}, {rng.randint(19, 80)}" for v in victims))
    out = []
    count = rng.randint(22, 34)
    at0 = day0 + datetime.timedelta(hours=rng.randint(6, 20))
    for k in range(count):
        outlet = rng.choice(outlets)
        # Early reports tell the first news; later ones move on to the toll, the victims, the aftermath.
        frame = frames[max(0, min(len(frames) - 1, int(k * len(frames) / count + rng.uniform(-1.5, 1.5))))]
        # The toll rises over the first day, as it does.
        d = max(1, len(victims) - max(0, 3 - k // 4))
        f = dict(facts, d=d, when=when(at0, rng))
        title = frame[0].format(**f)
        text = frame[1].format(**f)
        extra_lines = [f"{f['county']} Sheriff {full(county['sheriff'])} said deputies were helping.",
                       f"Mayor {f['mayor']} thanked first responders.",
                       f"The American Red Cross opened a shelter at {f['shelter']}.",
                       f"Officials will give an update at {rng.choice([9, 10, 11, 2, 3, 4])} {'a.m' if k % 2 else 'p.m'}.",
                       witness(rng, world, town, ["I've never seen anything like it", "We're all in shock", "It could have been any of us", "Everyone knows someone affected"])]
        text = " ".join([text] + rng.sample(extra_lines, rng.randint(1, 4)) + ([outlet["footer"]] if outlet["footer"] else []))
        if outlet["dateline"]:
            text = f"{town['name'].upper()}, {town['state']} — {text}"
        at = at0 + datetime.timedelta(minutes=30 + k * rng.randint(40, 140))
        out.append((at, outlet, title, text))
    return out


# --- unrelated local news ----------------------------------------------------------------------


def filler(world, rng, town, at):
    """An unrelated local story: sports, councils, schools, shops, events. Its sentences are
    drawn from a pool, so two towns' council meetings are not one text with the names swapped."""
    p, q = world.person(), world.person()
    t = town["name"]
    st = rng.choice(town["streets"])
    n = rng.randint(3, 90)
    amount = round(rng.uniform(0.8, 30.0), 1)
    school = f"{t} {rng.choice(['High School', 'Central', 'North', 'Academy'])}"
    rival = f"{rng.choice(world.towns)['name']} {rng.choice(['High School', 'Central', 'Catholic'])}"
    s1, s2 = rng.randint(14, 48), rng.randint(7, 13)
    sport = rng.choice(["basketball", "baseball", "softball", "soccer", "volleyball", "lacrosse"])
    biz = rng.choice(["The Daily Grind", "Rosie's Diner", "Main Street Hardware", "Blue Door Bakery", "Peak Fitness",
                      "Sunrise Pediatrics", "Harvest Market", "Copper Kettle Brewing", "Second Chapter Books", "Lucky Paws Grooming"])
    topics = [
        (f"{school} {sport} tops {rival} {s1}-{s2}", [
            f"{full(p)} led {school} with {rng.randint(3, 31)} {rng.choice(['points', 'runs batted in', 'saves', 'kills'])} in a {s1}-{s2} win over {rival}.",
            f"Coach {full(q)} said the {sport} team's defense made the difference.",
            f"The win puts {school} at {rng.randint(8, 20)}-{rng.randint(1, 9)} this season.",
            f"{rival} had won the last {rng.randint(2, 5)} meetings.",
            f"Next up for {school} is the sectional opener on {rng.choice(WEEKDAYS)}.",
            f"Senior {full(world.person())} added {rng.randint(2, 12)} in the second half."]),
        (f"{t} council {rng.choice(['approves', 'passes', 'OKs'])} ${amount} million budget", [
            f"The {t} City Council voted {rng.randint(4, 7)}-{rng.randint(0, 2)} to approve a ${amount} million budget.",
            f"Council member {full(p)} voted against it, citing the cost of a new {rng.choice(['fire station', 'water tower', 'salt barn', 'police cruiser fleet'])}.",
            f"City workers get a {rng.choice([2, 2.5, 3, 3.5])} percent raise.",
            f"Finance director {full(q)} said property tax rates stay the same.",
            f"Residents spoke for {n} minutes during public comment, mostly about {st}.",
            f"The budget takes effect July 1."]),
        (f"{biz} opens on {st} in {t}", [
            f"{biz} opened on {st} in downtown {t} this week.",
            f"Owner {full(p)} said the shop had been a dream since {rng.randint(1995, 2020)}.",
            f"It employs {rng.randint(3, 25)} people and is open {rng.choice(['seven days a week', 'Tuesday through Saturday', 'weekdays'])}.",
            f"A ribbon cutting with Mayor {full(town['mayor'])} is planned for {rng.choice(WEEKDAYS)}.",
            f"The building on {st} had been empty for {rng.randint(2, 11)} years."]),
        (f"{t} schools name {full(p)} superintendent", [
            f"The {t} school board chose {full(p)} as its next superintendent.",
            f"{p[1]} has led a district in {rng.choice(STATES)} since {rng.randint(2010, 2022)}.",
            f"Board president {full(q)} said the vote was unanimous.",
            f"{p[1]} will earn ${rng.randint(120, 190)},000 a year.",
            f"The district serves about {rng.randint(900, 9000)} students."]),
        (f"{st} in {t} to close for sewer work", [
            f"A stretch of {st} in {t} will close for {rng.randint(2, 9)} weeks starting {rng.choice(WEEKDAYS)}.",
            f"City engineer {full(p)} said the ${amount} million project replaces pipes laid in the {rng.choice(['1920s', '1940s', '1950s'])}.",
            f"Detours will use {rng.choice(town['streets'])}.",
            f"Businesses on {st} will stay open, {p[1]} said."]),
        (f"{t} library turns {rng.randint(50, 150)}", [
            f"The {t} Public Library marked its anniversary with music, cake and a talk by historian {full(p)}.",
            f"Director {full(q)} said checkouts rose {n} percent last year.",
            f"The original building on {st} opened with {rng.randint(200, 3000)} books.",
            "A time capsule will be sealed in the fall."]),
        (f"Farmers market back in {t} with {rng.randint(12, 60)} vendors", [
            f"The {t} farmers market returned to {st} for the season.",
            f"Organizer {full(p)} said {rng.randint(12, 60)} vendors signed up, a record.",
            f"Shoppers lined up early for {rng.choice(['strawberries', 'asparagus', 'honey', 'sourdough', 'plants'])}.",
            f"The market runs {rng.choice(WEEKDAYS)}s through October."]),
        (f"{full(p)} to run for {t} mayor", [
            f"{full(p)}, a {rng.choice(['retired teacher', 'small-business owner', 'former council member', 'nurse'])}, will run for mayor of {t}.",
            f"{p[1]} said housing and {st} traffic are the top issues.",
            f"Incumbent Mayor {full(town['mayor'])} has not said whether {rng.choice(['he', 'she'])} will seek another term.",
            f"The primary is in {rng.choice(['August', 'September', 'March'])}."]),
        (f"{t} pool to open {rng.choice(['late', 'early'])} this summer", [
            f"The {t} municipal pool will open {rng.choice(['two weeks late', 'a week early'])} because of {rng.choice(['repairs to the filter', 'a lifeguard shortage', 'new slides'])}.",
            f"Parks director {full(p)} said season passes cost ${rng.randint(40, 120)}.",
            f"The city is hiring {rng.randint(5, 20)} lifeguards at ${rng.randint(12, 18)} an hour."]),
        (f"{t} honors {full(p)} for {rng.randint(20, 45)} years of service", [
            f"{full(p)} retired from the {t} {rng.choice(['street department', 'water works', 'parks department', 'city clerk office'])}.",
            f"Co-workers held a lunch at {rng.choice(['the VFW hall', 'City Hall', 'the community center'])}.",
            f"{p[1]} plans to {rng.choice(['fish', 'travel', 'spend time with grandchildren', 'restore a 1967 Mustang'])}."]),
    ]
    return rng.choice(topics)


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    rng = random.Random(seed)
    world = World(rng)
    rows = []

    def emit(at, outlet, title, text, story):
        at = at.replace(hour=0, minute=0, second=0) if outlet["day_only"] else at
        rows.append({"id": f"{story}-{len(rows)}", "time": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "title": title,
                     "text": text, "source": outlet["source"], "story": story})

    weights = [w for *_, w in KINDS]
    for i in range(620):
        town = rng.choice(world.towns)
        make, tell, _ = rng.choices(KINDS, weights)[0]
        at = START + datetime.timedelta(days=1 + rng.randint(0, 2), hours=rng.randint(0, 23), minutes=rng.randint(0, 59))
        facts = make(world, rng, town, at)
        near = [o for o in world.outlets if town["county"]["name"] in o["counties"]]
        reporters = rng.sample(near, min(len(near), rng.choices([2, 3, 4, 5], [4, 4, 2, 1])[0]))
        story = f"{facts['kind']}-{town['name'].lower()}-{i}"
        context = background(world, rng, town, facts["kind"])
        for outlet in reporters:
            told = tell(facts, outlet, rng, town, at, world)
            title, text = render(world, rng, town, at, told, outlet, facts["kind"], context)
            emit(at + datetime.timedelta(minutes=rng.randint(20, 26 * 60)), outlet, title, text, story)
    for j, event in enumerate(big_events(world, rng)):
        day0 = START + datetime.timedelta(days=1 + j % 3)
        near = [o for o in world.outlets if event[1]["county"]["name"] in o["counties"]]
        for at, outlet, title, text in big_reports(world, rng, event, day0, near):
            emit(at, outlet, title, text, f"big-{j}")
    for k in range(320):
        town = rng.choice(world.towns)
        at = START + datetime.timedelta(days=rng.randint(0, 3), hours=rng.randint(6, 22))
        title, pool = filler(world, rng, town, at)
        near = [o for o in world.outlets if town["county"]["name"] in o["counties"]]
        for outlet in rng.sample(near, rng.choice([1, 1, 1, 2])):
            text = " ".join(rng.sample(pool, rng.randint(min(3, len(pool)), len(pool))))
            emit(at + datetime.timedelta(minutes=rng.randint(10, 600)), outlet, title, text, f"local-{k}")
    rows.sort(key=lambda r: (r["time"], r["id"]))
    for r in rows:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
