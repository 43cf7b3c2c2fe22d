"""The demo catalog: ~3,000 products across trades, 8 branches with stock, company price lists.

Deterministic (seeded random), bulk inserts only, idempotent: nothing is created when products
already exist, except price lists for given companies that have none yet.
"""

from __future__ import annotations

import random
import uuid
from decimal import Decimal
from itertools import product as combos
from typing import Any

from stdnum import ean as ean_check

from models import Branch, BranchStock, Category, CompanyArticleCode, CompanyPrice, Product, SalesUnit

CHUNK = 500
CENTS = Decimal("0.01")
U = SalesUnit

# (path, FR, NL, EN) parents before children.
CATEGORIES = [
    ("PVC", "PVC", "PVC", "PVC"),
    ("PVC/Profiles", "Profilés PVC", "PVC-profielen", "PVC profiles"),
    ("PVC/Profiles/Windows", "Profilés de fenêtre", "Raamprofielen", "Window profiles"),
    ("PVC/Profiles/Doors", "Profilés de porte", "Deurprofielen", "Door profiles"),
    ("PVC/Panels", "Panneaux PVC", "PVC-panelen", "PVC panels"),
    ("PVC/Gutters", "Gouttières", "Dakgoten", "Gutters"),
    ("Aluminium", "Aluminium", "Aluminium", "Aluminium"),
    ("Aluminium/Profiles", "Profilés aluminium", "Aluminium profielen", "Aluminium profiles"),
    ("Aluminium/Sheets", "Tôles aluminium", "Aluminium platen", "Aluminium sheets"),
    ("Wood", "Bois", "Hout", "Wood"),
    ("Wood/Panels", "Panneaux", "Panelen", "Panels"),
    ("Wood/Panels/Plywood", "Contreplaqué", "Multiplex", "Plywood"),
    ("Wood/Panels/OSB", "OSB", "OSB", "OSB"),
    ("Wood/Panels/MDF", "MDF", "MDF", "MDF"),
    ("Wood/Timber", "Bois massif", "Massief hout", "Solid timber"),
    ("Fixings", "Fixations", "Bevestiging", "Fixings"),
    ("Fixings/Screws", "Vis", "Schroeven", "Screws"),
    ("Fixings/Plugs", "Chevilles", "Pluggen", "Wall plugs"),
    ("Fixings/Anchors", "Ancrages", "Verankeringen", "Anchors"),
    ("Sealants", "Mastics et colles", "Kitten en lijmen", "Sealants and adhesives"),
    ("Sealants/Silicones", "Silicones", "Siliconen", "Silicones"),
    ("Sealants/Foams", "Mousses PU", "PU-schuim", "PU foams"),
    ("Sealants/Adhesives", "Colles", "Lijmen", "Adhesives"),
    ("Glass", "Verre", "Glas", "Glass"),
    ("Glass/Double", "Double vitrage", "Dubbele beglazing", "Double glazing"),
    ("Glass/Laminated", "Verre feuilleté", "Gelaagd glas", "Laminated glass"),
    ("Tools", "Outillage", "Gereedschap", "Tools"),
    ("Tools/Hand", "Outils à main", "Handgereedschap", "Hand tools"),
    ("Tools/Power", "Électroportatif", "Elektrisch gereedschap", "Power tools"),
    ("Tools/Measuring", "Mesure", "Meetgereedschap", "Measuring tools"),
]

COLOURS = [
    ("blanc", "wit", "white"),
    ("anthracite", "antraciet", "anthracite"),
    ("chêne doré", "golden eik", "golden oak"),
    ("noir", "zwart", "black"),
    ("gris", "grijs", "grey"),
]
ALU = [
    ("brut", "blank", "mill finish"),
    ("anodisé", "geanodiseerd", "anodised"),
    ("laqué blanc", "wit gelakt", "white lacquered"),
]

# Families per leaf category: (category, SKU prefix, (FR, NL, EN), unit, order multiple, minimum,
# price range, brands, variant lists). A variant list holds either (FR, NL, EN) words or a plain
# string shared by every language (dimensions); products are all combinations.
FAMILIES: list[tuple[Any, ...]] = [
    (
        "PVC/Profiles/Windows",
        "PW",
        ("Profilé dormant", "Kaderprofiel", "Frame profile"),
        U.METER,
        6,
        6,
        (4, 14),
        ["Deceuninck", "Veka", "Rehau"],
        [["70 mm", "76 mm", "82 mm"], COLOURS, ["6,5 m", "6 m"]],
    ),
    (
        "PVC/Profiles/Windows",
        "PW",
        ("Profilé ouvrant", "Vleugelprofiel", "Sash profile"),
        U.METER,
        6,
        6,
        (5, 16),
        ["Deceuninck", "Veka", "Rehau"],
        [["70 mm", "76 mm", "82 mm"], COLOURS, ["6,5 m", "6 m"]],
    ),
    (
        "PVC/Profiles/Windows",
        "PW",
        ("Parclose", "Glaslat", "Glazing bead"),
        U.METER,
        6,
        6,
        (1, 4),
        ["Deceuninck", "Veka"],
        [["18 mm", "24 mm", "28 mm", "32 mm"], COLOURS],
    ),
    (
        "PVC/Profiles/Doors",
        "PD",
        ("Profilé de porte", "Deurprofiel", "Door profile"),
        U.METER,
        6,
        6,
        (8, 22),
        ["Deceuninck", "Rehau"],
        [["70 mm", "82 mm"], COLOURS, [("vantail", "vleugel", "leaf")]],
    ),
    (
        "PVC/Profiles/Doors",
        "PD",
        ("Seuil de porte", "Deurdorpel", "Door sill"),
        U.PIECE,
        1,
        1,
        (18, 45),
        ["Deceuninck", "Rehau"],
        [["1000 mm", "1200 mm", "1500 mm", "2000 mm"], COLOURS],
    ),
    (
        "PVC/Panels",
        "PP",
        ("Panneau de revêtement", "Bekledingspaneel", "Cladding panel"),
        U.SQUARE_METER,
        1,
        1,
        (12, 35),
        ["Deceuninck", "Fortex"],
        [["8 mm", "10 mm", "16 mm"], COLOURS, [("lisse", "glad", "smooth")]],
    ),
    (
        "PVC/Gutters",
        "PG",
        ("Gouttière", "Dakgoot", "Gutter"),
        U.METER,
        4,
        4,
        (3, 12),
        ["Martens", "Nicoll"],
        [["100 mm", "125 mm", "150 mm"], COLOURS[:4]],
    ),
    (
        "PVC/Gutters",
        "PG",
        ("Tuyau de descente", "Regenpijp", "Downpipe"),
        U.METER,
        3,
        3,
        (4, 10),
        ["Martens", "Nicoll"],
        [["Ø 80", "Ø 100"], COLOURS[:4]],
    ),
    (
        "Aluminium/Profiles",
        "AP",
        ("Tube carré", "Vierkante buis", "Square tube"),
        U.METER,
        6,
        6,
        (3, 18),
        ["Reynaers", "Schüco", "Aliplast"],
        [["20x20", "30x30", "40x40", "50x50"], ["1,5 mm", "2 mm"], ALU],
    ),
    (
        "Aluminium/Profiles",
        "AP",
        ("Cornière", "Hoekprofiel", "Angle profile"),
        U.METER,
        6,
        6,
        (2, 12),
        ["Reynaers", "Aliplast"],
        [["20x20", "30x30", "40x40", "50x30"], ["2 mm", "3 mm"], ALU],
    ),
    (
        "Aluminium/Profiles",
        "AP",
        ("Profilé de fenêtre", "Raamprofiel", "Window profile"),
        U.METER,
        6,
        6,
        (15, 40),
        ["Reynaers", "Schüco"],
        [["CS 68", "CS 77", "AWS 75"], ALU, [("dormant", "kader", "frame")]],
    ),
    (
        "Aluminium/Sheets",
        "AS",
        ("Tôle lisse", "Vlakke plaat", "Flat sheet"),
        U.SQUARE_METER,
        1,
        1,
        (18, 60),
        ["Novelis", "Aliplast"],
        [["1 mm", "1,5 mm", "2 mm", "3 mm"], ALU, ["1000x2000", "1250x2500"]],
    ),
    (
        "Wood/Panels/Plywood",
        "WP",
        ("Contreplaqué", "Multiplex", "Plywood"),
        U.PIECE,
        1,
        1,
        (18, 95),
        ["Garnica", "Plexwood"],
        [["bouleau", "berken", "birch"], ["9 mm", "12 mm", "15 mm", "18 mm", "21 mm"], ["2500x1220", "3050x1525"]],
    ),
    (
        "Wood/Panels/OSB",
        "WO",
        ("Panneau OSB/3", "OSB/3-plaat", "OSB/3 board"),
        U.PIECE,
        1,
        1,
        (9, 40),
        ["Kronospan", "Egger"],
        [
            ["9 mm", "12 mm", "15 mm", "18 mm", "22 mm"],
            ["2500x1250", "2440x1220"],
            [("bords droits", "rechte kanten", "square edge")],
        ],
    ),
    (
        "Wood/Panels/MDF",
        "WM",
        ("Panneau MDF", "MDF-plaat", "MDF board"),
        U.PIECE,
        1,
        1,
        (12, 70),
        ["Egger", "Unilin"],
        [
            ["6 mm", "12 mm", "18 mm", "22 mm"],
            [
                ("standard", "standaard", "standard"),
                ("hydrofuge", "vochtwerend", "moisture resistant"),
                ("ignifuge", "brandvertragend", "fire retardant"),
            ],
        ],
    ),
    (
        "Wood/Timber",
        "WT",
        ("Planche raboté", "Geschaafde plank", "Planed board"),
        U.METER,
        1,
        1,
        (2, 12),
        ["Vandecasteele", "Houtland"],
        [
            ["18x75", "22x100", "28x145", "38x63", "44x70"],
            [("épicéa", "vuren", "spruce"), ("pin", "grenen", "pine"), ("chêne", "eik", "oak")],
        ],
    ),
    (
        "Wood/Timber",
        "WT",
        ("Poutre", "Balk", "Beam"),
        U.CUBIC_METER,
        1,
        1,
        (380, 900),
        ["Vandecasteele", "Houtland"],
        [["63x150", "75x200", "100x100"], [("épicéa", "vuren", "spruce"), ("douglas", "douglas", "douglas fir")]],
    ),
    (
        "Fixings/Screws",
        "FS",
        ("Vis à bois", "Houtschroef", "Wood screw"),
        U.BOX,
        1,
        1,
        (4, 30),
        ["Spax", "Fischer", "Würth"],
        [
            ["3,5x30", "4x40", "4x50", "5x60", "5x80", "6x100", "6x120"],
            [("zinguée", "verzinkt", "zinc plated"), ("inox", "rvs", "stainless")],
            [("boîte 200", "doos 200", "box of 200")],
        ],
    ),
    (
        "Fixings/Screws",
        "FS",
        ("Vis de châssis", "Kozijnschroef", "Frame screw"),
        U.BOX,
        1,
        1,
        (12, 45),
        ["Spax", "Fischer"],
        [["7,5x72", "7,5x92", "7,5x112", "7,5x132", "7,5x152", "7,5x182"], [("boîte 100", "doos 100", "box of 100")]],
    ),
    (
        "Fixings/Plugs",
        "FP",
        ("Cheville nylon", "Nylon plug", "Nylon wall plug"),
        U.BOX,
        1,
        1,
        (3, 20),
        ["Fischer", "Würth"],
        [
            ["5 mm", "6 mm", "8 mm", "10 mm", "12 mm"],
            [("universelle", "universeel", "universal"), ("plaque de plâtre", "gipsplaat", "plasterboard")],
        ],
    ),
    (
        "Fixings/Anchors",
        "FA",
        ("Goujon d'ancrage", "Keilbout", "Wedge anchor"),
        U.PACK,
        1,
        1,
        (8, 40),
        ["Fischer", "Hilti"],
        [
            ["M8x75", "M10x90", "M12x110", "M16x145"],
            [("zingué", "verzinkt", "zinc plated"), ("inox A4", "rvs A4", "stainless A4")],
        ],
    ),
    (
        "Sealants/Silicones",
        "SS",
        ("Silicone sanitaire", "Sanitair siliconen", "Sanitary silicone"),
        U.PIECE,
        12,
        12,
        (4, 12),
        ["Soudal", "Den Braven", "Sika"],
        [COLOURS + [("transparent", "transparant", "clear")], ["300 ml", "310 ml"]],
    ),
    (
        "Sealants/Silicones",
        "SS",
        ("Mastic façade", "Gevelkit", "Facade sealant"),
        U.PIECE,
        12,
        12,
        (6, 15),
        ["Soudal", "Sika"],
        [COLOURS, ["290 ml", "600 ml"]],
    ),
    (
        "Sealants/Foams",
        "SF",
        ("Mousse PU pistolable", "PU-pistoolschuim", "Gun-grade PU foam"),
        U.PIECE,
        12,
        12,
        (7, 16),
        ["Soudal", "Den Braven", "Illbruck"],
        [
            ["750 ml", "870 ml"],
            [
                ("standard", "standaard", "standard"),
                ("basse expansion", "lage expansie", "low expansion"),
                ("coupe-feu", "brandwerend", "fire rated"),
            ],
        ],
    ),
    (
        "Sealants/Adhesives",
        "SA",
        ("Colle de montage", "Montagelijm", "Construction adhesive"),
        U.PIECE,
        12,
        12,
        (5, 14),
        ["Soudal", "Bostik", "Sika"],
        [["290 ml", "310 ml"], [("blanc", "wit", "white"), ("transparent", "transparant", "clear")]],
    ),
    (
        "Glass/Double",
        "GD",
        ("Double vitrage isolant", "Isolerende dubbele beglazing", "Insulated double glazing"),
        U.SQUARE_METER,
        1,
        1,
        (45, 140),
        ["AGC", "Saint-Gobain"],
        [["4-16-4", "4-15-4", "6-16-4", "44.2-16-4"], ["Ug 1,1", "Ug 1,0"]],
    ),
    (
        "Glass/Laminated",
        "GL",
        ("Verre feuilleté", "Gelaagd glas", "Laminated glass"),
        U.SQUARE_METER,
        1,
        1,
        (40, 120),
        ["AGC", "Saint-Gobain"],
        [["33.1", "44.2", "55.2", "66.2"], [("clair", "helder", "clear"), ("mat", "mat", "frosted")]],
    ),
    (
        "Tools/Hand",
        "TH",
        ("Cutter", "Afbreekmes", "Utility knife"),
        U.PIECE,
        1,
        1,
        (4, 25),
        ["Stanley", "Olfa", "Bahco"],
        [["9 mm", "18 mm", "25 mm"], [("standard", "standaard", "standard"), ("pro", "pro", "pro")]],
    ),
    (
        "Tools/Hand",
        "TH",
        ("Pistolet à cartouche", "Kitpistool", "Caulking gun"),
        U.PIECE,
        1,
        1,
        (8, 60),
        ["Soudal", "Cox"],
        [["310 ml", "600 ml"], [("manuel", "manueel", "manual"), ("renforcé", "versterkt", "heavy duty")]],
    ),
    (
        "Tools/Power",
        "TP",
        ("Visseuse sans fil", "Accuschroefboormachine", "Cordless drill driver"),
        U.PIECE,
        1,
        1,
        (90, 350),
        ["Makita", "Bosch", "DeWalt", "Hilti"],
        [["12 V", "18 V"], [("2 batteries", "2 accu's", "2 batteries"), ("sans batterie", "zonder accu", "body only")]],
    ),
    (
        "Tools/Power",
        "TP",
        ("Scie plongeante", "Invalcirkelzaag", "Plunge saw"),
        U.PIECE,
        1,
        1,
        (250, 700),
        ["Makita", "Festool", "Bosch"],
        [["165 mm", "190 mm"], [("filaire", "met snoer", "corded"), ("sans fil", "snoerloos", "cordless")]],
    ),
    (
        "Tools/Measuring",
        "TM",
        ("Mètre ruban", "Rolmeter", "Tape measure"),
        U.PIECE,
        1,
        1,
        (5, 30),
        ["Stanley", "Stabila"],
        [
            ["3 m", "5 m", "8 m", "10 m"],
            [("standard", "standaard", "standard"), ("magnétique", "magnetisch", "magnetic")],
        ],
    ),
    (
        "Tools/Measuring",
        "TM",
        ("Niveau à bulle", "Waterpas", "Spirit level"),
        U.PIECE,
        1,
        1,
        (15, 90),
        ["Stabila", "Sola"],
        [
            ["40 cm", "60 cm", "80 cm", "100 cm", "120 cm", "200 cm"],
            [("aluminium", "aluminium", "aluminium"), ("magnétique", "magnetisch", "magnetic")],
        ],
    ),
]

BRANCHES = [
    ("BRU", "Bruxelles - Anderlecht", "Boulevard Industriel 112", "1070", "Anderlecht", "+32 2 520 11 00"),
    ("ANR", "Antwerpen - Berchem", "Boomsesteenweg 480", "2610", "Wilrijk", "+32 3 830 21 00"),
    ("GNT", "Gent", "Ottergemsesteenweg-Zuid 731", "9000", "Gent", "+32 9 240 31 00"),
    ("LGG", "Liège - Herstal", "Rue de l'Abbaye 22", "4040", "Herstal", "+32 4 248 41 00"),
    ("NAM", "Namur", "Chaussée de Marche 600", "5101", "Erpent", "+32 81 30 51 00"),
    ("CRL", "Charleroi - Gosselies", "Rue de la Science 8", "6041", "Gosselies", "+32 71 37 61 00"),
    ("BRG", "Brugge", "Kleine Pathoekeweg 40", "8000", "Brugge", "+32 50 45 71 00"),
    ("HSL", "Hasselt", "Kempische Steenweg 293", "3500", "Hasselt", "+32 11 28 81 00"),
]
HOURS = ["Mon-Fri 7:00-17:00, Sat 8:00-12:00", "Mon-Fri 6:30-16:30, Sat 8:00-12:00", "Mon-Fri 7:00-17:30"]
TARGET = 3000
RANGES = ["", "Pro", "Premium", "Eco", "Plus", "XL", "Expert", "Basic", "Max"]


def ean13(n: int) -> str:
    """A Belgian-prefixed EAN-13 with a valid check digit."""
    base = f"5410{n:08d}"
    return base + ean_check.calc_check_digit(base)


def _words(variant: object, lang: int) -> str:
    return variant[lang] if isinstance(variant, tuple) else str(variant)


def build_products(categories: dict[str, uuid.UUID], rng: random.Random) -> list[Product]:
    """About TARGET products: every combination of each family's variants, cycled until enough."""
    plans: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = []
    for family in FAMILIES:
        plans.extend((family, combo) for combo in combos(*family[8]))
    products: list[Product] = []
    seq = 0
    while len(products) < TARGET:
        # Each round offers the same articles in another range (and mostly from another brand).
        range_name = RANGES[(seq // len(plans)) % len(RANGES)]
        for (path, prefix, names, unit, multiple, minimum, (low, high), brands, _), combo in plans:
            if len(products) >= TARGET:
                break
            seq += 1
            brand = brands[(seq + seq // len(plans)) % len(brands)]
            label = [" ".join([names[lang], *(_words(v, lang) for v in combo)]) for lang in range(3)]
            brand_name = f"{brand} {range_name}".strip()
            p = Product(
                sku=f"{prefix}-{100000 + seq}",
                ean=ean13(seq),
                name_fr=f"{label[0]} {brand_name}",
                name_nl=f"{label[1]} {brand_name}",
                name_en=f"{label[2]} {brand_name}",
                description_fr=f"{label[0]}, marque {brand}.",
                description_nl=f"{label[1]}, merk {brand}.",
                description_en=f"{label[2]}, by {brand}.",
                brand=brand,
                category_id=categories[path],
                unit=unit,
                order_multiple=Decimal(multiple),
                minimum_quantity=Decimal(minimum),
                orderable=rng.random() > 0.03,
                vat_rate=Decimal(21),
                list_price=Decimal(str(round(rng.uniform(low, high), 2))),
            )
            p.search_text = p.build_search_text()
            products.append(p)
    return products


async def seed_prices(company_ids: list, products: list[tuple[uuid.UUID, Decimal]], rng: random.Random) -> None:
    """For each company without a price list: net prices on ~15% of products, breaks on some."""
    priced = set(await CompanyPrice.filter(company_id__in=company_ids).distinct().values_list("company_id", flat=True))
    rows: list[CompanyPrice] = []
    codes: list[CompanyArticleCode] = []
    for company_id in company_ids:
        if company_id in priced:
            continue
        discount = Decimal(str(rng.choice([0.85, 0.88, 0.9, 0.92])))
        for n, (product_id, list_price) in enumerate(rng.sample(products, k=len(products) * 15 // 100)):
            net = (list_price * discount).quantize(CENTS)
            ladder = [(1, net)]
            if n % 3 == 0:  # quantity breaks: 10 and 50 units
                ladder += [(10, (net * Decimal("0.95")).quantize(CENTS)), (50, (net * Decimal("0.90")).quantize(CENTS))]
            rows += [
                CompanyPrice(company_id=company_id, product_id=product_id, minimum_quantity=Decimal(m), unit_price=p)
                for m, p in ladder
            ]
            if n < 25:  # the company's own article codes for a few products
                codes.append(CompanyArticleCode(company_id=company_id, product_id=product_id, code=f"ART-{n + 1:04d}"))
    await CompanyPrice.bulk_create(rows, batch_size=CHUNK)
    await CompanyArticleCode.bulk_create(codes, batch_size=CHUNK)


async def seed_catalog(company_ids: list) -> None:
    """Categories, ~3,000 products, 8 branches with stock for every product, price lists for the companies."""
    rng = random.Random(20240601)
    if await Product.exists():
        rows = await Product.all().values_list("id", "list_price")
        await seed_prices(company_ids, [(i, Decimal(p)) for i, p in rows], rng)
        return
    categories: dict[str, uuid.UUID] = {}
    for path, fr, nl, en in CATEGORIES:  # ~30 rows, parents first
        parent = categories.get(path.rsplit("/", 1)[0]) if "/" in path else None
        category = await Category.get_or_none(path=path) or await Category.create(
            path=path, name_fr=fr, name_nl=nl, name_en=en, parent_id=parent
        )
        categories[path] = category.id
    products = build_products(categories, rng)
    await Product.bulk_create(products, batch_size=CHUNK)
    branches = [
        Branch(code=code, name=name, line1=line1, postal_code=postal, city=city, country_code="BE", phone=phone,
               opening_hours=HOURS[i % len(HOURS)])
        for i, (code, name, line1, postal, city, phone) in enumerate(BRANCHES)
    ]  # fmt: skip
    if not await Branch.exists():
        await Branch.bulk_create(branches)
    branches = await Branch.all()
    stock = []
    for p in products:
        for b in branches:
            roll = rng.random()
            quantity = 0 if roll < 0.08 else rng.randint(1, 9) if roll < 0.25 else rng.randint(10, 400)
            stock.append(BranchStock(branch_id=b.id, product_id=p.id, quantity=Decimal(quantity) * p.order_multiple))
    await BranchStock.bulk_create(stock, batch_size=CHUNK * 2)
    await seed_prices(company_ids, [(p.id, p.list_price) for p in products], rng)
