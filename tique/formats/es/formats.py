# "25 nov 2026, 10:32": Spanish writes abbreviated months in lower case.
DATETIME_FORMAT = "j b Y, H:i"
DATE_FORMAT = "j b Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
# When a ticket received outside business hours will be attended (tique.sla.formatting):
# "lunes 2 de diciembre a las 09:00".
ATTEND_AT_FORMAT = r"l j \d\e F \a \l\a\s H:i"
