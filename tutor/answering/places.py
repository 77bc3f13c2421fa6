"""Places a question may name: countries (French and English names and adjectives), the states of the United States,
some regions. World knowledge, not the course's: the course's own places are those of this list its text mentions."""

from __future__ import annotations

_NAMES = """
france francais francaise french | allemagne allemand allemande germany german | italie italien italienne italy
italian | espagne espagnol espagnole spain spanish | portugal portugais portugaise portuguese | belgique belge belgium
belgian | pays bas neerlandais neerlandaise netherlands dutch holland | luxembourg | autriche autrichien autrichienne
austria austrian | suisse switzerland swiss | irlande irlandais irlandaise ireland irish | danemark danois danoise
denmark danish | suede suedois suedoise sweden swedish | norvege norvegien norvegienne norway norwegian | finlande
finlandais finlandaise finland finnish | pologne polonais polonaise poland polish | hongrie hongrois hongroise hungary
hungarian | grece grec grecque greece greek | roumanie roumain roumaine romania romanian | bulgarie bulgare bulgaria
bulgarian | croatie croate croatia croatian | slovenie slovene slovenia slovenian | slovaquie slovaque slovakia slovak
| tchequie republique tcheque tcheque czechia czech | estonie estonien estonienne estonia estonian | lettonie letton
lettone latvia latvian | lituanie lituanien lituanienne lithuania lithuanian | chypre chypriote cyprus cypriot | malte
maltais maltaise malta maltese | royaume uni britannique united kingdom uk britain british angleterre anglais
england english | ecosse scotland | etats unis americain americaine united states usa america american | canada
canadien canadienne canadian | quebec quebecois | mexique mexicain mexicaine mexico mexican | bresil bresilien
bresilienne brazil brazilian | argentine argentin argentina argentinian | chili chilien chile chilean | colombie
colombia | perou peru | chine chinois chinoise china chinese | japon japonais japonaise japan japanese | coree du sud
coree coreen coreenne south korea korea korean | inde indien indienne india indian | singapour singapore | taiwan |
vietnam | indonesie indonesia | australie australien australienne australia australian | nouvelle zelande new zealand
| russie russe russia russian | ukraine ukrainien ukrainian | turquie turc turque turkey turkish | israel israelien |
arabie saoudite saudi arabia | emirats arabes unis emirats uae | egypte egypt | maroc marocain morocco | tunisie tunisia
| algerie algeria | senegal | nigeria nigerian | kenya | afrique du sud south africa | alabama | alaska | arizona |
arkansas | californie california californian | colorado | connecticut | delaware | floride florida | georgie georgia |
hawaii | idaho | illinois | indiana | iowa | kansas | kentucky | louisiane louisiana | maine | maryland |
massachusetts | michigan | minnesota | mississippi | missouri | montana | nebraska | nevada | new hampshire | new
jersey | nouveau mexique new mexico | new york | caroline du nord north carolina | dakota du nord north dakota | ohio
| oklahoma | oregon | pennsylvanie pennsylvania | rhode island | caroline du sud south carolina | dakota du sud south
dakota | tennessee | texas | utah | vermont | virginie virginia | washington | wisconsin | wyoming
"""
_MULTIWORD = {
    "pays bas",
    "royaume uni",
    "united kingdom",
    "etats unis",
    "united states",
    "republique tcheque",
    "coree du sud",
    "south korea",
    "nouvelle zelande",
    "new zealand",
    "arabie saoudite",
    "saudi arabia",
    "emirats arabes unis",
    "afrique du sud",
    "south africa",
    "new hampshire",
    "new jersey",
    "nouveau mexique",
    "new mexico",
    "new york",
    "caroline du nord",
    "north carolina",
    "dakota du nord",
    "north dakota",
    "rhode island",
    "caroline du sud",
    "south carolina",
    "dakota du sud",
    "south dakota",
}


def _places() -> frozenset[tuple[str, ...]]:
    text = " ".join(_NAMES.split())
    out: set[tuple[str, ...]] = {tuple(m.split()) for m in _MULTIWORD}
    for group in text.split("|"):
        rest = f" {group.strip()} "
        for m in sorted(_MULTIWORD, key=len, reverse=True):
            rest = rest.replace(f" {m} ", " ")
        out.update((w,) for w in rest.split())
    return frozenset(out)


PLACES: frozenset[tuple[str, ...]] = _places()
