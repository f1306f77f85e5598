"""The content behind `seed_demo`: places, pay, credential rules, employers, titles and description text.

Plain data, no database and no randomness: `postings/demo.py` draws from it with a seeded generator.
Figures are rounded approximations meant to look right on a demo board, not statistics to quote:
pay medians follow the shape of the US BLS OEWS May 2023 estimates for SOC 29-2052 (national median
$19.37/hour; highest on the West Coast, lowest in the South) and Canadian job-bank wages in CAD.
"""

# ruff: noqa: RUF001
# (Titles use the en dash the way employers write them, so the ambiguous-character rule is off here.)

from __future__ import annotations

from dataclasses import dataclass

from employers.models import Employer
from postings.models import Duty, EmploymentType, Experience, Setting, Shift


@dataclass(frozen=True)
class City:
    name: str
    latitude: float
    longitude: float
    weight: int  # rough size of the metro area, for weighting postings
    postal_codes: tuple[str, ...]  # US: real ZIP codes in the city; Canada: its forward sortation areas


@dataclass(frozen=True)
class Region:
    code: str  # ISO 3166-2
    name: str
    weight: float  # population in millions: bigger states and provinces get more postings
    median_hourly: float  # local currency
    credential: str | None  # CredentialType code a technician needs here, None where it is not regulated
    certification_mandated: bool  # the state requires PTCB or NHA certification for a full technician
    trainee_permit: bool  # the state issues trainee permits
    regulator: str
    cities: tuple[City, ...]

    @property
    def country(self) -> str:
        return self.code[:2]

    @property
    def abbreviation(self) -> str:
        return self.code[3:]


def _cities(*rows: tuple) -> tuple[City, ...]:
    return tuple(City(name, lat, lon, weight, tuple(codes.split())) for name, lat, lon, weight, codes in rows)


REG, LIC, CERT = "state-registration", "state-license", "state-certification"


def _us(code, name, weight, median, credential, *, mandated=False, trainee=False, regulator="", cities=()):
    regulator = regulator or f"{name} Board of Pharmacy"
    return Region(f"US-{code}", name, weight, median, credential, mandated, trainee, regulator, _cities(*cities))


def _ca(code, name, weight, median, regulator, *, regulated=True, cities=()):
    credential = "ca-rpht" if regulated else None
    return Region(f"CA-{code}", name, weight, median, credential, False, False, regulator, _cities(*cities))


# fmt: off
REGIONS: tuple[Region, ...] = (
    _us("AL", "Alabama", 5.1, 16.40, REG, cities=[
        ("Birmingham", 33.5186, -86.8104, 11, "35203 35205 35233"),
        ("Huntsville", 34.7304, -86.5861, 5, "35801 35805"), ("Mobile", 30.6954, -88.0399, 4, "36602 36606"),
        ("Montgomery", 32.3792, -86.3077, 4, "36104 36106")]),
    _us("AK", "Alaska", 0.7, 23.40, LIC, cities=[
        ("Anchorage", 61.2181, -149.9003, 4, "99501 99503 99508"), ("Fairbanks", 64.8378, -147.7164, 1, "99701")]),
    _us("AZ", "Arizona", 7.4, 20.30, LIC, mandated=True, trainee=True, cities=[
        ("Phoenix", 33.4484, -112.0740, 30, "85004 85006 85013"), ("Tucson", 32.2226, -110.9747, 9, "85701 85719"),
        ("Mesa", 33.4152, -111.8315, 5, "85201 85203"), ("Scottsdale", 33.4942, -111.9261, 3, "85251"),
        ("Flagstaff", 35.1983, -111.6513, 1, "86001")]),
    _us("AR", "Arkansas", 3.1, 16.60, REG, cities=[
        ("Little Rock", 34.7465, -92.2896, 7, "72201 72205"), ("Fayetteville", 36.0626, -94.1574, 4, "72701"),
        ("Fort Smith", 35.3859, -94.3985, 2, "72901")]),
    _us("CA", "California", 39.0, 24.50, LIC, regulator="California State Board of Pharmacy", cities=[
        ("Los Angeles", 34.0522, -118.2437, 60, "90012 90033 90048"),
        ("San Diego", 32.7157, -117.1611, 22, "92101 92103 92123"),
        ("San Jose", 37.3382, -121.8863, 13, "95112 95128"),
        ("San Francisco", 37.7749, -122.4194, 15, "94102 94110 94143"),
        ("Sacramento", 38.5816, -121.4944, 14, "95814 95817"), ("Fresno", 36.7378, -119.7871, 7, "93701 93721"),
        ("Oakland", 37.8044, -122.2712, 8, "94612 94609"), ("Long Beach", 33.7701, -118.1937, 6, "90802 90806"),
        ("Riverside", 33.9806, -117.3755, 9, "92501 92506"), ("Bakersfield", 35.3733, -119.0187, 5, "93301"),
        ("Anaheim", 33.8366, -117.9143, 6, "92801 92805"), ("Santa Rosa", 38.4404, -122.7141, 3, "95404")]),
    _us("CO", "Colorado", 5.9, 21.60, REG, cities=[
        ("Denver", 39.7392, -104.9903, 20, "80202 80204 80218"),
        ("Colorado Springs", 38.8339, -104.8214, 7, "80903 80909"), ("Aurora", 39.7294, -104.8319, 5, "80012 80045"),
        ("Fort Collins", 40.5853, -105.0844, 3, "80521")]),
    _us("CT", "Connecticut", 3.6, 20.50, REG, regulator="Connecticut Commission of Pharmacy", cities=[
        ("Hartford", 41.7658, -72.6734, 9, "06103 06106"), ("New Haven", 41.3083, -72.9279, 7, "06510 06511"),
        ("Bridgeport", 41.1865, -73.1952, 5, "06604"), ("Stamford", 41.0534, -73.5387, 4, "06902")]),
    _us("DE", "Delaware", 1.0, 19.00, None, cities=[
        ("Wilmington", 39.7391, -75.5398, 5, "19801 19803"), ("Dover", 39.1582, -75.5244, 2, "19901"),
        ("Newark", 39.6837, -75.7497, 2, "19711")]),
    _us("DC", "District of Columbia", 0.7, 23.00, REG, regulator="DC Board of Pharmacy", cities=[
        ("Washington", 38.9072, -77.0369, 10, "20001 20010 20037")]),
    _us("FL", "Florida", 22.6, 18.50, REG, cities=[
        ("Jacksonville", 30.3322, -81.6557, 16, "32202 32207 32209"),
        ("Miami", 25.7617, -80.1918, 30, "33125 33136 33176"), ("Tampa", 27.9506, -82.4572, 20, "33602 33606 33612"),
        ("Orlando", 28.5384, -81.3789, 18, "32801 32803 32806"),
        ("St. Petersburg", 27.7676, -82.6403, 6, "33701 33705"),
        ("Fort Lauderdale", 26.1224, -80.1373, 10, "33301 33316"),
        ("Tallahassee", 30.4383, -84.2807, 4, "32301 32308"), ("Gainesville", 29.6516, -82.3248, 3, "32601 32608"),
        ("Pensacola", 30.4213, -87.2169, 3, "32501 32503"), ("Fort Myers", 26.6406, -81.8723, 5, "33901 33908")]),
    _us("GA", "Georgia", 11.0, 18.00, REG, cities=[
        ("Atlanta", 33.7490, -84.3880, 40, "30303 30308 30322"), ("Augusta", 33.4735, -82.0105, 4, "30901 30912"),
        ("Savannah", 32.0809, -81.0912, 4, "31401 31405"), ("Columbus", 32.4610, -84.9877, 3, "31901"),
        ("Macon", 32.8407, -83.6324, 2, "31201"), ("Athens", 33.9519, -83.3576, 2, "30601")]),
    _us("HI", "Hawaii", 1.4, 22.00, None, cities=[
        ("Honolulu", 21.3069, -157.8583, 10, "96813 96814 96817"), ("Hilo", 19.7241, -155.0868, 2, "96720")]),
    _us("ID", "Idaho", 2.0, 19.00, REG, trainee=True, cities=[
        ("Boise", 43.6150, -116.2023, 8, "83702 83706"), ("Idaho Falls", 43.4917, -112.0339, 2, "83402"),
        ("Coeur d'Alene", 47.6777, -116.7805, 2, "83814")]),
    _us("IL", "Illinois", 12.5, 19.50, LIC, mandated=True, trainee=True,
        regulator="Illinois Department of Financial and Professional Regulation", cities=[
        ("Chicago", 41.8781, -87.6298, 60, "60601 60611 60612 60637"), ("Aurora", 41.7606, -88.3201, 3, "60505"),
        ("Naperville", 41.7508, -88.1535, 3, "60540"), ("Rockford", 42.2711, -89.0940, 3, "61101 61107"),
        ("Springfield", 39.7817, -89.6501, 2, "62701 62702"), ("Peoria", 40.6936, -89.5890, 3, "61602 61603"),
        ("Champaign", 40.1164, -88.2434, 2, "61820")]),
    _us("IN", "Indiana", 6.9, 18.50, LIC, trainee=True, cities=[
        ("Indianapolis", 39.7684, -86.1581, 20, "46202 46204 46260"),
        ("Fort Wayne", 41.0793, -85.1394, 4, "46802 46805"), ("Evansville", 37.9716, -87.5711, 3, "47708 47714"),
        ("South Bend", 41.6764, -86.2520, 3, "46601 46617"), ("Bloomington", 39.1653, -86.5264, 2, "47401 47403")]),
    _us("IA", "Iowa", 3.2, 18.50, REG, trainee=True, cities=[
        ("Des Moines", 41.5868, -93.6250, 7, "50309 50314"), ("Cedar Rapids", 41.9779, -91.6656, 3, "52401 52403"),
        ("Iowa City", 41.6611, -91.5302, 2, "52240 52242"), ("Davenport", 41.5236, -90.5776, 3, "52801 52803")]),
    _us("KS", "Kansas", 2.9, 18.00, REG, cities=[
        ("Wichita", 37.6872, -97.3301, 6, "67202 67214"), ("Overland Park", 38.9822, -94.6708, 4, "66210 66212"),
        ("Kansas City", 39.1141, -94.6275, 3, "66101 66160"), ("Topeka", 39.0473, -95.6752, 2, "66603 66606")]),
    _us("KY", "Kentucky", 4.5, 17.20, REG, cities=[
        ("Louisville", 38.2527, -85.7585, 12, "40202 40207"), ("Lexington", 38.0406, -84.5037, 5, "40507 40536"),
        ("Bowling Green", 36.9685, -86.4808, 2, "42101")]),
    _us("LA", "Louisiana", 4.6, 16.60, CERT, mandated=True, trainee=True, cities=[
        ("New Orleans", 29.9511, -90.0715, 10, "70112 70115 70119"),
        ("Baton Rouge", 30.4515, -91.1871, 8, "70801 70808"), ("Shreveport", 32.5252, -93.7502, 4, "71101 71103"),
        ("Lafayette", 30.2241, -92.0198, 4, "70501 70503")]),
    _us("ME", "Maine", 1.4, 19.50, LIC, cities=[
        ("Portland", 43.6591, -70.2568, 5, "04101 04102"), ("Bangor", 44.8016, -68.7712, 2, "04401")]),
    _us("MD", "Maryland", 6.2, 19.50, REG, cities=[
        ("Baltimore", 39.2904, -76.6122, 22, "21201 21202 21287"), ("Bethesda", 38.9807, -77.1003, 4, "20814"),
        ("Annapolis", 38.9784, -76.4922, 2, "21401"), ("Frederick", 39.4143, -77.4105, 2, "21701"),
        ("Silver Spring", 38.9907, -77.0261, 3, "20910")]),
    _us("MA", "Massachusetts", 7.0, 21.50, REG, trainee=True, cities=[
        ("Boston", 42.3601, -71.0589, 40, "02108 02114 02115 02215"),
        ("Worcester", 42.2626, -71.8023, 5, "01605 01608"), ("Springfield", 42.1015, -72.5898, 4, "01103 01107"),
        ("Cambridge", 42.3736, -71.1097, 3, "02138 02139"), ("Lowell", 42.6334, -71.3162, 2, "01852")]),
    _us("MI", "Michigan", 10.0, 18.50, LIC, cities=[
        ("Detroit", 42.3314, -83.0458, 35, "48201 48202 48226"), ("Grand Rapids", 42.9634, -85.6681, 8, "49503 49506"),
        ("Ann Arbor", 42.2808, -83.7430, 4, "48104 48109"), ("Lansing", 42.7325, -84.5555, 4, "48912 48933"),
        ("Kalamazoo", 42.2917, -85.5872, 2, "49007"), ("Flint", 43.0125, -83.6875, 3, "48503")]),
    _us("MN", "Minnesota", 5.7, 21.00, REG, cities=[
        ("Minneapolis", 44.9778, -93.2650, 25, "55401 55404 55455"),
        ("Saint Paul", 44.9537, -93.0900, 8, "55101 55102"), ("Rochester", 44.0121, -92.4802, 4, "55902 55905"),
        ("Duluth", 46.7867, -92.1005, 2, "55802 55805")]),
    _us("MS", "Mississippi", 2.9, 16.50, REG, cities=[
        ("Jackson", 32.2988, -90.1848, 5, "39201 39216"), ("Gulfport", 30.3674, -89.0928, 3, "39501"),
        ("Hattiesburg", 31.3271, -89.2903, 2, "39401"), ("Tupelo", 34.2576, -88.7034, 1, "38801")]),
    _us("MO", "Missouri", 6.2, 18.00, REG, cities=[
        ("Kansas City", 39.0997, -94.5786, 16, "64106 64108 64111"),
        ("St. Louis", 38.6270, -90.1994, 20, "63101 63110"), ("Springfield", 37.2090, -93.2923, 4, "65802 65804"),
        ("Columbia", 38.9517, -92.3341, 2, "65201 65212")]),
    _us("MT", "Montana", 1.1, 19.50, REG, trainee=True, cities=[
        ("Billings", 45.7833, -108.5007, 2, "59101 59102"), ("Missoula", 46.8721, -113.9940, 2, "59801"),
        ("Great Falls", 47.5053, -111.3008, 1, "59401")]),
    _us("NE", "Nebraska", 2.0, 19.00, REG, cities=[
        ("Omaha", 41.2565, -95.9345, 8, "68102 68105 68198"), ("Lincoln", 40.8136, -96.7026, 3, "68508 68510")]),
    _us("NV", "Nevada", 3.2, 20.80, REG, trainee=True, cities=[
        ("Las Vegas", 36.1699, -115.1398, 22, "89101 89102 89109"), ("Reno", 39.5296, -119.8138, 5, "89501 89502"),
        ("Henderson", 36.0395, -114.9817, 3, "89014 89052")]),
    _us("NH", "New Hampshire", 1.4, 19.50, REG, cities=[
        ("Manchester", 42.9956, -71.4548, 4, "03101 03103"), ("Nashua", 42.7654, -71.4676, 2, "03060"),
        ("Lebanon", 43.6423, -72.2518, 1, "03766"), ("Concord", 43.2081, -71.5376, 1, "03301")]),
    _us("NJ", "New Jersey", 9.3, 19.50, REG, cities=[
        ("Newark", 40.7357, -74.1724, 12, "07102 07103 07112"), ("Jersey City", 40.7178, -74.0431, 6, "07302 07306"),
        ("Paterson", 40.9168, -74.1718, 3, "07501"), ("New Brunswick", 40.4862, -74.4518, 4, "08901"),
        ("Camden", 39.9259, -75.1196, 4, "08103"), ("Trenton", 40.2206, -74.7597, 3, "08608"),
        ("Hackensack", 40.8859, -74.0435, 3, "07601")]),
    _us("NM", "New Mexico", 2.1, 19.00, REG, trainee=True, cities=[
        ("Albuquerque", 35.0844, -106.6504, 9, "87102 87106 87131"),
        ("Santa Fe", 35.6870, -105.9378, 2, "87501 87505"), ("Las Cruces", 32.3199, -106.7637, 2, "88001")]),
    _us("NY", "New York", 19.6, 20.50, None, cities=[
        ("New York", 40.7128, -74.0060, 45, "10001 10016 10032 10065"),
        ("Brooklyn", 40.6782, -73.9442, 20, "11201 11203 11215"),
        ("Bronx", 40.8448, -73.8648, 10, "10451 10461 10467"), ("Flushing", 40.7675, -73.8331, 6, "11354 11355"),
        ("Buffalo", 42.8864, -78.8784, 9, "14202 14203 14215"),
        ("Rochester", 43.1566, -77.6088, 8, "14604 14607 14642"), ("Syracuse", 43.0481, -76.1474, 5, "13202 13210"),
        ("Albany", 42.6526, -73.7562, 6, "12202 12208"), ("Staten Island", 40.5795, -74.1502, 4, "10301 10305")]),
    _us("NC", "North Carolina", 10.8, 18.30, REG, cities=[
        ("Charlotte", 35.2271, -80.8431, 22, "28202 28203 28204"), ("Raleigh", 35.7796, -78.6382, 12, "27601 27607"),
        ("Durham", 35.9940, -78.8986, 6, "27701 27710"), ("Greensboro", 36.0726, -79.7920, 6, "27401 27403"),
        ("Winston-Salem", 36.0999, -80.2442, 5, "27101 27157"), ("Chapel Hill", 35.9132, -79.0558, 2, "27514"),
        ("Asheville", 35.5951, -82.5515, 3, "28801 28803"), ("Wilmington", 34.2257, -77.9447, 3, "28401 28403")]),
    _us("ND", "North Dakota", 0.8, 21.00, REG, trainee=True, cities=[
        ("Fargo", 46.8772, -96.7898, 3, "58102 58103"), ("Bismarck", 46.8083, -100.7837, 2, "58501")]),
    _us("OH", "Ohio", 11.8, 18.50, REG, trainee=True, cities=[
        ("Columbus", 39.9612, -82.9988, 20, "43215 43210 43205"),
        ("Cleveland", 41.4993, -81.6944, 20, "44113 44106 44195"),
        ("Cincinnati", 39.1031, -84.5120, 20, "45202 45219 45229"), ("Toledo", 41.6528, -83.5379, 6, "43604 43614"),
        ("Akron", 41.0814, -81.5190, 6, "44308 44304"), ("Dayton", 39.7589, -84.1916, 7, "45402 45409"),
        ("Youngstown", 41.0998, -80.6495, 4, "44503")]),
    _us("OK", "Oklahoma", 4.1, 17.00, REG, cities=[
        ("Oklahoma City", 35.4676, -97.5164, 14, "73102 73104"), ("Tulsa", 36.1540, -95.9928, 10, "74103 74104 74136"),
        ("Norman", 35.2226, -97.4395, 2, "73069 73071")]),
    _us("OR", "Oregon", 4.2, 23.00, LIC, mandated=True, trainee=True, cities=[
        ("Portland", 45.5152, -122.6784, 22, "97201 97205 97239"), ("Eugene", 44.0521, -123.0868, 4, "97401 97403"),
        ("Salem", 44.9429, -123.0351, 4, "97301 97302"), ("Bend", 44.0582, -121.3153, 2, "97701"),
        ("Medford", 42.3265, -122.8756, 2, "97501")]),
    _us("PA", "Pennsylvania", 13.0, 18.00, None, cities=[
        ("Philadelphia", 39.9526, -75.1652, 40, "19103 19104 19107 19140"),
        ("Pittsburgh", 40.4406, -79.9959, 20, "15213 15219 15222"), ("Allentown", 40.6084, -75.4902, 6, "18101 18103"),
        ("Harrisburg", 40.2732, -76.8867, 5, "17101 17104"), ("Hershey", 40.2859, -76.6502, 2, "17033"),
        ("Erie", 42.1292, -80.0851, 3, "16501 16507"), ("Scranton", 41.4090, -75.6624, 4, "18503 18510"),
        ("Lancaster", 40.0379, -76.3055, 4, "17602 17601")]),
    _us("RI", "Rhode Island", 1.1, 19.50, LIC, cities=[
        ("Providence", 41.8240, -71.4128, 6, "02903 02906 02908"), ("Warwick", 41.7001, -71.4162, 2, "02886")]),
    _us("SC", "South Carolina", 5.4, 17.70, REG, mandated=True, cities=[
        ("Columbia", 34.0007, -81.0348, 7, "29201 29203"), ("Charleston", 32.7765, -79.9311, 7, "29401 29425"),
        ("Greenville", 34.8526, -82.3940, 7, "29601 29605"), ("Myrtle Beach", 33.6891, -78.8867, 3, "29577")]),
    _us("SD", "South Dakota", 0.9, 18.00, REG, cities=[
        ("Sioux Falls", 43.5446, -96.7311, 3, "57104 57105 57117"), ("Rapid City", 44.0805, -103.2310, 2, "57701")]),
    _us("TN", "Tennessee", 7.1, 18.00, REG, cities=[
        ("Nashville", 36.1627, -86.7816, 18, "37203 37208 37232"),
        ("Memphis", 35.1495, -90.0490, 12, "38103 38104 38105"), ("Knoxville", 35.9606, -83.9207, 8, "37902 37920"),
        ("Chattanooga", 35.0456, -85.3097, 5, "37402 37403"), ("Murfreesboro", 35.8456, -86.3903, 2, "37130")]),
    _us("TX", "Texas", 30.5, 18.70, REG, mandated=True, trainee=True,
        regulator="Texas State Board of Pharmacy", cities=[
        ("Houston", 29.7604, -95.3698, 70, "77002 77004 77030 77054"),
        ("San Antonio", 29.4241, -98.4936, 26, "78205 78229 78207"),
        ("Dallas", 32.7767, -96.7970, 45, "75201 75204 75235 75390"),
        ("Austin", 30.2672, -97.7431, 23, "78701 78705 78756"), ("Fort Worth", 32.7555, -97.3308, 20, "76102 76104"),
        ("El Paso", 31.7619, -106.4850, 9, "79901 79905"), ("Arlington", 32.7357, -97.1081, 4, "76010 76012"),
        ("Plano", 33.0198, -96.6989, 4, "75024 75093"), ("Lubbock", 33.5779, -101.8552, 3, "79401 79430"),
        ("Corpus Christi", 27.8006, -97.3964, 4, "78401 78405"), ("Temple", 31.0982, -97.3428, 2, "76502 76508"),
        ("McAllen", 26.2034, -98.2300, 5, "78501 78503"), ("Tyler", 32.3513, -95.3011, 2, "75701"),
        ("Amarillo", 35.2220, -101.8313, 2, "79101 79106")]),
    _us("UT", "Utah", 3.4, 19.50, LIC, mandated=True, trainee=True,
        regulator="Utah Division of Professional Licensing", cities=[
        ("Salt Lake City", 40.7608, -111.8910, 12, "84101 84111 84132"),
        ("Provo", 40.2338, -111.6585, 4, "84601 84604"), ("Ogden", 41.2230, -111.9738, 3, "84401 84403"),
        ("St. George", 37.0965, -113.5684, 2, "84770")]),
    _us("VT", "Vermont", 0.6, 19.50, REG, regulator="Vermont Office of Professional Regulation", cities=[
        ("Burlington", 44.4759, -73.2121, 2, "05401"), ("Rutland", 43.6106, -72.9726, 1, "05701")]),
    _us("VA", "Virginia", 8.7, 18.90, REG, trainee=True, cities=[
        ("Richmond", 37.5407, -77.4360, 12, "23219 23298"), ("Virginia Beach", 36.8529, -75.9780, 8, "23451 23462"),
        ("Norfolk", 36.8508, -76.2859, 6, "23507 23510"), ("Arlington", 38.8816, -77.0910, 5, "22201 22203"),
        ("Charlottesville", 38.0293, -78.4767, 3, "22903 22908"), ("Roanoke", 37.2710, -79.9414, 3, "24011 24014"),
        ("Fairfax", 38.8462, -77.3064, 5, "22030 22031")]),
    _us("WA", "Washington", 7.8, 24.80, LIC, mandated=True,
        regulator="Washington Pharmacy Quality Assurance Commission", cities=[
        ("Seattle", 47.6062, -122.3321, 30, "98101 98104 98195"), ("Spokane", 47.6588, -117.4260, 6, "99201 99204"),
        ("Tacoma", 47.2529, -122.4443, 6, "98402 98405"), ("Vancouver", 45.6387, -122.6615, 4, "98660 98664"),
        ("Bellevue", 47.6101, -122.2015, 4, "98004 98007"), ("Everett", 47.9790, -122.2021, 3, "98201"),
        ("Yakima", 46.6021, -120.5059, 2, "98901 98902")]),
    _us("WV", "West Virginia", 1.8, 16.30, REG, trainee=True, cities=[
        ("Charleston", 38.3498, -81.6326, 3, "25301 25304"), ("Morgantown", 39.6295, -79.9559, 2, "26505 26506"),
        ("Huntington", 38.4192, -82.4452, 2, "25701")]),
    _us("WI", "Wisconsin", 5.9, 19.00, None, cities=[
        ("Milwaukee", 43.0389, -87.9065, 15, "53202 53226"), ("Madison", 43.0731, -89.4012, 7, "53703 53705 53792"),
        ("Green Bay", 44.5133, -88.0133, 3, "54301 54303"), ("La Crosse", 43.8014, -91.2396, 2, "54601"),
        ("Marshfield", 44.6689, -90.1718, 1, "54449")]),
    _us("WY", "Wyoming", 0.6, 19.00, LIC, mandated=True, trainee=True, cities=[
        ("Cheyenne", 41.1400, -104.8202, 1, "82001"), ("Casper", 42.8666, -106.3131, 1, "82601")]),
    _ca("ON", "Ontario", 15.6, 25.00, "Ontario College of Pharmacists", cities=[
        ("Toronto", 43.6532, -79.3832, 60, "M5G M5B M4N M5T"), ("Ottawa", 45.4215, -75.6972, 14, "K1H K1Y K1N"),
        ("Mississauga", 43.5890, -79.6441, 8, "L5B L5M"), ("Hamilton", 43.2557, -79.8711, 8, "L8N L8V"),
        ("London", 42.9849, -81.2453, 5, "N6A N6C"), ("Kingston", 44.2312, -76.4860, 2, "K7L"),
        ("Kitchener", 43.4516, -80.4925, 5, "N2G N2M"), ("Brampton", 43.7315, -79.7624, 6, "L6R L6T"),
        ("Windsor", 42.3149, -83.0364, 3, "N9A"), ("Sudbury", 46.4917, -80.9930, 2, "P3E"),
        ("Thunder Bay", 48.3809, -89.2477, 1, "P7B")]),
    _ca("QC", "Quebec", 8.9, 22.00, "Ordre des pharmaciens du Québec", regulated=False, cities=[
        ("Montréal", 45.5017, -73.5673, 40, "H2X H3T H4A"), ("Québec", 46.8139, -71.2080, 8, "G1R G1V"),
        ("Laval", 45.6066, -73.7124, 4, "H7N"), ("Gatineau", 45.4765, -75.7013, 3, "J8Y"),
        ("Sherbrooke", 45.4042, -71.8929, 2, "J1H")]),
    _ca("BC", "British Columbia", 5.6, 27.00, "College of Pharmacists of British Columbia", cities=[
        ("Vancouver", 49.2827, -123.1207, 25, "V5Z V6Z V6B"), ("Surrey", 49.1913, -122.8490, 5, "V3T V3V"),
        ("Victoria", 48.4284, -123.3656, 4, "V8R V8W"), ("Burnaby", 49.2488, -122.9805, 3, "V5G V5H"),
        ("Kelowna", 49.8880, -119.4960, 2, "V1Y"), ("Kamloops", 50.6745, -120.3273, 1, "V2C"),
        ("Prince George", 53.9171, -122.7497, 1, "V2M")]),
    _ca("AB", "Alberta", 4.7, 27.50, "Alberta College of Pharmacy", cities=[
        ("Calgary", 51.0447, -114.0719, 15, "T2N T2P T3B"), ("Edmonton", 53.5461, -113.4938, 14, "T5H T6G T5J"),
        ("Red Deer", 52.2690, -113.8116, 2, "T4N"), ("Lethbridge", 49.6956, -112.8451, 1, "T1J T1K")]),
    _ca("MB", "Manitoba", 1.5, 24.50, "College of Pharmacists of Manitoba", cities=[
        ("Winnipeg", 49.8951, -97.1384, 8, "R3A R3E R3T"), ("Brandon", 49.8485, -99.9501, 1, "R7A")]),
    _ca("SK", "Saskatchewan", 1.2, 26.50, "Saskatchewan College of Pharmacy Professionals", cities=[
        ("Saskatoon", 52.1332, -106.6700, 3, "S7N S7K"), ("Regina", 50.4452, -104.6189, 3, "S4P S4T")]),
    _ca("NS", "Nova Scotia", 1.1, 23.50, "Nova Scotia College of Pharmacists", cities=[
        ("Halifax", 44.6488, -63.5752, 4, "B3H B3J B3K"), ("Sydney", 46.1368, -60.1942, 1, "B1P")]),
    _ca("NB", "New Brunswick", 0.85, 23.00, "New Brunswick College of Pharmacists", cities=[
        ("Moncton", 46.0878, -64.7782, 2, "E1C"), ("Saint John", 45.2733, -66.0633, 1, "E2L"),
        ("Fredericton", 45.9636, -66.6431, 1, "E3B")]),
    _ca("NL", "Newfoundland and Labrador", 0.54, 23.50, "Newfoundland and Labrador Pharmacy Board", cities=[
        ("St. John's", 47.5615, -52.7126, 2, "A1B A1C"), ("Corner Brook", 48.9500, -57.9500, 1, "A2H")]),
    _ca("PE", "Prince Edward Island", 0.17, 22.50, "PEI College of Pharmacy", cities=[
        ("Charlottetown", 46.2382, -63.1311, 1, "C1A")]),
)
# fmt: on

# Share of postings drawn for Canada. Some settings have no Canadian employers and fall back to the US,
# so about a tenth of the postings end up Canadian: roughly its share of the two countries' population.
CANADA_SHARE = 0.14
# Canadian postal codes leave out these letters, so the generated local delivery units do too.
CANADA_POSTAL_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"

# Languages a posting asks for or welcomes besides English, as (ISO 639-1 code, share of postings) per region:
# Spanish across the US Southwest and in Florida (bilingual technicians are sought where many patients speak it),
# French in Quebec (where it is the working language), New Brunswick and Ontario; elsewhere a few postings ask
# for Spanish (US) or French (Canada), and some for the languages of large communities where they live.
LANGUAGE_SHARES = {
    "US-TX": (("es", 0.40), ("vi", 0.02)),
    "US-NM": (("es", 0.45),),
    "US-AZ": (("es", 0.35),),
    "US-CA": (("es", 0.35), ("zh", 0.04), ("vi", 0.03), ("tl", 0.03), ("ko", 0.02)),
    "US-FL": (("es", 0.40), ("ht", 0.04), ("pt", 0.01)),
    "US-NY": (("es", 0.12), ("zh", 0.03), ("ru", 0.02), ("ht", 0.01)),
    "US-IL": (("es", 0.10), ("ar", 0.01)),
    "US-MI": (("es", 0.03), ("ar", 0.04)),
    "US-WA": (("es", 0.06), ("vi", 0.02), ("ko", 0.02)),
    "CA-QC": (("fr", 0.92),),
    "CA-NB": (("fr", 0.40),),
    "CA-ON": (("fr", 0.15), ("zh", 0.02), ("pa", 0.02), ("hi", 0.01)),
    "CA-BC": (("zh", 0.05), ("pa", 0.04)),
}
DEFAULT_LANGUAGE_SHARES = {"US": (("es", 0.05),), "CA": (("fr", 0.04),)}

# Per 100 postings, so even small demo runs show every setting (a stratified draw, see demo.py).
SETTING_SHARES: dict[str, int] = {
    Setting.COMMUNITY_RETAIL: 36,
    Setting.HOSPITAL: 22,
    Setting.AMBULATORY_CLINIC: 7,
    Setting.LONG_TERM_CARE: 7,
    Setting.MAIL_ORDER: 4,
    Setting.SPECIALTY: 6,
    Setting.COMPOUNDING: 3,
    Setting.HOME_INFUSION: 3,
    Setting.NUCLEAR: 2,
    Setting.PBM_INSURANCE: 5,
    Setting.GOVERNMENT_MILITARY: 3,
    Setting.INDUSTRY_OTHER: 2,
}

# -- Pay ------------------------------------------------------------------------------------------------------

SETTING_PAY_FACTOR: dict[str, float] = {
    Setting.COMMUNITY_RETAIL: 0.96,
    Setting.HOSPITAL: 1.08,
    Setting.AMBULATORY_CLINIC: 1.03,
    Setting.LONG_TERM_CARE: 1.0,
    Setting.MAIL_ORDER: 0.98,
    Setting.SPECIALTY: 1.06,
    Setting.COMPOUNDING: 1.05,
    Setting.HOME_INFUSION: 1.1,
    Setting.NUCLEAR: 1.15,
    Setting.PBM_INSURANCE: 1.0,
    Setting.GOVERNMENT_MILITARY: 1.05,
    Setting.INDUSTRY_OTHER: 1.1,
}
EXPERIENCE_PAY_FACTOR: dict[str, float] = {
    Experience.TRAINEE: 0.84,
    Experience.ENTRY: 0.92,
    Experience.EXPERIENCED: 1.0,
    Experience.SENIOR: 1.1,
    Experience.LEAD: 1.2,
}
# Lead and senior roles are often advertised as a yearly salary.
YEARLY_PAY_SHARE: dict[str, float] = {Experience.LEAD: 0.45, Experience.SENIOR: 0.15}
SIGN_ON_BONUSES = (500, 750, 1000, 1500, 2000, 2500, 3000, 5000)
SIGN_ON_BONUS_WEIGHTS = (10, 6, 14, 8, 8, 5, 4, 1)

# -- Facets ---------------------------------------------------------------------------------------------------

EXPERIENCE_WEIGHTS: dict[str, int] = {
    Experience.TRAINEE: 10,
    Experience.ENTRY: 28,
    Experience.EXPERIENCED: 36,
    Experience.SENIOR: 15,
    Experience.LEAD: 11,
}

# (remote, hybrid) shares per setting; the rest are on-site. Remote work is billing and prior-auth work.
ARRANGEMENT_SHARES: dict[str, tuple[float, float]] = {
    Setting.PBM_INSURANCE: (0.65, 0.15),
    Setting.SPECIALTY: (0.14, 0.08),
    Setting.MAIL_ORDER: (0.06, 0.04),
    Setting.AMBULATORY_CLINIC: (0.05, 0.05),
    Setting.INDUSTRY_OTHER: (0.08, 0.12),
    Setting.HOSPITAL: (0.02, 0.01),
    Setting.LONG_TERM_CARE: (0.03, 0.01),
    Setting.HOME_INFUSION: (0.03, 0.02),
}

# (employment types, weight). Staffing agencies use their own list.
EMPLOYMENT_TYPE_CHOICES: tuple[tuple[tuple[str, ...], int], ...] = (
    ((EmploymentType.FULL_TIME,), 58),
    ((EmploymentType.PART_TIME,), 12),
    ((EmploymentType.FULL_TIME, EmploymentType.PART_TIME), 10),
    ((EmploymentType.PER_DIEM,), 8),
    ((EmploymentType.PART_TIME, EmploymentType.PER_DIEM), 4),
    ((EmploymentType.CONTRACT,), 3),
    ((EmploymentType.TEMPORARY,), 3),
    ((EmploymentType.INTERNSHIP,), 2),
)
STAFFING_EMPLOYMENT_TYPE_CHOICES: tuple[tuple[tuple[str, ...], int], ...] = (
    ((EmploymentType.CONTRACT,), 50),
    ((EmploymentType.TEMPORARY,), 25),
    ((EmploymentType.CONTRACT, EmploymentType.FULL_TIME), 10),
    ((EmploymentType.PER_DIEM,), 15),
)

_DAY, _EVE, _NIGHT, _WKND, _ROT, _CALL = (
    Shift.DAY,
    Shift.EVENING,
    Shift.NIGHT,
    Shift.WEEKEND,
    Shift.ROTATING,
    Shift.ON_CALL,
)
_OFFICE_SHIFTS = (((_DAY,), 70), ((_DAY, _EVE), 20), ((_EVE,), 10))
# (shifts, weight) per setting.
SHIFT_CHOICES: dict[str, tuple[tuple[tuple[str, ...], int], ...]] = {
    Setting.COMMUNITY_RETAIL: (
        ((_DAY,), 25),
        ((_DAY, _EVE), 20),
        ((_DAY, _EVE, _WKND), 25),
        ((_EVE, _WKND), 10),
        ((_EVE,), 6),
        ((_WKND,), 5),
        ((_ROT,), 7),
        ((_NIGHT,), 2),
    ),
    Setting.HOSPITAL: (
        ((_DAY,), 25),
        ((_EVE,), 15),
        ((_NIGHT,), 15),
        ((_DAY, _EVE), 8),
        ((_ROT,), 15),
        ((_DAY, _WKND), 6),
        ((_NIGHT, _WKND), 5),
        ((_WKND,), 4),
        ((_DAY, _CALL), 4),
        ((_EVE, _NIGHT), 3),
    ),
    Setting.AMBULATORY_CLINIC: (((_DAY,), 75), ((_DAY, _EVE), 15), ((_DAY, _WKND), 10)),
    Setting.LONG_TERM_CARE: (((_DAY,), 40), ((_EVE,), 20), ((_NIGHT,), 20), ((_DAY, _WKND), 10), ((_ROT,), 10)),
    Setting.MAIL_ORDER: (((_DAY,), 50), ((_EVE,), 25), ((_NIGHT,), 15), ((_WKND,), 10)),
    Setting.SPECIALTY: _OFFICE_SHIFTS,
    Setting.COMPOUNDING: (((_DAY,), 80), ((_DAY, _WKND), 10), ((_EVE,), 10)),
    Setting.HOME_INFUSION: (((_DAY,), 60), ((_DAY, _CALL), 20), ((_EVE,), 10), ((_ROT,), 10)),
    # Nuclear pharmacies dispense before dawn so doses reach imaging departments for the first scans.
    Setting.NUCLEAR: (((_NIGHT,), 50), ((_NIGHT, _CALL), 30), ((_DAY, _CALL), 20)),
    Setting.PBM_INSURANCE: _OFFICE_SHIFTS,
    Setting.GOVERNMENT_MILITARY: (((_DAY,), 60), ((_ROT,), 20), ((_EVE,), 10), ((_NIGHT,), 10)),
    Setting.INDUSTRY_OTHER: (((_DAY,), 85), ((_EVE,), 10), ((_NIGHT,), 5)),
}

SHIFT_DIFFERENTIALS: dict[str, tuple[str, ...]] = {
    Shift.EVENING: ("+$1.00/h evenings", "+$1.50/h evenings", "+$2.00/h evenings", "+8% evenings"),
    Shift.NIGHT: ("+$2.00/h nights", "+$2.50/h nights", "+$3.00/h nights", "+$4.00/h nights", "+10% nights"),
    Shift.WEEKEND: ("+$1.00/h weekends", "+$1.50/h weekends", "+$2.00/h weekends"),
}

SYSTEMS: dict[str, tuple[str, ...]] = {
    Setting.COMMUNITY_RETAIL: ("PioneerRx", "QS/1", "Rx30", "BestRx", "Liberty Software", "ScriptPro", "Parata"),
    Setting.HOSPITAL: ("Epic Willow", "Pyxis", "Omnicell", "Meditech", "Oracle Health PharmNet", "BD Pyxis IV Prep"),
    Setting.AMBULATORY_CLINIC: ("Epic Willow Ambulatory", "Epic", "Omnicell", "CoverMyMeds", "Meditech"),
    Setting.LONG_TERM_CARE: ("FrameworkLTC", "QS/1", "PioneerRx", "Omnicell", "RxMile", "Parata"),
    Setting.MAIL_ORDER: ("Innovation Associates", "ScriptPro", "QS/1", "Omnicell", "Salesforce"),
    Setting.SPECIALTY: ("CPR+", "CoverMyMeds", "Salesforce", "PioneerRx", "Therigy"),
    Setting.COMPOUNDING: ("PioneerRx", "CompounderLab", "QS/1", "Liberty Software"),
    Setting.HOME_INFUSION: ("CPR+", "WellSky", "Epic Willow", "BD Pyxis IV Prep"),
    Setting.NUCLEAR: ("Syntrac", "Capintec dose calibrator", "Microsoft Excel"),
    Setting.PBM_INSURANCE: ("CoverMyMeds", "RxClaim", "Salesforce", "Genesys", "Microsoft Teams"),
    Setting.GOVERNMENT_MILITARY: ("VistA", "CPRS", "MHS GENESIS", "Pyxis", "Omnicell"),
    Setting.INDUSTRY_OTHER: ("SAP", "Epic Willow", "Omnicell", "Microsoft Excel", "Vestigo"),
}
CANADA_SYSTEMS = ("Kroll", "Fillware", "PharmaClik Rx", "Healthwatch", "Meditech", "Pyxis", "Omnicell")

# -- Roles and titles -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    """A kind of job in a setting: its base title, the duties it always has and those it may have."""

    title: str
    duties: tuple[str, ...]
    extras: tuple[str, ...] = ()
    remote: bool = False  # a role that can be done from home (billing, prior-auth, phones)
    sterile: bool = False  # an IV-room role: PTCB CSPT is preferred
    trainee: bool = True  # "Pharmacy Technician Trainee" is a plausible title for it
    weight: int = 1  # how common the role is within its setting


_D = Duty
ROLES: dict[str, tuple[Role, ...]] = {
    Setting.COMMUNITY_RETAIL: (
        Role(
            "Pharmacy Technician",
            (_D.DISPENSING,),
            (_D.INVENTORY, _D.BILLING, _D.IMMUNIZATION, _D.PRIOR_AUTH),
            weight=12,
        ),
        Role(
            "Certified Pharmacy Technician",
            (_D.DISPENSING, _D.BILLING),
            (_D.INVENTORY, _D.IMMUNIZATION),
            trainee=False,
            weight=6,
        ),
        Role("Retail Pharmacy Technician", (_D.DISPENSING,), (_D.INVENTORY, _D.BILLING, _D.IMMUNIZATION), weight=4),
        Role("Pharmacy Service Technician", (_D.DISPENSING, _D.BILLING), (_D.INVENTORY,), weight=2),
        Role("Pharmacy Technician – Immunizations", (_D.DISPENSING, _D.IMMUNIZATION), (_D.BILLING,), trainee=False),
        Role("Community Pharmacy Technician", (_D.DISPENSING,), (_D.INVENTORY, _D.BILLING, _D.NON_STERILE), weight=3),
        Role("Pharmacy Inventory Technician", (_D.INVENTORY,), (_D.DISPENSING,), trainee=False),
    ),
    Setting.HOSPITAL: (
        Role("Inpatient Pharmacy Technician", (_D.DISPENSING, _D.AUTOMATION), (_D.INVENTORY, _D.TECH_CHECK), weight=6),
        Role("Pharmacy Technician – IV Room", (_D.STERILE,), (_D.HAZARDOUS, _D.INVENTORY), sterile=True, weight=5),
        Role(
            "Sterile Compounding Pharmacy Technician",
            (_D.STERILE, _D.HAZARDOUS),
            (_D.INVENTORY,),
            sterile=True,
            trainee=False,
            weight=2,
        ),
        Role("Pharmacy Technician – Oncology Infusion", (_D.STERILE, _D.HAZARDOUS), (), sterile=True, trainee=False),
        Role("Pharmacy Technician – Automation", (_D.AUTOMATION, _D.INVENTORY), (_D.TECH_CHECK,), weight=2),
        Role("Medication History Technician", (_D.MED_HISTORY,), (_D.DISPENSING,), trainee=False, weight=2),
        Role("Pharmacy Technician – Emergency Department", (_D.MED_HISTORY, _D.DISPENSING), (_D.AUTOMATION,)),
        Role("Pharmacy Technician – Operating Room Satellite", (_D.DISPENSING, _D.AUTOMATION), (_D.STERILE,)),
        Role("Pharmacy Buyer Technician", (_D.INVENTORY,), (_D.AUTOMATION,), trainee=False),
        Role("Hospital Pharmacy Technician", (_D.DISPENSING,), (_D.STERILE, _D.AUTOMATION, _D.INVENTORY), weight=5),
        Role("Pharmacy Technician – Patient Assistance", (_D.PRIOR_AUTH, _D.BILLING), (), remote=True, trainee=False),
    ),
    Setting.AMBULATORY_CLINIC: (
        Role("Outpatient Pharmacy Technician", (_D.DISPENSING, _D.BILLING), (_D.INVENTORY, _D.PRIOR_AUTH), weight=4),
        Role("Clinic Pharmacy Technician", (_D.DISPENSING,), (_D.INVENTORY, _D.IMMUNIZATION, _D.BILLING), weight=3),
        Role("Pharmacy Technician – Meds to Beds", (_D.DISPENSING, _D.BILLING), (_D.MED_HISTORY,), weight=2),
        Role("Ambulatory Infusion Pharmacy Technician", (_D.STERILE,), (_D.HAZARDOUS,), sterile=True, trainee=False),
        Role(
            "Prior Authorization Pharmacy Technician",
            (_D.PRIOR_AUTH,),
            (_D.BILLING,),
            remote=True,
            trainee=False,
            weight=2,
        ),
    ),
    Setting.LONG_TERM_CARE: (
        Role(
            "Long-Term Care Pharmacy Technician", (_D.DISPENSING,), (_D.INVENTORY, _D.BILLING, _D.AUTOMATION), weight=5
        ),
        Role("LTC Pharmacy Technician – Order Entry", (_D.DISPENSING,), (_D.BILLING,), remote=True),
        Role("Pharmacy Technician – Cycle Fill", (_D.DISPENSING, _D.AUTOMATION), (_D.INVENTORY,)),
        Role("Institutional Pharmacy Technician", (_D.DISPENSING,), (_D.BILLING, _D.INVENTORY, _D.STERILE), weight=2),
        Role("Pharmacy Technician – Night Order Entry", (_D.DISPENSING,), (_D.BILLING,), trainee=False),
    ),
    Setting.MAIL_ORDER: (
        Role("Mail Order Pharmacy Technician", (_D.DISPENSING, _D.AUTOMATION), (_D.INVENTORY,)),
        Role("Central Fill Pharmacy Technician", (_D.DISPENSING, _D.AUTOMATION), (_D.INVENTORY,)),
        Role("Pharmacy Technician – Fulfillment", (_D.DISPENSING,), (_D.AUTOMATION, _D.INVENTORY)),
        Role("Pharmacy Technician – Patient Care Center", (_D.BILLING,), (_D.PRIOR_AUTH,), remote=True),
    ),
    Setting.SPECIALTY: (
        Role("Specialty Pharmacy Technician", (_D.DISPENSING, _D.BILLING), (_D.PRIOR_AUTH, _D.INVENTORY), weight=4),
        Role(
            "Specialty Pharmacy Technician – Oncology", (_D.DISPENSING, _D.PRIOR_AUTH), (_D.HAZARDOUS,), trainee=False
        ),
        Role("Benefits Verification Pharmacy Technician", (_D.BILLING, _D.PRIOR_AUTH), (), remote=True, trainee=False),
        Role("Specialty Pharmacy Intake Technician", (_D.DISPENSING, _D.BILLING), (_D.PRIOR_AUTH,), remote=True),
        Role("Patient Access Pharmacy Technician", (_D.PRIOR_AUTH,), (_D.BILLING,), remote=True, trainee=False),
    ),
    Setting.COMPOUNDING: (
        Role("Compounding Pharmacy Technician", (_D.NON_STERILE,), (_D.STERILE, _D.INVENTORY, _D.DISPENSING), weight=3),
        Role("Sterile Compounding Technician (503B)", (_D.STERILE,), (_D.HAZARDOUS,), sterile=True, trainee=False),
        Role("Non-Sterile Compounding Technician", (_D.NON_STERILE, _D.DISPENSING), (_D.INVENTORY,)),
        Role("Cleanroom Pharmacy Technician", (_D.STERILE,), (_D.INVENTORY,), sterile=True),
    ),
    Setting.HOME_INFUSION: (
        Role("Home Infusion Pharmacy Technician", (_D.STERILE,), (_D.INVENTORY, _D.DISPENSING), sterile=True),
        Role("Infusion Pharmacy Technician – Sterile Compounding", (_D.STERILE, _D.HAZARDOUS), (), sterile=True),
        Role("Infusion Intake Pharmacy Technician", (_D.BILLING, _D.PRIOR_AUTH), (), remote=True, trainee=False),
    ),
    Setting.NUCLEAR: (
        Role("Nuclear Pharmacy Technician", (_D.RADIOPHARM,), (_D.INVENTORY,), weight=3),
        Role("Radiopharmacy Technician", (_D.RADIOPHARM,), (_D.STERILE,)),
        Role("Nuclear Pharmacy Technician – Early Morning", (_D.RADIOPHARM,), (_D.INVENTORY,), trainee=False),
    ),
    Setting.PBM_INSURANCE: (
        Role("Prior Authorization Pharmacy Technician", (_D.PRIOR_AUTH,), (_D.BILLING,), remote=True, weight=4),
        Role("Pharmacy Technician – Call Center", (_D.BILLING,), (_D.PRIOR_AUTH,), remote=True),
        Role("PBM Pharmacy Technician – Member Services", (_D.BILLING,), (_D.PRIOR_AUTH,), remote=True),
        Role("Utilization Management Pharmacy Technician", (_D.PRIOR_AUTH,), (_D.BILLING,), remote=True, trainee=False),
        Role("Pharmacy Claims Technician", (_D.BILLING,), (), remote=True),
    ),
    Setting.GOVERNMENT_MILITARY: (
        Role("Pharmacy Technician (GS-0661-05)", (_D.DISPENSING,), (_D.INVENTORY, _D.AUTOMATION), trainee=False),
        Role("Pharmacy Technician (GS-0661-06)", (_D.DISPENSING, _D.STERILE), (_D.AUTOMATION,), trainee=False),
        Role("Correctional Facility Pharmacy Technician", (_D.DISPENSING,), (_D.INVENTORY,)),
        Role("Pharmacy Technician – Military Treatment Facility", (_D.DISPENSING, _D.AUTOMATION), (_D.INVENTORY,)),
        Role("Veterans Affairs Pharmacy Technician", (_D.DISPENSING,), (_D.AUTOMATION, _D.BILLING), trainee=False),
    ),
    Setting.INDUSTRY_OTHER: (
        Role("Pharmacy Technician – Wholesale Distribution", (_D.INVENTORY,), (_D.DISPENSING,)),
        Role("Investigational Drug Services Technician", (_D.DISPENSING, _D.INVENTORY), (_D.STERILE,), trainee=False),
        Role("Pharmacy Informatics Technician", (_D.AUTOMATION,), (_D.INVENTORY,), remote=True, trainee=False),
        Role("Clinical Research Pharmacy Technician", (_D.DISPENSING,), (_D.STERILE, _D.INVENTORY), trainee=False),
        Role("Pharmacy Automation Technician", (_D.AUTOMATION,), (_D.INVENTORY,)),
    ),
}

# Canadian titles replace the US generic one: "Regulated Pharmacy Technician" is the protected title.
CANADA_TITLES = ("Regulated Pharmacy Technician", "Registered Pharmacy Technician", "Pharmacy Technician (RPhT)")
# Quebec does not regulate technicians; community pharmacies hire technical assistants (ATP).
QUEBEC_TITLES = ("Assistant(e) technique en pharmacie (ATP)", "Pharmacy Technical Assistant (ATP)")
CANADA_ASSISTANT_TITLE = "Pharmacy Assistant"

# -- Description text -----------------------------------------------------------------------------------------
# Placeholders: {employer} {title} {place} {team} {pharmacist}

INTROS = (
    "{employer} is hiring a {title} to join our {team} in {place}.",
    "Join {employer} as a {title} in {place} and help patients get the medicines they need, safely and on time.",
    "{employer} is looking for a dependable {title} for our {team} in {place}.",
    "Are you detail-oriented, calm under pressure and good with people? {employer} has an opening for a {title} "
    "in {place}.",
    "Our {team} in {place} is growing, and {employer} needs a {title} who takes pride in getting every "
    "prescription right.",
)
ROLE_PARAGRAPHS = (
    "Working under the supervision of a licensed {pharmacist}, you keep the pharmacy running: preparing and "
    "dispensing medications accurately, keeping stock where it should be, and being a friendly, professional "
    "link between patients, prescribers and insurers.",
    "You will work alongside {pharmacist}s and fellow technicians to make sure every patient receives safe and "
    "effective medication therapy. It is hands-on work that blends technical skill, organisation and service.",
    "This is a frontline role: accuracy matters on every label, every count and every claim, and a "
    "compassionate, professional manner matters on every call.",
    "You will be trusted with the technical parts of the job so our {pharmacist}s can spend their time on "
    "clinical review and patient counselling.",
)
TEAMS: dict[str, tuple[str, ...]] = {
    Setting.COMMUNITY_RETAIL: ("store pharmacy team", "community pharmacy", "neighbourhood pharmacy team"),
    Setting.HOSPITAL: ("inpatient pharmacy team", "hospital pharmacy department", "central pharmacy"),
    Setting.AMBULATORY_CLINIC: ("outpatient pharmacy", "clinic pharmacy team", "ambulatory care pharmacy"),
    Setting.LONG_TERM_CARE: ("long-term care pharmacy", "institutional pharmacy team"),
    Setting.MAIL_ORDER: ("mail service pharmacy", "central fill team", "home delivery pharmacy"),
    Setting.SPECIALTY: ("specialty pharmacy team", "patient access team"),
    Setting.COMPOUNDING: ("compounding lab", "compounding pharmacy team"),
    Setting.HOME_INFUSION: ("home infusion pharmacy", "infusion compounding team"),
    Setting.NUCLEAR: ("nuclear pharmacy", "radiopharmacy team"),
    Setting.PBM_INSURANCE: ("pharmacy services team", "prior authorization team", "member services team"),
    Setting.GOVERNMENT_MILITARY: ("pharmacy service", "outpatient and inpatient pharmacy"),
    Setting.INDUSTRY_OTHER: ("pharmacy operations team", "distribution center", "research pharmacy"),
}
SETTING_LINES: dict[str, tuple[str, ...]] = {
    Setting.COMMUNITY_RETAIL: (
        "Greet patients at the counter, drive-through and phone, and help them with questions the pharmacist "
        "should answer",
        "Keep the workflow moving during the evening rush without cutting corners",
    ),
    Setting.HOSPITAL: (
        "Deliver first doses and STAT medications to nursing units, the ED and the OR",
        "Answer calls from nurses about missing doses and follow up until they are resolved",
    ),
    Setting.AMBULATORY_CLINIC: (
        "Fill discharge prescriptions and deliver them to the bedside before patients go home",
        "Coordinate with clinic staff on refills and patient assistance programs",
    ),
    Setting.LONG_TERM_CARE: (
        "Prepare multi-dose blister cards and cycle fills for skilled nursing and assisted living facilities",
        "Process new admissions and medication changes sent in by facility nurses",
    ),
    Setting.MAIL_ORDER: (
        "Keep high-volume automation lines running and clear exceptions quickly",
        "Pack and ship temperature-sensitive orders according to cold-chain procedures",
    ),
    Setting.SPECIALTY: (
        "Coordinate refills and deliveries with patients on complex therapies",
        "Enroll patients in manufacturer copay and foundation assistance programs",
    ),
    Setting.COMPOUNDING: (
        "Follow master formulation and compounding records exactly and document every step",
        "Clean and certify work areas on schedule",
    ),
    Setting.HOME_INFUSION: (
        "Prepare antibiotics, TPN and hydration for patients at home and pack deliveries",
        "Keep cleanroom environmental monitoring and cleaning logs up to date",
    ),
    Setting.NUCLEAR: (
        "Start the shift before dawn so doses reach imaging departments for the first scans",
        "Follow radiation safety procedures and wear dosimetry badges",
    ),
    Setting.PBM_INSURANCE: (
        "Take inbound calls from members, pharmacies and prescriber offices in a queue-based environment",
        "Meet quality and turnaround goals while keeping protected health information secure",
    ),
    Setting.GOVERNMENT_MILITARY: (
        "Serve veterans, service members and their families with respect",
        "Follow federal controlled-substance and security procedures",
    ),
    Setting.INDUSTRY_OTHER: (
        "Maintain records that stand up to audits and inspections",
        "Work with pharmacists, IT and operations to improve processes",
    ),
}
REMOTE_LINES = (
    "Work from home on a set schedule, with a team lead and pharmacists a message away",
    "Keep your case queue moving and document every contact so the next person can pick it up",
    "Protect patient privacy at home as carefully as you would in the pharmacy",
)
DUTY_LINES: dict[str, tuple[str, ...]] = {
    Duty.DISPENSING: (
        "Receive written, electronic and phoned-in prescriptions; verify patient information and enter them accurately",
        "Count, measure, pour and label medications for pharmacist verification",
        "Process new prescriptions and refills in {system}",
    ),
    Duty.INVENTORY: (
        "Order, receive and put away stock; return expired and recalled products",
        "Run cycle counts and help with controlled-substance audits",
        "Track drug shortages and flag substitutions to the pharmacist",
    ),
    Duty.BILLING: (
        "Resolve third-party rejections (refill too soon, non-formulary, quantity limits)",
        "Bill commercial plans, Medicare Part D and Medicaid and reconcile claims",
        "Call insurers and benefit managers to sort out coverage and billing problems",
    ),
    Duty.PRIOR_AUTH: (
        "Start prior authorizations with prescriber offices and follow them up until a decision is made",
        "Review clinical criteria and document prior authorization requests accurately",
        "Explain coverage decisions, appeals and next steps to patients in plain language",
    ),
    Duty.STERILE: (
        "Prepare IV admixtures, syringes and TPN using aseptic technique in an ISO 5 hood (USP 797)",
        "Garb, clean and document to cleanroom standards; complete media-fill and fingertip testing",
    ),
    Duty.HAZARDOUS: (
        "Compound chemotherapy and other hazardous drugs in a biological safety cabinet (USP 800)",
        "Handle, label, transport and dispose of hazardous drugs safely with the right PPE",
    ),
    Duty.NON_STERILE: (
        "Compound creams, capsules, suspensions and troches to USP 795",
        "Weigh and measure ingredients and keep the compounding log complete",
    ),
    Duty.RADIOPHARM: (
        "Prepare and dispense unit doses of radiopharmaceuticals following USP 825",
        "Perform quality control, dose calibrator checks, surveys and wipe tests",
    ),
    Duty.AUTOMATION: (
        "Restock {cabinet} automated dispensing cabinets and resolve discrepancies",
        "Keep carousels, robots and packaging automation filled and running",
    ),
    Duty.MED_HISTORY: (
        "Collect best-possible medication histories from patients and caregivers",
        "Call community pharmacies and clinics to confirm home medication lists",
    ),
    Duty.TECH_CHECK: ("Check other technicians' cart fills and floor stock under the tech-check-tech program",),
    Duty.IMMUNIZATION: (
        "Administer immunizations (flu, COVID-19, shingles) after training and certification",
        "Screen patients and prepare vaccine records",
    ),
}
SKILL_LINES = (
    "Exceptional attention to detail: you catch the wrong strength before it reaches a patient",
    "Solid maths for dosage calculations and conversions",
    "Working knowledge of medical and pharmaceutical terminology, including brand and generic names",
    "Comfortable with pharmacy software and general computer work",
    "Clear, courteous communication with patients, nurses, prescribers and insurers",
    "Commitment to confidentiality and HIPAA-compliant handling of patient information",
    "Able to stand for long periods and lift up to 25 lb",
    "Reliable and punctual, with a willingness to keep learning",
)
CANADA_SKILL_LINES = (
    "Exceptional attention to detail and accuracy",
    "Solid maths for dosage calculations and conversions",
    "Clear, courteous communication with patients and the care team",
    "Commitment to confidentiality and to the privacy of personal health information",
    "Comfortable with pharmacy software and general computer work",
)
EXPERIENCE_LINES: dict[str, str] = {
    Experience.TRAINEE: "No experience needed: we train you on the job",
    Experience.ENTRY: "Up to a year of pharmacy experience; new graduates of a technician program welcome",
    Experience.EXPERIENCED: "1–3 years of experience as a pharmacy technician",
    Experience.SENIOR: "3+ years of experience as a pharmacy technician",
    Experience.LEAD: "3+ years as a pharmacy technician, including training or leading others",
}
EDUCATION_LINES = (
    "High school diploma or GED",
    "High school diploma or equivalent; a pharmacy technician program certificate is a plus",
    "Completion of an accredited pharmacy technician training program, or equivalent experience",
)
CANADA_EDUCATION_LINES = (
    "Graduate of a CCAPP-accredited pharmacy technician program",
    "Diploma from an accredited pharmacy technician program",
)
QUEBEC_EDUCATION_LINES = (
    "DEP en assistance technique en pharmacie, or equivalent experience",
    "Bilingual French and English; French required",
)
BENEFIT_LINES = (
    "Medical, dental and vision coverage from day one",
    "401(k) with company match",
    "Paid time off and paid holidays",
    "Employee discount",
    "A clear path to the next technician level",
    "Life and disability insurance",
    "Employee assistance program",
)
CANADA_BENEFIT_LINES = (
    "Extended health and dental benefits",
    "RRSP matching",
    "Paid vacation and personal days",
    "Employee discount",
    "Professional development and CE support",
)
CLOSINGS = (
    "{employer} is an equal opportunity employer. All qualified applicants will receive consideration for "
    "employment without regard to race, color, religion, sex, sexual orientation, gender identity, national "
    "origin, disability or veteran status.",
    "{employer} is proud to be an equal opportunity employer and a drug-free workplace. Offers are contingent "
    "on a background check.",
    "Ready to grow your career with {employer}? Apply today: we review applications every week.",
)
CANADA_CLOSINGS = (
    "{employer} is committed to an inclusive, barrier-free workplace. Accommodations are available on request "
    "throughout the hiring process.",
    "We thank all applicants; only those selected for an interview will be contacted.",
)

# -- Employers ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmployerKind:
    """A blueprint for demo employers: what they are, where they hire, which settings they post in."""

    type: str
    country: str
    settings: tuple[str, ...]
    patterns: tuple[str, ...]  # name patterns; {name} is a place-like word
    weight: float  # how many postings an employer of this kind puts up, relatively
    regions: int  # 0: the whole country; otherwise how many states/provinces it hires in
    description: str


_T = Employer.Type


# The first twelve cover every setting and both countries, so even `--employers 12` shows them all.
def _kind(type_, country, settings, patterns, weight, regions, description) -> EmployerKind:
    return EmployerKind(type_, country, tuple(settings), tuple(patterns), weight, regions, description)


EMPLOYER_KINDS: tuple[EmployerKind, ...] = (
    _kind(
        _T.CHAIN, "US", [Setting.COMMUNITY_RETAIL, Setting.AMBULATORY_CLINIC], ["{name} Pharmacy", "{name} Drug"], 8, 0,
        "A pharmacy chain with stores in neighbourhoods, grocery stores and clinics across the country.",
    ),
    _kind(
        _T.HEALTH_SYSTEM, "US", [Setting.HOSPITAL, Setting.AMBULATORY_CLINIC, Setting.HOME_INFUSION],
        ["{name} Health", "{name} Medical Center", "{name} Regional Health System"], 4, 2,
        "A not-for-profit health system with hospitals, clinics and outpatient pharmacies.",
    ),
    _kind(
        _T.CHAIN, "CA", [Setting.COMMUNITY_RETAIL, Setting.AMBULATORY_CLINIC], ["{name} Pharmacy", "{name} Drug Mart"],
        5, 0, "A Canadian pharmacy chain with stores from coast to coast.",
    ),
    _kind(
        _T.LONG_TERM_CARE, "US", [Setting.LONG_TERM_CARE],
        ["{name} Long-Term Care Pharmacy", "{name} Institutional Pharmacy Services"], 3, 0,
        "A closed-door pharmacy serving skilled nursing, assisted living and group homes.",
    ),
    _kind(
        _T.PBM_INSURER, "US", [Setting.PBM_INSURANCE, Setting.MAIL_ORDER],
        ["{name} Pharmacy Benefits", "{name} Health Plan", "{name} Rx Solutions"], 4, 0,
        "A pharmacy benefit manager serving employers, health plans and their members.",
    ),
    _kind(
        _T.SPECIALTY, "US", [Setting.SPECIALTY, Setting.HOME_INFUSION],
        ["{name} Specialty Pharmacy", "{name} Infusion & Specialty"], 2.5, 0,
        "A specialty and infusion pharmacy for patients with complex and chronic conditions.",
    ),
    _kind(
        _T.HEALTH_SYSTEM, "CA", [Setting.HOSPITAL, Setting.AMBULATORY_CLINIC, Setting.LONG_TERM_CARE],
        ["{name} Health Sciences Centre", "{name} Regional Hospital", "{name} Health Authority"], 3, 1,
        "A public health organisation running hospitals and community care sites.",
    ),
    _kind(
        _T.MAIL_ORDER, "US", [Setting.MAIL_ORDER], ["{name} Mail Pharmacy", "{name} Central Fill"], 2, 0,
        "A mail-service and central-fill pharmacy shipping prescriptions nationwide.",
    ),
    _kind(
        _T.OTHER, "US", [Setting.NUCLEAR], ["{name} Nuclear Pharmacy", "{name} Radiopharmacy"], 1.5, 0,
        "A network of nuclear pharmacies supplying radiopharmaceuticals to hospitals and imaging centers.",
    ),
    _kind(
        _T.GOVERNMENT, "US", [Setting.GOVERNMENT_MILITARY],
        ["{name} Veterans Health Care System", "{name} Army Medical Center", "{name} County Correctional Health"],
        2, 1, "Federal, military and correctional health care.",
    ),
    _kind(
        _T.INDEPENDENT, "US", [Setting.COMPOUNDING, Setting.COMMUNITY_RETAIL],
        ["{name} Compounding Pharmacy", "{name} Apothecary"], 1, 1,
        "An independent pharmacy with a compounding lab.",
    ),
    _kind(
        _T.OTHER, "US", [Setting.INDUSTRY_OTHER],
        ["{name} Pharmaceutical Distribution", "{name} Clinical Research", "{name} Pharmacy Solutions"], 1.5, 0,
        "Wholesale distribution, research and pharmacy services behind the counter.",
    ),
    _kind(
        _T.STAFFING, "US", [Setting.HOSPITAL, Setting.COMMUNITY_RETAIL, Setting.LONG_TERM_CARE],
        ["{name} Pharmacy Staffing", "{name} Healthcare Staffing"], 2, 0,
        "A staffing agency placing pharmacy technicians in travel, contract and per diem roles.",
    ),
    _kind(
        _T.INDEPENDENT, "US", [Setting.COMMUNITY_RETAIL],
        ["{name} Family Pharmacy", "{name} Community Pharmacy", "{name} Drug Store"], 0.6, 1,
        "A locally owned community pharmacy that knows its patients by name.",
    ),
    _kind(
        _T.INDEPENDENT, "CA", [Setting.COMMUNITY_RETAIL, Setting.COMPOUNDING], ["{name} Pharmacy", "{name} Apothecary"],
        0.8, 1, "An independent Canadian pharmacy offering compounding and clinical services.",
    ),
    _kind(
        _T.HEALTH_SYSTEM, "US", [Setting.HOSPITAL, Setting.SPECIALTY, Setting.AMBULATORY_CLINIC],
        ["{name} University Health", "{name} Children's Hospital", "{name} Medical Center"], 3, 1,
        "An academic medical center with a teaching hospital and specialty clinics.",
    ),
    _kind(
        _T.CHAIN, "US", [Setting.COMMUNITY_RETAIL], ["{name} Market Pharmacy", "{name} Foods Pharmacy"], 3, 3,
        "A regional grocery chain with a pharmacy in most of its stores.",
    ),
    _kind(
        _T.LONG_TERM_CARE, "CA", [Setting.LONG_TERM_CARE], ["{name} Seniors Pharmacy", "{name} Care Pharmacy"], 1, 2,
        "A pharmacy serving long-term care homes and retirement residences.",
    ),
    _kind(
        _T.SPECIALTY, "US", [Setting.HOME_INFUSION, Setting.COMPOUNDING], ["{name} Home Infusion"], 1.2, 2,
        "A home infusion pharmacy with an ISO-classified cleanroom.",
    ),
)  # fmt: skip

EMPLOYER_NAMES = {
    "US": (
        "Bluebonnet", "Summit", "Heritage", "Harbor", "Prairie", "Keystone", "Evergreen", "Lakeside", "Pioneer",
        "Liberty", "Cornerstone", "Magnolia", "Redwood", "Frontier", "Northgate", "Sunrise", "Cedar", "Granite",
        "Silver Creek", "Meadowbrook", "Riverbend", "Bayview", "Copper Ridge", "Pinecrest", "Juniper", "Oakmont",
        "Willow Creek", "Stonebridge", "Blue Ridge", "Clearwater", "Highland", "Sagebrush", "Palmetto", "Ironwood",
        "Canyon", "Trinity", "Coastal", "Great Plains", "Mesa Verde", "Shoreline",
    ),
    "CA": (
        "Maple", "Northern Lights", "Laurentian", "Muskoka", "Prairie Rose", "Rocky Mountain", "Fundy",
        "Georgian Bay", "Okanagan", "Atlantic", "Cariboo", "Red River", "Boreal", "Algonquin", "Saint-Laurent",
        "Kootenay", "Assiniboine", "Rideau",
    ),
}  # fmt: skip

# -- Applicants -----------------------------------------------------------------------------------------------

FIRST_NAMES = (
    "Maria", "James", "Aaliyah", "Jose", "Emily", "Michael", "Priya", "David", "Jasmine", "Daniel", "Ashley",
    "Luis", "Sarah", "Kevin", "Nguyen", "Ana", "Christopher", "Fatima", "Brandon", "Jessica", "Carlos", "Mei",
    "Tyler", "Destiny", "Juan", "Hannah", "Anthony", "Gabriela", "Marcus", "Olivia", "Samuel", "Chloé", "Amir",
    "Rebecca", "Diego", "Kayla", "Jordan", "Sofia", "Isaiah", "Taylor", "Mohammed", "Brianna", "Eric", "Leticia",
    "Ryan", "Hui", "Nicole", "Andre", "Rosa", "Ethan",
)  # fmt: skip
LAST_NAMES = (
    "Garcia", "Smith", "Johnson", "Nguyen", "Martinez", "Williams", "Brown", "Patel", "Rodriguez", "Jones",
    "Davis", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Lee", "Kim",
    "Tremblay", "Gagnon", "Roy", "Singh", "Chen", "Walker", "Hall", "Allen", "Young", "King", "Wright", "Scott",
    "Torres", "Ramirez", "Flores", "Green", "Adams", "Nelson", "Baker", "Rivera", "Campbell", "Mitchell",
    "Carter", "Roberts", "Pham", "Okafor", "Ali", "Côté", "MacDonald",
)  # fmt: skip
HEADLINES = (
    "{cert}, {years} years in {setting}",
    "{cert} with {years} years of {setting} experience",
    "Pharmacy technician: {setting}, {years} years",
    "{cert} | {setting} | {years} yrs",
)
TRAINEE_HEADLINES = (
    "Pharmacy technician student looking for my first role",
    "Career changer, finishing a pharmacy technician program",
    "Technician trainee, eager to learn",
)
SETTING_PHRASES: dict[str, str] = {
    Setting.COMMUNITY_RETAIL: "retail pharmacy",
    Setting.HOSPITAL: "hospital IV room",
    Setting.AMBULATORY_CLINIC: "outpatient pharmacy",
    Setting.LONG_TERM_CARE: "long-term care",
    Setting.MAIL_ORDER: "mail order",
    Setting.SPECIALTY: "specialty pharmacy",
    Setting.COMPOUNDING: "compounding",
    Setting.HOME_INFUSION: "home infusion",
    Setting.NUCLEAR: "nuclear pharmacy",
    Setting.PBM_INSURANCE: "prior authorization",
    Setting.GOVERNMENT_MILITARY: "VA and military pharmacy",
    Setting.INDUSTRY_OTHER: "pharmacy operations",
}
